/*
 * user/start.h - the common start of a root task. The kernel enters with
 * RDI = boot magic, RSI = boot info and RSP = the HIP (read-only: no stack
 * yet), so ROOT_ENTRY gives the task a stack in .data (file-backed: a root
 * image has no BSS, nova-abi.md §9.4) and calls `main(magic, info, hip)`.
 * What follows the macro in the including file runs with main's result in RAX.
 */
#ifndef NOVA_USER_START_H
#define NOVA_USER_START_H

.macro ROOT_ENTRY main
        .data
        .balign 16
stack:
        .space  16384
stack_top:

        .text
        .global _start
        .type   _start, @function
_start:
        movq    %rsp, %rdx                      /* arg 2: the HIP address from RSP */
        leaq    stack_top(%rip), %rsp
        xorl    %ebp, %ebp
        call    \main
.endm

#endif
