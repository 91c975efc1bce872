/*
 * arch/x86_64/entry.S - the 256 interrupt and exception entry stubs and their common path.
 *
 * Why it is written this way:
 *
 * - Every vector gets an entry point, so any exception or interrupt, expected or not, ends in the
 *   dialect's handler (kernel-ts/exceptions.ts) with a report instead of a triple fault.  The IDT
 *   (kernel-ts/idt.ts) takes the entry addresses from `exception_entries`, a table of 256 quads
 *   in .rodata, so it does not depend on the stubs' sizes.
 *
 * - The CPU pushes an error code for some exceptions only.  The stubs of the others push a 0 in
 *   its place, then every entry point pushes its vector number, so the frame below is the same for all
 *   256 vectors ("uniform frame") and the handler never needs to know which kind it got.
 *   Vectors with an error code: 8 #DF, 10 #TS, 11 #NP, 12 #SS, 13 #GP, 14 #PF, 17 #AC, 21 #CP,
 *   29 #VC, 30 #SX.
 *
 * - CR2 is saved into the frame before any C runs: a #PF inside the handler would overwrite
 *   it, and for a #DF raised while delivering a #PF (kernel stack overflow) it still names the
 *   address of the first fault.
 *
 * - The frame pointer is passed as the handler's only argument; RBX (callee-saved) keeps it
 *   across the call, RSP is aligned to 16 bytes for the call as the SysV ABI requires (the
 *   frame is 184 bytes, so it is not aligned by itself).  If the handler returns, the registers
 *   are restored and IRETQ resumes the interrupted code: today's handler never returns (every
 *   vector is unexpected), interrupt handlers later will.
 *
 * - NMI, #DF and #MC arrive on their own IST stacks (kernel-ts/tss.ts): the IDT gate selects the
 *   stack, these stubs are the same as the others.
 *
 * - GS holds the kernel's per-CPU base while the kernel runs, the user's in ring 3; the common
 *   path swaps them (SWAPGS) when the interrupted code ran with the user's, and swaps back on
 *   its way out.
 *
 * The frame, lowest address first (struct ExceptionFrame in kernel-ts/frame.ts asserts
 * the same offsets):
 *
 *   0x00 cr2    0x08 r15    0x10 r14    0x18 r13    0x20 r12    0x28 r11    0x30 r10
 *   0x38 r9     0x40 r8     0x48 rbp    0x50 rdi    0x58 rsi    0x60 rdx    0x68 rcx
 *   0x70 rbx    0x78 rax    0x80 vector 0x88 error  0x90 rip    0x98 cs     0xa0 rflags
 *   0xa8 rsp    0xb0 ss     (0xb8 bytes; from 0x90 on the CPU pushed it)
 */

#include "frame.h"

        .text
        .code64

        .pushsection .rodata.exception_entries, "a", @progbits
        .balign 8
        .global exception_entries
        .type   exception_entries, @object
exception_entries:
        .popsection

        /* Stub N: [push $0 unless the CPU pushed an error code]; push $N; jmp entry_common. */
        .global exception_stubs
        .type   exception_stubs, @function
exception_stubs:
        .set    vector, 0
        .rept   256
        .balign 16
1:
        .if (vector == 8) || (vector >= 10 && vector <= 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
        .else
        pushq   $0
        .endif
        pushq   $vector
        jmp     entry_common
        .pushsection .rodata.exception_entries, "a", @progbits
        .quad   1b
        .popsection
        .set    vector, vector + 1
        .endr
        .size   exception_stubs, . - exception_stubs

        .pushsection .rodata.exception_entries, "a", @progbits
        .size   exception_entries, . - exception_entries
        .popsection

        /*
         * 1 once SMAP is on (space_kernel.activate).  An interrupt or exception from ring 3
         * keeps the user's RFLAGS.AC, and with AC set SMAP does not apply: entry_common clears
         * it with CLAC, which raises #UD on a CPU without SMAP (where AC changes nothing in
         * ring 0, so there is nothing to clear).
         */
        .pushsection .data
        .global entry_clac
entry_clac:
        .byte   0
        .popsection

        .type   entry_common, @function
entry_common:
        cld
        testb   $1, entry_clac(%rip)
        jz      5f
        clac
5:
        PUSH_GPRS
        movq    %cr2, %rax
        pushq   %rax
        /*
         * SWAPGS iff GS holds the user's base (kernel-ts/percpu.ts): the CPU came from ring 3,
         * or it was interrupted in ring 0 on one of the three instructions of syscall.S that
         * run with the user's GS (the first of syscall_entry, before its SWAPGS; the SYSRETQ and
         * IRETQ after theirs).  The last is also the #GP of an IRETQ to ring 3, which
         * exceptions.ts takes as the user EC's fault.  Ring-0 entries elsewhere, NMI, #DF and
         * #MC on their IST stacks included, already run on the kernel's GS.  R12 (callee-saved,
         * restored from the frame) remembers the swap for the way out.
         */
        xorl    %r12d, %r12d
        testb   $3, 0x98(%rsp)
        jnz     2f
        movq    0x90(%rsp), %rax
        leaq    syscall_entry(%rip), %rcx
        cmpq    %rcx, %rax
        je      2f
        leaq    user_sysretq(%rip), %rcx
        cmpq    %rcx, %rax
        je      2f
        leaq    user_iret(%rip), %rcx
        cmpq    %rcx, %rax
        jne     3f
2:      swapgs
        movl    $1, %r12d
3:
        movq    %rsp, %rdi                      /* arg 0: ExceptionFrame * */
        movq    %rsp, %rbx
        testb   $3, 0x98(%rsp)                  /* from ring 3: the frame is in the EC object */
        jz      1f
        movq    %gs:ec_kernelStackTop, %rsp
1:
        andq    $-16, %rsp
        call    exceptions_handle
        movq    %rbx, %rsp
        testl   %r12d, %r12d                    /* back to the user's GS if it was swapped */
        jz      4f
        swapgs
4:
        addq    $8, %rsp                        /* cr2 */
        POP_GPRS
        addq    $16, %rsp                       /* vector, error code */
        iretq
        .size   entry_common, . - entry_common

        /* No executable stack (silences ld's "missing .note.GNU-stack" warning). */
        .section .note.GNU-stack, "", @progbits
