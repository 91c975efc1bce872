/*
 * user/roottest-fail/start.S - entry of the root task whose cases fail on purpose.
 * main() prints its TEST lines and the summary; its result (passed << 32 | total)
 * goes into RDI and the UD2 ends the EC, which the kernel logs with RDI.
 */
#include "start.h"

        ROOT_ENTRY roottest_fail_main_main
        movq    %rax, %rdi
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
