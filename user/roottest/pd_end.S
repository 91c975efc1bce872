/*
 * user/roottest/pd_end.S - the code pd_end.ts runs in a PD of its own: a loop that counts
 * in a word of the root's memory (both pages are delegated into that PD at the same
 * addresses, each page to itself), and the STARTUP portal of its EC, in the root PD.
 */
#include "nova/entry.h"

        PORTAL_ENTRY pd_end_startup_entry, roottest_pd_end_startup

        .text
        .balign 4096
        .global pd_end_loop
pd_end_loop:
        lock incq pd_end_counter(%rip)
        jmp     pd_end_loop
        .balign 4096

        .data
        .balign 4096
        .global pd_end_counter
pd_end_counter:
        .quad   0
        .balign 4096
        .global pd_end_stack
pd_end_stack:
        .space  4096

        .section .note.GNU-stack, "", @progbits
