/*
 * user/roottest/ec.S - entry points and stacks of the ECs user/roottest/ec.ts creates
 * in the root PD (the dialect cannot take a function's address, so the portal IPs and
 * the global ECs' start RIP are these labels, found with linkerSymbol()).
 *
 * ec_portal_entry: a local EC's portal IP (user/nova/entry.h PORTAL_ENTRY): calls
 * roottest_ec_portal(pid, mtd, rsp), whose result is the reply MTD, and replies.
 * The other ec_*_entry portal IPs first execute one instruction that raises an
 * exception (its event goes to the EC's event portal, whose handler may skip it),
 * then continue as ec_portal_entry.
 *
 * ec_global_entry: a global EC's RIP after its STARTUP reply (RDI = its index; entry.h
 * GLOBAL_ENTRY); it calls roottest_ec_global(index) and then replies, which blocks a
 * global EC forever (§4.2): ec_reply_returned counts replies that returned (none may).
 */
#include "nova/entry.h"

        .data
        .balign 16
        .global ec_stacks
ec_stacks:
        .space  24 * 4096                       /* EC_STACK_SIZE each, ec.ts */

        .balign 8
        .global ec_sse_value, ec_after_rbx, ec_reply_returned
ec_sse_value:   .quad 0                         /* XMM0 as ec_sse_get_entry read it */
ec_after_rbx:   .quad 0                         /* RBX after the #UD of ec_ud2_entry */
ec_reply_returned: .quad 0
        .global ec_pf_address
ec_pf_address:  .quad 0x7ffe00000000            /* never mapped in the root PD */

        PORTAL_ENTRY ec_portal_entry, roottest_ec_portal
        /* The same with RFLAGS.NT (0x4000) set at the reply: IRETQ in 64-bit mode raises #GP with NT set. */
        PORTAL_ENTRY ec_nt_portal_entry, roottest_ec_portal, 0x4000

        .global ec_ud2_entry
ec_ud2_entry:                                   /* #UD with known RBX and R15 */
        movabsq $0x1111222233334444, %rbx
        movq    $0x5555, %r15
        .global ec_ud2_fault
ec_ud2_fault:
        ud2
        movq    %rbx, ec_after_rbx(%rip)
        jmp     ec_portal_entry

        .global ec_out_entry
ec_out_entry:                                   /* OUT to port 0x84 (ec.ts IO_PORT) */
        outb    %al, $0x84
        jmp     ec_portal_entry

        .global ec_ac_ud2_entry
ec_ac_ud2_entry:                                /* #UD with RFLAGS.AC set */
        pushfq
        orq     $0x40000, (%rsp)
        popfq
        ud2
        pushfq                                  /* AC off again before the dialect's code */
        andq    $~0x40000, (%rsp)
        popfq
        jmp     ec_portal_entry

        .global ec_div_entry
ec_div_entry:                                   /* #DE: divide by zero */
        xorl    %ecx, %ecx
        .global ec_div_fault
ec_div_fault:
        divq    %rcx
        jmp     ec_portal_entry

        .global ec_bp_entry
ec_bp_entry:                                    /* #BP: INT3 (a trap: RIP is after it) */
        int3
        .global ec_bp_after
ec_bp_after:
        jmp     ec_portal_entry

        .global ec_pf_entry
ec_pf_entry:                                    /* #PF: a read of an unmapped page */
        movq    ec_pf_address(%rip), %rax
        .global ec_pf_fault
ec_pf_fault:
        movq    (%rax), %rax
        jmp     ec_portal_entry

        .global ec_sse_set_entry
ec_sse_set_entry:                               /* XMM0 = PID */
        movq    %rdi, %xmm0
        jmp     ec_portal_entry

        .global ec_sse_get_entry
ec_sse_get_entry:                               /* ec_sse_value = XMM0 (5-byte MOVQ first) */
        movq    %xmm0, %rax
        movq    %rax, ec_sse_value(%rip)
        jmp     ec_portal_entry

        GLOBAL_ENTRY ec_global_entry, roottest_ec_global, ec_reply_returned

        .global ec_global_ud2
ec_global_ud2:                                  /* a global EC's #UD first, then as above */
        ud2
        jmp     ec_global_entry

        .section .note.GNU-stack, "", @progbits
