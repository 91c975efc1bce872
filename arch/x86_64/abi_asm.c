/*
 * arch/x86_64/abi_asm.c - the compile-time check that the constants of
 * abi_asm.h, which the assembly uses, are still the dialect's declarations
 * (ktsc's headers define each as <module>_<name> or <Enum>_<member>).
 * Part of the kernel's one translation unit (build/kernel.ts); it emits no code.
 */
#include "abi_asm.h"
#include "abi_hypercall.h"
#include "abi_status.h"
#include "gdt.h"
#include "syscall.h"

_Static_assert(ASM_HYPERCALL_RESERVED == Hypercall_RESERVED, "abi_asm.h: Hypercall.RESERVED");
_Static_assert(ASM_STATUS_BAD_HYP == Status_BAD_HYP, "abi_asm.h: Status.BAD_HYP");
_Static_assert(ASM_USER_RFLAGS == abi_hypercall_USER_RFLAGS, "abi_asm.h: USER_RFLAGS");
_Static_assert(ASM_USER_CODE == gdt_USER_CODE, "abi_asm.h: gdt.ts USER_CODE");
_Static_assert(ASM_USER_DATA == gdt_USER_DATA, "abi_asm.h: gdt.ts USER_DATA");
_Static_assert(ASM_SYSCALL_VECTOR == syscall_SYSCALL_VECTOR, "abi_asm.h: syscall.ts SYSCALL_VECTOR");
