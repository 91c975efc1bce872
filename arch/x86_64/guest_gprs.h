/*
 * arch/x86_64/guest_gprs.h - moving a guest's general registers between its vCPU's
 * ExceptionFrame (kernel-ts/frame.ts) and the CPU, for svm.S and vmx.S.  The frame's address
 * is in the register `frame`; RAX, RSP and RDI are left to the caller (SVM keeps RAX and RSP
 * in the VMCB, VMX keeps RSP in the VMCS, and RDI holds the frame until the last moment).
 */
#ifndef NOVA_ARCH_X86_64_GUEST_GPRS_H
#define NOVA_ARCH_X86_64_GUEST_GPRS_H

#include "abi_asm.h"

.macro LOAD_GUEST_GPRS frame
        movq    ASM_FRAME_RBX(\frame), %rbx
        movq    ASM_FRAME_RCX(\frame), %rcx
        movq    ASM_FRAME_RDX(\frame), %rdx
        movq    ASM_FRAME_RSI(\frame), %rsi
        movq    ASM_FRAME_RBP(\frame), %rbp
        movq    ASM_FRAME_R8(\frame), %r8
        movq    ASM_FRAME_R9(\frame), %r9
        movq    ASM_FRAME_R10(\frame), %r10
        movq    ASM_FRAME_R11(\frame), %r11
        movq    ASM_FRAME_R12(\frame), %r12
        movq    ASM_FRAME_R13(\frame), %r13
        movq    ASM_FRAME_R14(\frame), %r14
        movq    ASM_FRAME_R15(\frame), %r15
.endm

.macro STORE_GUEST_GPRS frame
        movq    %rbx, ASM_FRAME_RBX(\frame)
        movq    %rcx, ASM_FRAME_RCX(\frame)
        movq    %rdx, ASM_FRAME_RDX(\frame)
        movq    %rsi, ASM_FRAME_RSI(\frame)
        movq    %rbp, ASM_FRAME_RBP(\frame)
        movq    %r8, ASM_FRAME_R8(\frame)
        movq    %r9, ASM_FRAME_R9(\frame)
        movq    %r10, ASM_FRAME_R10(\frame)
        movq    %r11, ASM_FRAME_R11(\frame)
        movq    %r12, ASM_FRAME_R12(\frame)
        movq    %r13, ASM_FRAME_R13(\frame)
        movq    %r14, ASM_FRAME_R14(\frame)
        movq    %r15, ASM_FRAME_R15(\frame)
.endm

#endif
