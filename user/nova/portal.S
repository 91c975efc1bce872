/*
 * user/nova/portal.S - portal entry stubs any user program may bind portals to.
 *
 * nova_reply_at_once: replies at once with the MTD the call brought (RSI), so the reply
 * carries as many UTCB words back as the call did; needs no stack. The next call enters
 * here again (ipc_reply never returns to its caller's site). Used by the IPC benches.
 */
        .text
        .global nova_reply_at_once
        .type   nova_reply_at_once, @function
nova_reply_at_once:
        movl    $1, %edi                        /* ipc_reply, RSI = the incoming MTD */
        syscall
        ud2                                     /* reached only if the kernel refused the reply */
        .size   nova_reply_at_once, . - nova_reply_at_once

        .section .note.GNU-stack, "", @progbits
