/*
 * user/roottest/smp.S - entry points, stacks and the shared page of the ECs
 * user/roottest/smp.ts creates on every CPU (the dialect cannot take a function's
 * address, so portal IPs and the global ECs' start RIP are these labels, found with
 * linkerSymbol(); the stubs are user/nova/entry.h's, as in ec.S).
 *
 * smp_portal_entry: a handler EC's portal IP: calls roottest_smp_portal(pid, mtd, rsp),
 * whose result is the reply MTD, and replies (every call starts with the same RSP).
 * smp_ud2_entry: a portal IP that raises #UD first.
 * smp_global_entry: a global EC's RIP after its STARTUP reply or after its #PF handler
 * restarted it (RDI = its CPU, RSP = its stack top): calls roottest_smp_global(cpu),
 * then replies, which blocks a global EC forever (nova-abi.md §4.2).
 */
#include "nova/entry.h"

        .data
        .balign 4096
        .global smp_shared
smp_shared:                                     /* one page: mapped a second time by smp.ts */
        .space  4096
        .global smp_stacks
smp_stacks:
        .space  20 * 4096                       /* STACK_SIZE each, smp.ts */

        PORTAL_ENTRY smp_portal_entry, roottest_smp_portal

        .global smp_ud2_entry
smp_ud2_entry:
        ud2
        jmp     smp_portal_entry

        GLOBAL_ENTRY smp_global_entry, roottest_smp_global

        .section .note.GNU-stack, "", @progbits
