/*
 * arch/x86_64/abi_asm.c - the compile-time check that the constants of
 * abi_asm.h, which the assembly uses, are still the dialect's declarations
 * (ktsc's headers define each as <module>_<name> or <Enum>_<member>).
 * Part of the kernel's one translation unit (build/kernel.ts); it emits no code.
 */
#include <stddef.h>
#include "abi_asm.h"
#include "abi_hypercall.h"
#include "abi_status.h"
#include "syscall.h" /* ExceptionFrame, through ktsc's frame.h */
#include "vmcs.h"
#include "gdt.h"

_Static_assert(ASM_HYPERCALL_RESERVED == Hypercall_RESERVED, "abi_asm.h: Hypercall.RESERVED");
_Static_assert(ASM_STATUS_BAD_HYP == Status_BAD_HYP, "abi_asm.h: Status.BAD_HYP");
_Static_assert(ASM_USER_RFLAGS == abi_hypercall_USER_RFLAGS, "abi_asm.h: USER_RFLAGS");
_Static_assert(ASM_FRAME_RIP == offsetof(ExceptionFrame, rip), "abi_asm.h: ExceptionFrame.rip");
_Static_assert(ASM_FRAME_RFLAGS == offsetof(ExceptionFrame, rflags), "abi_asm.h: ExceptionFrame.rflags");
_Static_assert(ASM_FRAME_RSP == offsetof(ExceptionFrame, rsp), "abi_asm.h: ExceptionFrame.rsp");
_Static_assert(ASM_FRAME_SIZE == sizeof(ExceptionFrame), "abi_asm.h: sizeof(ExceptionFrame)");
_Static_assert(ASM_FRAME_R15 == offsetof(ExceptionFrame, r15), "abi_asm.h: ExceptionFrame.r15");
_Static_assert(ASM_FRAME_R14 == offsetof(ExceptionFrame, r14), "abi_asm.h: ExceptionFrame.r14");
_Static_assert(ASM_FRAME_R13 == offsetof(ExceptionFrame, r13), "abi_asm.h: ExceptionFrame.r13");
_Static_assert(ASM_FRAME_R12 == offsetof(ExceptionFrame, r12), "abi_asm.h: ExceptionFrame.r12");
_Static_assert(ASM_FRAME_R11 == offsetof(ExceptionFrame, r11), "abi_asm.h: ExceptionFrame.r11");
_Static_assert(ASM_FRAME_R10 == offsetof(ExceptionFrame, r10), "abi_asm.h: ExceptionFrame.r10");
_Static_assert(ASM_FRAME_R9 == offsetof(ExceptionFrame, r9), "abi_asm.h: ExceptionFrame.r9");
_Static_assert(ASM_FRAME_R8 == offsetof(ExceptionFrame, r8), "abi_asm.h: ExceptionFrame.r8");
_Static_assert(ASM_FRAME_RBP == offsetof(ExceptionFrame, rbp), "abi_asm.h: ExceptionFrame.rbp");
_Static_assert(ASM_FRAME_RDI == offsetof(ExceptionFrame, rdi), "abi_asm.h: ExceptionFrame.rdi");
_Static_assert(ASM_FRAME_RSI == offsetof(ExceptionFrame, rsi), "abi_asm.h: ExceptionFrame.rsi");
_Static_assert(ASM_FRAME_RDX == offsetof(ExceptionFrame, rdx), "abi_asm.h: ExceptionFrame.rdx");
_Static_assert(ASM_FRAME_RCX == offsetof(ExceptionFrame, rcx), "abi_asm.h: ExceptionFrame.rcx");
_Static_assert(ASM_FRAME_RBX == offsetof(ExceptionFrame, rbx), "abi_asm.h: ExceptionFrame.rbx");
_Static_assert(ASM_FRAME_RAX == offsetof(ExceptionFrame, rax), "abi_asm.h: ExceptionFrame.rax");
_Static_assert(ASM_VMCS_HOST_RSP == Vmcs_HOST_RSP, "abi_asm.h: Vmcs.HOST_RSP");
_Static_assert(ASM_GDT_TSS == gdt_TSS, "abi_asm.h: gdt.TSS");
_Static_assert(ASM_TSS_BUSY == gdt_TSS_BUSY, "abi_asm.h: gdt.TSS_BUSY");
