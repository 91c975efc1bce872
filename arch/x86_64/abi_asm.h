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

#endif
