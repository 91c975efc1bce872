/*
 * user/roottest-stress/start.S - the stress root task's entry: main runs the
 * create/destroy and delegate/revoke rounds and prints its TEST lines, then
 * UD2 ends the EC (the kernel kills it and finishes its boot).
 */
#include "start.h"

        ROOT_ENTRY roottest_stress_main_main
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
