/*
 * user/roottest-min/start.S - the root task's entry.  The kernel enters here with
 * RDI = boot magic, RSI = boot info, RSP = the HIP (read-only: no stack yet), so this
 * moves to a stack of its own in .data (file-backed: a root image has no BSS, §9.4),
 * calls roottest_min_main_main(magic, info, hip) and ends with UD2, RDI = main's result and
 * RSI = roottest_min_main_status, for the kernel's kill line.
 */
#include "start.h"

        ROOT_ENTRY roottest_min_main_main
        movq    %rax, %rdi
        movq    roottest_min_main_status(%rip), %rsi
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
