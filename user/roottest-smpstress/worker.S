/*
 * user/roottest-smpstress/worker.S - entry points, stacks and pages of the workers
 * (main.ts): the dialect cannot take a function's address, so the handlers' portal IP
 * and the workers' start RIP are these labels (the pattern of user/roottest/ec.S).
 *
 * stress_portal_entry: a handler EC's portal IP (its STARTUP portal): calls
 * roottest_smpstress_main_portal(pid, mtd, rsp), whose result is the reply MTD.
 * stress_worker_entry: a worker's RIP after STARTUP (RDI = its CPU): calls
 * roottest_smpstress_main_worker(cpu), then replies, which blocks a global EC forever.
 */
        .data
        .balign 4096
        .global stress_pages
stress_pages:                                   /* one page per worker, delegated to its PD */
        .space  8 * 4096
        .global stress_stacks
stress_stacks:
        .space  16 * 4096                       /* STACK_SIZE each, main.ts */

        .text
        .global stress_portal_entry
        .type   stress_portal_entry, @function
stress_portal_entry:
        movq    %rsp, %rdx
        call    roottest_smpstress_main_portal
        movq    %rax, %rsi
        movl    $1, %edi                        /* ipc_reply */
        syscall
        ud2
        .size   stress_portal_entry, . - stress_portal_entry

        .global stress_worker_entry
        .type   stress_worker_entry, @function
stress_worker_entry:
        call    roottest_smpstress_main_worker
1:      xorl    %esi, %esi
        movl    $1, %edi                        /* ipc_reply: a global EC blocks forever */
        syscall
        jmp     1b
        .size   stress_worker_entry, . - stress_worker_entry

        .section .note.GNU-stack, "", @progbits
