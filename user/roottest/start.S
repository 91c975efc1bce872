/*
 * user/roottest/start.S - the root test task's entry.  The kernel enters here with
 * RDI = boot magic, RSI = boot info, RSP = the HIP (read-only: no stack yet), so this
 * moves to a stack of its own in .data (file-backed: a root image has no BSS, §9.4)
 * and calls roottest_main_main(magic, info, hip), which prints its TEST lines on COM1.
 * Its result (passed << 32 | total) goes into RDI and the port it revoked last
 * (roottest_main_probe_port) into RSI; then an OUTB to that port, which the root PIO
 * space no longer holds, must raise #GP: the kernel kills the EC and its kill line
 * shows both registers.  The UD2 after it is reached only if the port was open.
 */
#include "start.h"

        ROOT_ENTRY roottest_main_main
        movq    %rax, %rdi
        movq    roottest_main_probe_port(%rip), %rsi
        movl    %esi, %edx
        xorl    %eax, %eax
        outb    %al, %dx                        /* not delegated: #GP, the EC dies */
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits
