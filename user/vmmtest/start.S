/*
 * user/vmmtest/start.S - the VMM test task's entry: main prints its TEST lines and the
 * summary, then UD2 ends the EC (the kernel kills it and finishes its boot).
 */
#include "start.h"

        ROOT_ENTRY vmmtest_main_main
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
