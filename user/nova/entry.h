/*
 * user/nova/entry.h - entry stubs for the ECs a user program creates in its own PD.
 * The dialect cannot take a function's address, so a portal's IP and a global EC's
 * start RIP are assembly labels (found with linkerSymbol()); these macros make them
 * call a dialect function. Include as "nova/entry.h" (user/ is on the include path).
 *
 * PORTAL_ENTRY name, fn[, rflags]: a portal IP (nova-abi.md §4.2: RDI = PID, RSI = MTD,
 * RSP = sp of create_ec on the first call, then whatever the EC had at its ipc_reply). It
 * calls fn(pid, mtd, rsp), whose result is the reply MTD, and replies; as RSP is the same
 * at the reply, every call starts with the same RSP. UD2 if the kernel refused the reply.
 * With `rflags`, those bits are set in RFLAGS for the reply's SYSCALL (a test of what the
 * kernel lets through from a caller's RFLAGS).
 *
 * GLOBAL_ENTRY name, fn[, counter]: a global EC's RIP after its STARTUP reply (RDI as
 * the STARTUP handler set it). It calls fn(rdi), then replies, which blocks a global EC
 * for good (§4.2). With `counter` (a quad), each reply that returned (none may) adds 1.
 */
#ifndef NOVA_USER_ENTRY_H
#define NOVA_USER_ENTRY_H

.macro PORTAL_ENTRY name, fn, rflags
        .text
        .global \name
        .type   \name, @function
\name:
        movq    %rsp, %rdx
        call    \fn
        movq    %rax, %rsi
.ifnb \rflags
        pushfq
        orq     $\rflags, (%rsp)
        popfq
.endif
        movl    $1, %edi                        /* ipc_reply */
        syscall
        ud2                                     /* the reply was refused */
        .size   \name, . - \name
.endm

.macro GLOBAL_ENTRY name, fn, counter
        .text
        .global \name
        .type   \name, @function
\name:
        call    \fn
1:      xorl    %esi, %esi
        movl    $1, %edi                        /* ipc_reply: a global EC blocks for good */
        syscall
.ifnb \counter
        incq    \counter(%rip)
.endif
        jmp     1b
        .size   \name, . - \name
.endm

#endif
