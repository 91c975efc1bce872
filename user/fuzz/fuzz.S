/*
 * user/fuzz/fuzz.S - the fuzzer's stacks and the code its ECs run outside the dialect
 * (the dialect cannot take a function's address: portal IPs and start RIPs are labels).
 *
 * fuzz_handler_entry: the handlers' portal IP (nova/entry.h PORTAL_ENTRY): calls
 * fuzz_handler_serve(pid, mtd, rsp), whose result is the reply MTD (handler.ts).
 * fuzz_worker_entry: a worker's RIP after STARTUP (RDI = its index): fuzz_worker_run(w),
 * then a reply, which blocks a global EC for good (worker.ts).
 *
 * fuzz_entries: the portal IPs the generator gives the portals it makes (gen.ts ipOf),
 * 16 bytes apart; they use no stack, since those ECs have none but their UTCB:
 *   0  fuzz_serve: replies with UTCB word 0 (the UTCB is the page below RSP, create_ec's sp
 *      being the UTCB's top): the MTD the caller chose
 *   1  nova_reply_at_once (nova/portal.S): replies with the call's own MTD
 *   2  a #UD first, then as 0 (the event goes to the EC's handler, handler.ts)
 *   3  a #GP (HLT in ring 3), then as 0
 *   4  a #BP (a trap: RIP is after it), then as 0
 * fuzz_steered: SYSCALL, then UD2: where a handler sends an EC to make a call; the #UD
 * brings the status (RDI) back to the handler. fuzz_block: ipc_reply with the RSI the
 * handler set (a local EC's reply to its caller; a global EC blocks for good), UD2 if the
 * kernel refused.
 *
 * fuzz_park: the portal IP of a STARTUP handler whose UTCB is the page below RSP: sends
 * the new global EC to fuzz_block (RIP in the UTCB, §6.2 offset 0x88; reply MTD RIP), where
 * it blocks for good. The root's sweep after a round (round.ts) runs such a pair on each CPU.
 *
 * fuzz_guest_code: the page every guest space of a round has at GUEST_CODE_GPA (layout.ts),
 * where a vCPU's STARTUP sends it (real mode, CS base 0): CPUID, IN, HLT and VMMCALL in a loop,
 * each an exit (handler.ts); the rest of the page is HLT, so a guest sent into the page
 * anywhere exits soon. Its bytes mean the same in 16-, 32- and 64-bit code up to the jump.
 */
#include "nova/entry.h"

        .data
        .balign 4096
        .global fuzz_worker_stacks
fuzz_worker_stacks:
        .space  24 * 0x2000                     /* layout.ts STACK_SIZE, MAX_WORKERS */
        .global fuzz_handler_stacks
fuzz_handler_stacks:
        .space  8 * 0x2000                      /* one per CPU */

        PORTAL_ENTRY fuzz_handler_entry, fuzz_handler_serve
        GLOBAL_ENTRY fuzz_worker_entry, fuzz_worker_run

        .text
        .balign 16
        .global fuzz_entries
fuzz_entries:
        jmp     fuzz_serve
        .balign 16
        jmp     nova_reply_at_once
        .balign 16
        ud2
        jmp     fuzz_serve
        .balign 16
        hlt
        jmp     fuzz_serve
        .balign 16
        int3
        jmp     fuzz_serve

        .balign 16
        .global fuzz_serve
fuzz_serve:
        movq    %rsp, %rsi
        decq    %rsi
        andq    $-4096, %rsi
        movq    (%rsi), %rsi                    /* UTCB word 0: the reply MTD */
        movl    $1, %edi                        /* ipc_reply */
        syscall
        ud2

        .balign 16
        .global fuzz_steered
fuzz_steered:
        syscall                                 /* 2 bytes: the UD2 is at +2 (handler.ts) */
        ud2

        .balign 16
        .global fuzz_park
fuzz_park:
        movq    %rsp, %rax
        decq    %rax
        andq    $-4096, %rax
        leaq    fuzz_block(%rip), %rcx
        movq    %rcx, 0x88(%rax)
        movl    $0x10, %esi                     /* MTD RIP */
        movl    $1, %edi                        /* ipc_reply */
        syscall
        ud2

        .balign 16
        .global fuzz_block
fuzz_block:
        movl    $1, %edi                        /* ipc_reply, RSI as the handler set it */
        syscall
        ud2

        .text
        .balign 4096
        .global fuzz_guest_code
fuzz_guest_code:
        .byte   0x0f, 0xa2                      /* cpuid */
        .byte   0xec                            /* in %dx, %al */
        .byte   0xf4                            /* hlt */
        .byte   0x0f, 0x01, 0xd9                /* vmmcall */
        .byte   0xeb, 0xf7                      /* jmp fuzz_guest_code */
        .fill   4096 - 9, 1, 0xf4               /* hlt */

        .section .note.GNU-stack, "", @progbits
