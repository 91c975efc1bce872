/*
 * user/roottest-bench/start.S - the benchmark root task's entry: main prints its
 * BENCH lines, then UD2 ends the EC (the kernel kills it and finishes its boot).
 */
#include "start.h"

        ROOT_ENTRY roottest_bench_main_main
        ud2
        .size   _start, . - _start

/*
 * The IPC benches' callee: a local EC's portal entry. It replies at once with the MTD it
 * got (RSI), so the reply carries as many words back as the call brought; the next call
 * enters here again.
 */
        .text
        .global bench_callee
        .type   bench_callee, @function
bench_callee:
        movl    $1, %edi                        /* ipc_reply */
        syscall
        ud2                                     /* ipc_reply never returns here */
        .size   bench_callee, . - bench_callee

        .section .note.GNU-stack, "", @progbits
