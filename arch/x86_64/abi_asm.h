/*
 * arch/x86_64/abi_asm.h - the numbers of the dialect's declarations that the
 * assembly uses, as plain constants the assembler reads.  Each names the
 * declaration it mirrors; abi_asm.c asserts at compile time that
 * every one still equals it, so a change on either side breaks the build.
 */
#ifndef NOVA_ARCH_X86_64_ABI_ASM_H
#define NOVA_ARCH_X86_64_ABI_ASM_H

#define ASM_HYPERCALL_RESERVED 0xf      /* abi/hypercall.ts Hypercall.RESERVED */
#define ASM_STATUS_BAD_HYP 0x4          /* abi/status.ts Status.BAD_HYP */
#define ASM_USER_RFLAGS 0x202           /* abi/hypercall.ts USER_RFLAGS */

/* kernel-ts/frame.ts ExceptionFrame: the slots syscall.S writes and reads by offset. */
#define ASM_FRAME_RIP 0x90
#define ASM_FRAME_RFLAGS 0xa0
#define ASM_FRAME_RSP 0xa8
#define ASM_FRAME_SIZE 0xb8
/* The general registers (svm.S moves a guest's between the frame and the CPU). */
#define ASM_FRAME_R15 0x08
#define ASM_FRAME_R14 0x10
#define ASM_FRAME_R13 0x18
#define ASM_FRAME_R12 0x20
#define ASM_FRAME_R11 0x28
#define ASM_FRAME_R10 0x30
#define ASM_FRAME_R9 0x38
#define ASM_FRAME_R8 0x40
#define ASM_FRAME_RBP 0x48
#define ASM_FRAME_RDI 0x50
#define ASM_FRAME_RSI 0x58
#define ASM_FRAME_RDX 0x60
#define ASM_FRAME_RCX 0x68
#define ASM_FRAME_RBX 0x70
#define ASM_FRAME_RAX 0x78

/* vmx.S: the VMCS's host-RSP field (kernel-ts/vmcs.ts Vmcs.HOST_RSP), the TSS selector
   (kernel-ts/gdt.ts TSS) and its descriptor's busy bit (type 0xb, available 0x9). */
#define ASM_VMCS_HOST_RSP 0x6c14
#define ASM_GDT_TSS 0x30
#define ASM_TSS_BUSY 0x2

#endif
