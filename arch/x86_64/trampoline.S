/*
 * arch/x86_64/trampoline.S - an application processor's way from real mode to the kernel.
 *
 * The bytes between ap_trampoline_start and ap_trampoline_end are copied by kernel-ts/smp.ts to a
 * page below 1 MiB (a SIPI starts a CPU in real mode at vector << 12), so the code is position
 * independent: in real mode DS = CS = page >> 4, and from protected mode on EBX holds the page's
 * physical address, which every data access is relative to.  The three pages above the copy hold
 * this code's own page tables (built by smp.ts): the page identity-mapped (one 2 MiB page, so the
 * instruction after CR0.PG is still there) plus the kernel half of the kernel's PML4.
 *
 * Why it is written this way:
 *
 * - One data block (ap_trampoline_data, filled by smp.ts) serves one CPU at a time.  A CPU claims
 *   it by exchanging `go` with 0 and parks (cli; hlt) if it was already 0: a CPU that answers a
 *   SIPI late, after the kernel gave up on it, can never run on the next CPU's stack.
 * - real mode -> 32-bit protected mode -> long mode, as the SDM describes (Vol. 3A §10.8.5): PAE,
 *   the trampoline's CR3, EFER.LME (and NXE when the kernel uses NX bits: a set NX bit with NXE
 *   clear is a reserved-bit fault), then CR0.PG and a far jump into a 64-bit code segment.
 * - The far-jump targets and the GDT base depend on where the copy lives, so the claiming CPU
 *   writes them into the copy before using them.
 * - In long mode everything needed later is loaded into registers while the page is still
 *   mapped; ap_high (kernel text) then switches to the kernel's CR3, which has no identity map.
 */

#define CR0_PE                  0x00000001
#define CR0_PG                  0x80000000
/* CD and NW, set by INIT: the caches stay off until they are cleared. */
#define CR0_CACHE_OFF           0x60000000
#define CR4_PAE                 0x00000020
#define MSR_EFER                0xc0000080

#define SEL_CODE64              0x08
#define SEL_DATA                0x10
#define SEL_CODE32              0x18

/* An address inside the copy, relative to its start (DS-relative in real mode, EBX-relative later). */
#define OFF(sym)                ((sym) - ap_trampoline_start)

        .section .rodata, "a", @progbits
        .balign 16
        .global ap_trampoline_start, ap_trampoline_end, ap_trampoline_data

        .code16
ap_trampoline_start:
        cli
        cld
        movw    %cs, %ax
        movw    %ax, %ds
        xorl    %eax, %eax
        lock xchgl %eax, OFF(data_go)
        testl   %eax, %eax
        jz      .Lpark

        xorl    %ebx, %ebx
        movw    %cs, %bx
        shll    $4, %ebx                        /* EBX = the copy's physical address */
        leal    OFF(gdt)(%ebx), %eax
        movl    %eax, OFF(gdtr) + 2
        leal    OFF(pm32)(%ebx), %eax
        movl    %eax, OFF(far32)
        leal    OFF(lm64)(%ebx), %eax
        movl    %eax, OFF(far64)

        lgdtl   OFF(gdtr)
        movl    %cr0, %eax
        orl     $CR0_PE, %eax
        movl    %eax, %cr0
        ljmpl   *OFF(far32)

.Lpark:
        cli
        hlt
        jmp     .Lpark

        .code32
pm32:
        movl    $SEL_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    %cr4, %eax
        orl     $CR4_PAE, %eax
        movl    %eax, %cr4
        movl    OFF(data_tables)(%ebx), %eax
        movl    %eax, %cr3
        movl    $MSR_EFER, %ecx
        rdmsr
        orl     OFF(data_efer)(%ebx), %eax
        wrmsr
        movl    %cr0, %eax
        orl     $CR0_PG, %eax
        andl    $~CR0_CACHE_OFF, %eax           /* caches on */
        movl    %eax, %cr0
        ljmpl   *OFF(far64)(%ebx)

        .code64
lm64:
        movl    $SEL_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    %eax, %fs
        movl    %eax, %gs
        movl    %ebx, %ebx                      /* upper halves are undefined after the switch */
        movq    OFF(data_cr3)(%rbx), %rcx
        movq    OFF(data_stack)(%rbx), %rsp
        movl    OFF(data_cpu)(%rbx), %edi
        movabsq $ap_high, %rax
        jmpq    *%rax

        .balign 8
ap_trampoline_data:                             /* smp.ts TrampolineData */
data_go:        .long 0                         /* 1: a CPU may claim this block */
data_cpu:       .long 0                         /* the CPU's index: smp_apMain's argument */
data_tables:    .long 0                         /* the trampoline's PML4 (physical, < 1 MiB) */
data_efer:      .long 0                         /* EFER bits to set besides: LME, NXE */
data_cr3:       .quad 0                         /* the kernel's PML4 */
data_stack:     .quad 0                         /* the CPU's kernel stack top */

        .balign 8
gdt:
        .quad   0                               /* 0x00 null */
        .quad   0x00af9b000000ffff              /* 0x08 64-bit code, DPL 0 */
        .quad   0x00cf93000000ffff              /* 0x10 data, DPL 0 */
        .quad   0x00cf9b000000ffff              /* 0x18 32-bit code, DPL 0 */
gdt_end:
        .balign 8
        .word   0, 0, 0
gdtr:
        .word   gdt_end - gdt - 1
        .long   0                               /* base: written by the claiming CPU */
far32:
        .long   0                               /* offset: written by the claiming CPU */
        .word   SEL_CODE32
far64:
        .long   0
        .word   SEL_CODE64
ap_trampoline_end:

/*
 * Kernel text, reached by absolute address from lm64 with RCX = the kernel's CR3, RSP = the
 * CPU's stack top, EDI = its index.  A zero return address ends stack walks (as stack.S).
 */
        .text
        .type   ap_high, @function
ap_high:
        movq    %rcx, %cr3
        xorl    %ebp, %ebp
        pushq   %rbp
        jmp     smp_apMain
        .size   ap_high, . - ap_high

        .section .note.GNU-stack, "", @progbits
