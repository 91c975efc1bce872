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
#define ASM_USER_CODE 0x23              /* kernel-ts/gdt.ts USER_CODE */
#define ASM_USER_DATA 0x1b              /* kernel-ts/gdt.ts USER_DATA */
#define ASM_SYSCALL_VECTOR 256          /* kernel-ts/syscall.ts SYSCALL_VECTOR */

#endif
