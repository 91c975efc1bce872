/*
 * user/roottest-bench/start.S - the benchmark root task's entry: main prints its
 * BENCH lines, then UD2 ends the EC (the kernel kills it and finishes its boot).
 */
#include "start.h"

        ROOT_ENTRY roottest_bench_main_main
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
