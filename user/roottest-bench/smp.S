/*
 * user/roottest-bench/smp.S - entry points and stacks of the ECs the SMP benches
 * (user/roottest-bench/smp.ts) create in the root PD on CPUs 1…: the dialect cannot
 * take a function's address, so the STARTUP portal's IP and the global ECs' start RIP
 * are these labels, found with linkerSymbol().
 *
 * smp_startup_entry: the IP of the STARTUP portal of every global EC, served by a local
 * EC on the global EC's CPU (RDI = PID, RSI = MTD). It calls
 * roottest_bench_smp_startup(pid), whose result is the reply MTD (the handler set RIP
 * and RDI in its UTCB), and replies; RSP is the same at every reply.
 *
 * smp_global_entry: a global EC's RIP after its STARTUP reply (RDI = its index); it
 * calls roottest_bench_smp_global(index), then replies, which blocks a global EC for
 * good (§4.2): the EC stays blocked until its capability is revoked.
 */
        .data
        .balign 16
        .global smp_stacks
smp_stacks:
        .space  16 * 4096                       /* STACK_SIZE each, smp.ts */

        .text
        .global smp_startup_entry
        .type   smp_startup_entry, @function
smp_startup_entry:
        call    roottest_bench_smp_startup
        movq    %rax, %rsi
        movl    $1, %edi                        /* ipc_reply */
        syscall
        ud2                                     /* the reply was refused */
        .size   smp_startup_entry, . - smp_startup_entry

        .global smp_global_entry
        .type   smp_global_entry, @function
smp_global_entry:
        call    roottest_bench_smp_global
1:      xorl    %esi, %esi
        movl    $1, %edi                        /* ipc_reply: a global EC blocks for good */
        syscall
        jmp     1b
        .size   smp_global_entry, . - smp_global_entry

        .section .note.GNU-stack, "", @progbits
