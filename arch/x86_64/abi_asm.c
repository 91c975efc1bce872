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

_Static_assert(ASM_HYPERCALL_RESERVED == Hypercall_RESERVED, "abi_asm.h: Hypercall.RESERVED");
_Static_assert(ASM_STATUS_BAD_HYP == Status_BAD_HYP, "abi_asm.h: Status.BAD_HYP");
_Static_assert(ASM_USER_RFLAGS == abi_hypercall_USER_RFLAGS, "abi_asm.h: USER_RFLAGS");
_Static_assert(ASM_FRAME_RIP == offsetof(ExceptionFrame, rip), "abi_asm.h: ExceptionFrame.rip");
_Static_assert(ASM_FRAME_RFLAGS == offsetof(ExceptionFrame, rflags), "abi_asm.h: ExceptionFrame.rflags");
_Static_assert(ASM_FRAME_RSP == offsetof(ExceptionFrame, rsp), "abi_asm.h: ExceptionFrame.rsp");
_Static_assert(ASM_FRAME_SIZE == sizeof(ExceptionFrame), "abi_asm.h: sizeof(ExceptionFrame)");
