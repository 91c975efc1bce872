/*
 * user/roottest-smpstress/worker.S - entry points, stacks and pages of the workers
 * (main.ts): the dialect cannot take a function's address, so the handlers' portal IP
 * and the workers' start RIP are these labels (user/nova/entry.h's stubs).
 *
 * stress_portal_entry: a handler EC's portal IP (its STARTUP portal): calls
 * roottest_smpstress_main_portal(pid, mtd, rsp), whose result is the reply MTD.
 * stress_worker_entry: a worker's RIP after STARTUP (RDI = its CPU): calls
 * roottest_smpstress_main_worker(cpu), then replies, which blocks a global EC forever.
 */
#include "nova/entry.h"

        .data
        .balign 4096
        .global stress_pages
stress_pages:                                   /* one page per worker, delegated to its PD */
        .space  8 * 4096
        .global stress_stacks
stress_stacks:
        .space  16 * 4096                       /* STACK_SIZE each, main.ts */

        PORTAL_ENTRY stress_portal_entry, roottest_smpstress_main_portal
        GLOBAL_ENTRY stress_worker_entry, roottest_smpstress_main_worker

        .section .note.GNU-stack, "", @progbits
