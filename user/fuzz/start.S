/*
 * user/fuzz/start.S - the fuzzer's entry: main reads its command line, runs its rounds and
 * prints its FUZZ lines, then UD2 ends the root EC (the kernel kills it and finishes its
 * boot with `Boot complete`).
 */
#include "start.h"

        ROOT_ENTRY fuzz_main_main
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
