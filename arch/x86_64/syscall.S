/*
 * arch/x86_64/syscall.S - the hypercall entry (SYSCALL), its dispatch, and the two ways back
 * to ring 3.
 *
 * Why it is written this way:
 *
 * - SYSCALL switches neither the stack nor anything else: RSP is still the user's.  The entry
 *   keeps it in R11 (SYSCALL put the user's RFLAGS there, which the ABI discards: RFLAGS and
 *   R11 are 0x202 after every hypercall) and loads `ec_syscallKernelRsp`, the end of the
 *   running EC's register frame (kernel-ts/ec.ts sets it on every switch, equal to TSS.RSP0):
 *   the frame is written straight into the EC object, as NOVA does, so switching ECs copies no
 *   registers.  Then the kernel runs on `ec_kernelStackTop`, this CPU's kernel stack, which
 *   holds nothing between entries (the kernel is continuation-based: a blocked EC keeps a
 *   continuation, never a kernel stack).  FMASK has cleared IF, so nothing can interrupt this.
 *
 * - The frame is the exception frame of entry.S (struct ExceptionFrame, 0xb8 bytes), so the
 *   dialect code reads and writes an EC's registers one way, but the entry writes only what a
 *   hypercall gives: the GPRs (RCX is the return RIP, R11 the output 0x202), RIP, RFLAGS
 *   (0x202) and RSP.  CS and SS hold the user selectors from the EC's creation on (ec.ts; every
 *   exception from ring 3 writes the same values), and vector, error code and CR2 mean
 *   something only in frames entry.S built.
 *
 * - Dispatch is by table: `syscall_entries[RDI & 0xf]` (kernel-ts/syscall.ts), called with the
 *   frame on the kernel stack; each entry tries its fast path or takes the slow path's lock.
 *   The reserved number 0xf is answered here, before any of that.
 *
 * - The way back restores the GPRs from the frame (the handlers wrote the outputs there) and
 *   leaves by SYSRETQ without testing the return RIP.  SYSRETQ to a non-canonical RIP raises
 *   #GP in ring 0 on Intel CPUs with the user's RSP already loaded; no such RIP reaches it:
 *   SYSCALL's own RCX is canonical because the last page of the user half is never executable
 *   (kernel-ts/space_hst.ts), and every other writer of a RIP that returns here (a portal's
 *   entry, kernel-ts/ec.ts) sends a non-canonical one to IRETQ instead, whose #GP is taken on
 *   the kernel stack at `user_iret` and becomes a fault of the user EC (exceptions.ts).
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

#define FRAME_RIP ASM_FRAME_RIP
#define FRAME_RFLAGS ASM_FRAME_RFLAGS
#define FRAME_RSP ASM_FRAME_RSP
#define FRAME_END ASM_FRAME_SIZE

        .data
        /* Nonzero: the reserved number goes to the dispatch table too (kernel-ts/syscall.ts). */
        .global syscall_dispatch_all
syscall_dispatch_all:
        .byte   0

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
         * the fault=sysret hook).
         */
        movl    %edi, %r11d
        andl    $0xf, %r11d
        cmpl    $ASM_HYPERCALL_RESERVED, %r11d
        jne     1f
        cmpb    $0, syscall_dispatch_all(%rip)
        jne     1f
        movl    $ASM_STATUS_BAD_HYP, %edi       /* the whole register: upper bits 0 */
        movl    $ASM_USER_RFLAGS, %r11d
        jmp     user_swapgs_sysretq
1:
        movq    %rsp, %r11                      /* the user's RSP */
        movq    %gs:ec_syscallKernelRsp, %rsp   /* the end of the EC's frame */
        movq    %r11, FRAME_RSP-FRAME_END(%rsp)
        movq    $ASM_USER_RFLAGS, FRAME_RFLAGS-FRAME_END(%rsp)
        movq    %rcx, FRAME_RIP-FRAME_END(%rsp) /* after the syscall instruction */
        subq    $FRAME_END-FRAME_RIP+16, %rsp   /* to the vector slot: RAX goes below it */
        movl    $ASM_USER_RFLAGS, %r11d         /* R11's output */
        PUSH_GPRS
        subq    $8, %rsp                        /* cr2 */
        /* No CLD: FMASK cleared DF (kernel-ts/syscall.ts). */
        movl    %edi, %eax
        andl    $0xf, %eax
        movq    %rsp, %rdi                      /* arg 0: ExceptionFrame * (the EC's registers) */
        movq    %rsp, %rbx                      /* callee-saved; the frame restores RBX later */
        movq    %gs:ec_kernelStackTop, %rsp
        /* The fault report's stack walk ends here: this code has no unwind entry. */
        call    *syscall_entries(, %rax, 8)
        movq    %rbx, %rdi
        jmp     user_sysret
        .size   syscall_entry, . - syscall_entry

/* user_sysret(frame): back to ring 3 by SYSRETQ with the frame's registers (RCX = RIP, R11 = RFLAGS). */
        .global user_sysretq
        .global user_sysret
        .type   user_sysret, @function
user_sysret:
        leaq    8(%rdi), %rsp                   /* past cr2 */
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
