/*
 * arch/x86_64/svm.S - one run of an AMD SVM guest (kernel-ts/svm.ts): from the vCPU's
 * registers into the guest and back at its next #VMEXIT.
 *
 * svm_vmrun(frame %rdi, vmcb %rsi, host %rdx): `frame` is the vCPU's ExceptionFrame
 * (kernel-ts/frame.ts), which holds the guest's general registers; RAX and RSP are the VMCB's
 * own (VMRUN loads and #VMEXIT stores them there), so the frame's are left alone. `vmcb` is
 * the VMCB's physical address, `host` that of this CPU's host save area (svm.ts initCpu).
 *
 * Why it is written this way:
 *
 * - CLGI, then STI: VMRUN saves the host's RFLAGS and, with V_INTR_MASKING, the host's IF is
 *   what lets physical interrupts end the guest's run (the INTR intercept).  With IF clear, an
 *   interrupt would wait until the guest happens to exit.  GIF=0 holds every interrupt and
 *   NMI between the STI and the VMRUN, and again from the #VMEXIT to the STGI, where IF is
 *   clear again: the kernel takes them where it chooses (svm.ts), never here.
 * - VMLOAD/VMSAVE move the state VMRUN does not switch (FS, GS, TR, LDTR with their hidden
 *   parts, KERNEL_GS_BASE, the SYSCALL and SYSENTER MSRs).  Between the guest's VMLOAD and the
 *   host's, GS is the guest's: nothing here touches per-CPU data.
 * - The host's callee-saved registers, the frame and `host` stay on the stack: #VMEXIT
 *   restores the host's RSP from the host save area, not any other register.
 */

#include "guest_gprs.h"

        .text
        .code64
        .global svm_vmrun
        .type   svm_vmrun, @function
svm_vmrun:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        pushq   %rdx
        pushq   %rdi
        movq    %rsi, %rax
        LOAD_GUEST_GPRS %rdi
        movq    ASM_FRAME_RDI(%rdi), %rdi
        clgi
        sti
        vmload  %rax
        vmrun   %rax
        vmsave  %rax
        pushq   %rdi
        movq    8(%rsp), %rdi
        STORE_GUEST_GPRS %rdi
        popq    ASM_FRAME_RDI(%rdi)
        addq    $8, %rsp
        popq    %rax
        vmload  %rax
        cli
        stgi
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size   svm_vmrun, . - svm_vmrun
