/*
 * kts_switch_stack(top, continuation): moves the running CPU onto a new
 * kernel stack and calls `continuation` there; it must not return. Used once
 * per CPU to leave the boot stack (which has no guard page) for a stack from
 * space_kernel.ts, which has one.
 */
    .text
    .globl kts_switch_stack
    .type kts_switch_stack, @function
kts_switch_stack:
    mov %rdi, %rsp          /* top of the new stack, 16-byte aligned */
    xor %ebp, %ebp          /* the stack walk ends here */
    push %rbp               /* a zero return address: ABI alignment, and an end marker */
    jmp *%rsi
    .size kts_switch_stack, . - kts_switch_stack

    .section .note.GNU-stack, "", @progbits
