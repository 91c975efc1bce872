/*
 * user/roottest-bench/smp.S - entry points and stacks of the ECs the SMP benches
 * (user/roottest-bench/smp.ts) create in the root PD on CPUs 1…: the dialect cannot
 * take a function's address, so the STARTUP portal's IP and the global ECs' start RIP
 * are these labels (user/nova/entry.h's stubs), found with linkerSymbol().
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
#include "nova/entry.h"

        .data
        .balign 16
        .global smp_stacks
smp_stacks:
        .space  16 * 4096                       /* STACK_SIZE each, smp.ts */

        PORTAL_ENTRY smp_startup_entry, roottest_bench_smp_startup
        GLOBAL_ENTRY smp_global_entry, roottest_bench_smp_global

        .section .note.GNU-stack, "", @progbits
