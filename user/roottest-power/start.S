/*
 * user/roottest-power/start.S - entry of the ctrl_hw power test root task.  main()
 * asks for a platform reset and, where that is BAD_FTR, for S5; neither returns on
 * QEMU.  If main() returns, its result (the two statuses) goes into RDI and the UD2
 * kills the EC, which the kernel logs: the boot test then fails on the missing exit.
 */
#include "start.h"

        ROOT_ENTRY roottest_power_main_main
        movq    %rax, %rdi
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
