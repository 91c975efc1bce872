/*
 * arch/x86_64/frame.h - the general registers of the uniform frame
 * (kernel-ts/frame.ts ExceptionFrame: cr2, r15 ... rax, vector, error,
 * then the CPU's rip, cs, rflags, rsp, ss). entry.S and syscall.S build and
 * unwind the same frame, so the order lives here once.
 */
#ifndef NOVA_ARCH_X86_64_FRAME_H
#define NOVA_ARCH_X86_64_FRAME_H

/* rax first, r15 last: r15 ends up just above cr2 (offset 0x08). */
.macro PUSH_GPRS
        pushq   %rax
        pushq   %rbx
        pushq   %rcx
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi
        pushq   %rbp
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
.endm

.macro POP_GPRS
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rbp
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %rcx
        popq    %rbx
        popq    %rax
.endm

#endif
