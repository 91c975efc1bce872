/*
 * user/roottest-smpstress/start.S - the SMP stress root task's entry: main starts a worker
 * on every CPU, waits for them, prints its STRESS and TEST lines, then UD2 ends the EC
 * (the kernel kills it and finishes its boot).
 */
#include "start.h"

        ROOT_ENTRY roottest_smpstress_main_main
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
