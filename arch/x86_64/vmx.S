/*
 * arch/x86_64/vmx.S - one run of an Intel VMX guest (kernel-ts/vmx.ts): from the vCPU's
 * registers into the guest and back at its next VM exit.
 *
 * vmx_vmenter(frame %rdi, launched %sil) on the CPU's current VMCS: `frame` is the vCPU's
 * ExceptionFrame (kernel-ts/frame.ts), which holds the guest's general registers; RSP, RIP
 * and RFLAGS are the VMCS's own (vmx.ts writes and reads them), so the frame's are left
 * alone.  VMLAUNCH unless `launched`, else VMRESUME.  Returns 0 after a VM exit (at
 * vmx_exit, the VMCS's host RIP), 1 when the instruction failed with no current VMCS
 * (VMfailInvalid: CF), 2 when it failed with an error number in the VMCS (VMfailValid: ZF).
 *
 * Why it is written this way:
 *
 * - A VM exit restores RSP from the VMCS's host RSP, written here on every run (the kernel
 *   stack's depth at the call differs), and no other general register: the host's
 *   callee-saved registers and the frame stay on the stack.
 * - A VM exit sets GDTR's limit to 0xffff and TR's limit to 0x67 (SDM 28.5.2).  The first
 *   would let ring 3 load selectors from the memory after the GDT, the second would cut off
 *   the TSS's I/O bitmap: the GDTR stored by SGDT before the run is loaded again, and TR
 *   is reloaded after its descriptor is made available (LTR faults on a busy TSS).
 * - Interrupts are off throughout: external interrupts and NMIs end the guest's run by
 *   their own exits, and the kernel takes them afterwards (vmx.ts, kernel-ts/event.ts).
 */

#include "guest_gprs.h"

        .text
        .code64
        .global vmx_vmenter
        .type   vmx_vmenter, @function
vmx_vmenter:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        pushq   %rdi
        subq    $16, %rsp
        sgdt    6(%rsp)                         /* limit at 6(%rsp), base at 8(%rsp) */
        movl    $ASM_VMCS_HOST_RSP, %eax
        vmwrite %rsp, %rax
        testb   %sil, %sil
        movq    ASM_FRAME_RAX(%rdi), %rax
        LOAD_GUEST_GPRS %rdi
        movq    ASM_FRAME_RDI(%rdi), %rdi
        jnz     1f
        vmlaunch
        jmp     2f
1:      vmresume
2:      movl    $1, %eax                        /* MOV leaves the flags of the failure */
        jc      3f
        movl    $2, %eax
3:      addq    $16, %rsp
        popq    %rdi
        jmp     4f

        .global vmx_exit
vmx_exit:
        pushq   %rdi
        movq    24(%rsp), %rdi                  /* the frame, above the saved GDTR */
        movq    %rax, ASM_FRAME_RAX(%rdi)
        STORE_GUEST_GPRS %rdi
        popq    ASM_FRAME_RDI(%rdi)
        lgdt    6(%rsp)
        movq    8(%rsp), %rax
        andb    $~ASM_TSS_BUSY, ASM_GDT_TSS + 5(%rax)
        movw    $ASM_GDT_TSS, %ax
        ltr     %ax
        xorl    %eax, %eax
        addq    $24, %rsp                       /* the GDTR and the frame */
4:      popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size   vmx_vmenter, . - vmx_vmenter
