/*
 * arch/x86_64/syscall.S - the hypercall entry (SYSCALL) and the two ways back to ring 3.
 *
 * Why it is written this way:
 *
 * - SYSCALL switches neither the stack nor anything else: RSP is still the user's.  The entry
 *   saves it in a per-CPU scratch quad and loads `ec_syscallKernelRsp`, the end of the running
 *   EC's register frame (kernel-ts/ec.ts sets it on every switch, equal to TSS.RSP0): the frame is
 *   pushed straight into the EC object, as NOVA does, so switching ECs copies no registers.
 *   Then the kernel runs on `ec_kernelStackTop`, this CPU's kernel stack, which holds nothing
 *   between entries (the kernel is continuation-based: a blocked EC keeps a continuation,
 *   never a kernel stack).  FMASK has cleared IF, so nothing can interrupt the moves.
 *
 * - The frame is the exception frame of entry.S (struct ExceptionFrame, 0xb8 bytes), built by
 *   hand: ss, rsp, rflags (from R11), cs, rip (from RCX), error 0, vector SYSCALL_VECTOR (256,
 *   no real vector), the GPRs, cr2 0.  One frame type serves hypercalls, user faults and the
 *   first entry into user mode, so the dialect code reads and writes registers one way.
 *
 * - The way back restores the GPRs from the frame (the dispatcher wrote the outputs there:
 *   RDI status, RCX = return RIP, R11 = 0x202) and leaves by SYSRETQ, except when the return
 *   RIP is not canonical: Intel CPUs raise that SYSRET #GP in ring 0 with the user's RSP
 *   already loaded, which lets user code choose the kernel's stack.  IRETQ is used instead: its
 *   #GP (if any) is taken on the kernel stack at `user_iret`, which exceptions.ts recognizes
 *   and turns into a fault of the user EC.
 *
 * - `user_sysret(frame)` and `user_enter(frame)` are the two ways into ring 3 for any EC: after
 *   a hypercall (SYSRETQ) and after an exception, interrupt or event reply (IRETQ, all
 *   registers from the frame).
 *
 * - GS: SWAPGS as the first instruction of the entry and the last before SYSRETQ or IRETQ, so
 *   the kernel always runs with its per-CPU GS base and ring 3 with its own (kernel-ts/percpu.ts;
 *   entry.S knows these three instructions by address).
 */

#include "abi_asm.h"
#include "frame.h"

#define FRAME_RIP 0x90
#define FRAME_RFLAGS 0xa0
#define FRAME_RSP 0xa8

        /*
         * Per CPU (%gs-relative, kernel-ts/percpu.ts): the user's RSP while the entry builds the
         * frame.  Where SYSCALL puts the frame (ec_syscallKernelRsp: the end of the running EC's
         * registers, = TSS.RSP0) and the top of this CPU's kernel stack (ec_kernelStackTop) are
         * kernel-ts/ec.ts's per-CPU variables.
         */
        .section .percpu, "aw", @progbits
        .balign 8
syscall_user_rsp:
        .quad   0

        .data
        /* Nonzero: every hypercall goes to syscall_dispatch, reserved ones too (kernel-ts/syscall.ts). */
        .global syscall_dispatch_all
syscall_dispatch_all:
        .byte   0
        .balign 8
        /* Returns that took IRETQ for a non-canonical RIP (kernel-ts/syscall.ts reads it). */
        .global syscall_iret_returns
syscall_iret_returns:
        .quad   0

        .text
        .code64

        .global syscall_entry
        .type   syscall_entry, @function
syscall_entry:
        /*
         * The kernel's GS (per-CPU data) first: SYSCALL leaves the user's.  Kept the first
         * instruction: entry.S recognizes an NMI or #MC taken here, before it, by this address.
         */
        swapgs
        /*
         * The reserved number 0xf is answered BAD_HYP here, with no frame, no lock and no
         * kernel stack: it reads and changes no kernel object, so nothing the slow path's way
         * out settles can be pending because of it, and what another CPU asks of this one
         * (a recall, a reschedule, a shootdown) comes as an interrupt, taken once SYSRETQ sets
         * IF again.  Only R11 (RFLAGS, replaced anyway) is used as scratch.  Not while
         * `syscall_dispatch_all` is set (kernel-ts/syscall.ts: kstat counts every hypercall,
         * the fault=sysret hook), and not for a non-canonical return RIP (user_sysret's check).
         */
        movl    %edi, %r11d
        andl    $0xf, %r11d
        cmpl    $ASM_HYPERCALL_RESERVED, %r11d
        jne     1f
        cmpb    $0, syscall_dispatch_all(%rip)
        jne     1f
        movq    %rcx, %r11
        shlq    $16, %r11
        sarq    $16, %r11
        cmpq    %rcx, %r11
        jne     1f
        movl    $ASM_STATUS_BAD_HYP, %edi       /* the whole register: upper bits 0 */
        movl    $ASM_USER_RFLAGS, %r11d
        jmp     user_swapgs_sysretq
1:
        movq    %rsp, %gs:syscall_user_rsp
        movq    %gs:ec_syscallKernelRsp, %rsp
        pushq   $ASM_USER_DATA                  /* ss */
        pushq   %gs:syscall_user_rsp            /* rsp */
        pushq   %r11                            /* rflags */
        pushq   $ASM_USER_CODE                  /* cs */
        pushq   %rcx                            /* rip: after the syscall instruction */
        pushq   $0                              /* error */
        pushq   $ASM_SYSCALL_VECTOR             /* vector */
        PUSH_GPRS
        pushq   $0                              /* cr2 */
        /* No CLD: FMASK cleared DF (kernel-ts/syscall.ts). */
        movq    %rsp, %rdi                      /* arg 0: ExceptionFrame * (the EC's registers) */
        movq    %rsp, %rbx                      /* callee-saved; the frame restores RBX later */
        movq    %gs:ec_kernelStackTop, %rsp
        /* The fault report's stack walk ends here: this code has no unwind entry. */
        call    syscall_dispatch
        movq    %rbx, %rdi
        jmp     user_sysret
        .size   syscall_entry, . - syscall_entry

/* user_sysret(frame): back to ring 3 by SYSRETQ with the frame's registers (RCX = RIP, R11 = RFLAGS). */
        .global user_sysretq
        .global user_sysret
        .type   user_sysret, @function
user_sysret:
        movq    %rdi, %rsp
        /* Canonical iff bits 63:47 are all equal: sign-extend from bit 47 and compare. */
        movq    FRAME_RIP(%rdi), %rax
        movq    %rax, %rcx
        shlq    $16, %rcx
        sarq    $16, %rcx
        cmpq    %rax, %rcx
        jne     noncanonical
        addq    $8, %rsp                        /* cr2 */
        POP_GPRS
        movq    0x10(%rsp), %rcx                /* rip (after vector, error) */
        movq    0x20(%rsp), %r11                /* rflags */
        movq    0x28(%rsp), %rsp                /* the user's rsp; IF stays clear until SYSRET */
        /*
         * The user's GS back, as the last step before SYSRETQ: nothing after it uses per-CPU
         * data, and an NMI or #MC taken on the SYSRETQ is recognized by entry.S by its address.
         */
user_swapgs_sysretq:
        swapgs
user_sysretq:
        sysretq
        .size   user_sysret, . - user_sysret

noncanonical:
        lock incq syscall_iret_returns(%rip)
        jmp     user_return_iret

/*
 * user_enter(frame): loads every register from an ExceptionFrame and enters ring 3 by IRETQ.
 * The five-quad IRETQ frame is copied to the top of the kernel stack first, so that a #GP of
 * the IRETQ itself (a non-canonical RIP) is taken on the kernel stack, not below the frame,
 * which lives inside the EC object.
 */
        .global user_enter
        .type   user_enter, @function
user_enter:
        movq    %rdi, %rsp
user_return_iret:
        movq    %gs:ec_kernelStackTop, %rax
        movq    FRAME_RIP(%rsp), %rcx
        movq    %rcx, -40(%rax)
        movq    FRAME_RIP+8(%rsp), %rcx
        movq    %rcx, -32(%rax)
        movq    FRAME_RFLAGS(%rsp), %rcx
        movq    %rcx, -24(%rax)
        movq    FRAME_RSP(%rsp), %rcx
        movq    %rcx, -16(%rax)
        movq    FRAME_RSP+8(%rsp), %rcx
        movq    %rcx, -8(%rax)
        addq    $8, %rsp                        /* cr2 */
        POP_GPRS
        movq    %gs:ec_kernelStackTop, %rsp
        subq    $40, %rsp
        /*
         * The user's GS back, right before IRETQ (as in user_sysret).  A #GP of this IRETQ, or
         * an NMI or #MC taken on it, arrives in ring 0 with the user's GS: entry.S swaps by the
         * address user_iret.
         */
        swapgs
        .global user_iret
user_iret:
        iretq
        .size   user_enter, . - user_enter

        .section .note.GNU-stack, "", @progbits
