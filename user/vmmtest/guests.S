/*
 * user/vmmtest/guests.S - the test guests and the VMM's entry points.
 *
 * Each guest is position-dependent code for the guest-physical address its page is
 * delegated at (GUEST_CODE_GPA, vmm.ts): only relative jumps and absolute guest-physical
 * constants.  It lives in .text, so the page it is delegated from is executable and
 * read-only for the guest too (the root host space keeps the ELF segment's rights); its
 * data (stack, page tables) are .data pages delegated read-write.  A guest reports what
 * it saw by OUT to REPORT_PORT (EAX, 32 bits): the VMM logs each value, and the test
 * compares the log with what the guest should have seen.
 *
 * A guest ends with the hypercall, which the VMM answers with POISON.  The hypercall is the
 * vendor's own (VMCALL on Intel, VMMCALL on AMD: each is #UD on the other vendor), so the
 * guests do not contain it: they jump to HYPERCALL_GPA, where the VMM maps the hypercall
 * page of its vendor (guest_vmcall or guest_vmmcall, chosen from the HIP), as Xen and
 * Hyper-V hand their guests a hypercall page.  The guests' code stays one body for both
 * vendors, needs no patching (the VMM's .text is not writable), and each vendor's hypercall
 * exit is still what ends every guest.  The page's bytes mean the same in 16-, 32- and
 * 64-bit code.
 */
#include "nova/entry.h"

#define REPORT_PORT 0xe9
#define SERIAL_PORT 0x3f8
#define HYPERCALL_GPA 0x2000

/* The end of a guest: to the hypercall page, through `reg` (EAX, or RAX in 64-bit code). */
.macro HYPERCALL reg
        movl    $HYPERCALL_GPA, %eax
        jmp     *\reg
.endm

        .data
        /* One stack per handler EC (vmm.ts HANDLERS), HANDLER_STACK bytes each. */
        .balign 4096
        .global vmm_handler_stacks
vmm_handler_stacks:
        .space  2 * 4 * 4096

        /*
         * Guest data pages (vmm.ts GUEST_DATA_GPA, delegated as one order-3 range): page
         * tables and the stack.  Then the page the VMM maps at NPF_GPA.
         */
        .balign 8 * 4096
        .global guest_data
guest_data:
        .space  8 * 4096
        .global guest_npf_page
guest_npf_page:
        .space  4096
        /* The events guest's watched page, and the page that replaces it after revocation. */
        .global guest_watch_page
guest_watch_page:
        .space  4096
        .global guest_watch2_page
guest_watch2_page:
        .space  4096
        /* What the VMX guest's changed page-table entry reaches (vmm.ts TLB_NEW_GPA). */
        .global guest_tlb_page
guest_tlb_page:
        .space  4096
        /*
         * The APIC guest's APIC-access page (vmm.ts APIC_GPA): a page of its own, since every
         * guest-physical address that reaches it is an APIC access.
         */
        .global guest_apic_page
guest_apic_page:
        .space  4096
        /* The bench guest's samples (bench.ts BENCH_BUF_GPA): 2 × BENCH_N quads. */
        .balign 4 * 4096
        .global guest_bench_buffer
guest_bench_buffer:
        .space  4 * 4096

        PORTAL_ENTRY vmm_portal_entry, vmmtest_vmm_event

/*
 * The guests: one body, assembled for 16-bit real mode, 32-bit protected mode with paging
 * and 64-bit long mode (each entered at GUEST_CODE_GPA by its STARTUP reply, vmm.ts).
 * 1. CPUID leaf 0: the VMM answers EAX=0x1234 EBX=0x5678 ECX=0x9abc EDX=0xdef0; reported.
 * 2. "OK\n" to the serial port, one OUTB each (the VMM collects them).
 * 3. RDMSR 0x10 (the VMM answers 0x1122334455667788): EAX and EDX reported.
 * 4. WRMSR 0x8b with EDX:EAX = 0xcafe:0xbeef (the VMM logs what it got).
 * 5. HLT (the VMM resumes it after the instruction).
 * 6. A load from NPF_GPA (in real mode through DS), which is not mapped: the VMM maps a
 *    page holding NPF_VALUE there and the load is retried; the value is reported.
 * 7. 0x600d reported, then the hypercall: the end.
 */
#define NPF_GPA 0x40000

.macro GUEST_BODY paging, reg
        xorl    %eax, %eax
        cpuid
        outl    %eax, $REPORT_PORT
        movl    %ebx, %eax
        outl    %eax, $REPORT_PORT
        movl    %ecx, %eax
        outl    %eax, $REPORT_PORT
        movl    %edx, %eax
        outl    %eax, $REPORT_PORT
        movw    $SERIAL_PORT, %dx
        movb    $'O', %al
        outb    %al, %dx
        movb    $'K', %al
        outb    %al, %dx
        movb    $'\n', %al
        outb    %al, %dx
        movl    $0x10, %ecx
        rdmsr
        outl    %eax, $REPORT_PORT
        movl    %edx, %eax
        outl    %eax, $REPORT_PORT
        movl    $0x8b, %ecx
        movl    $0xbeef, %eax
        movl    $0xcafe, %edx
        wrmsr
        hlt
.if \paging
        movl    NPF_GPA, %eax
.else
        movw    $(NPF_GPA >> 4), %ax            /* real mode: DS:0 is NPF_GPA */
        movw    %ax, %ds
        movl    0, %eax
        xorw    %bx, %bx
        movw    %bx, %ds
.endif
        outl    %eax, $REPORT_PORT
        movl    $0x600d, %eax
        outl    %eax, $REPORT_PORT
        HYPERCALL \reg
.endm

        .text
        .balign 4096
        .code16
        .global guest_real
guest_real:
        GUEST_BODY 0, %eax

        .balign 4096
        .code32
        .global guest_protected
guest_protected:
        GUEST_BODY 1, %eax

        .balign 4096
        .code64
        .global guest_long
guest_long:
        GUEST_BODY 1, %rax

/*
 * The events guests (real mode, 32-bit protected mode, long mode; each with the IDT and GDT
 * vmm.ts writes, its interrupt handler at offset IRQ_OFFSET of its page):
 * 0. WRMSR and RDMSR of PASS_MSR and an OUT to PASS_PORT, which the test delegated to the
 *    vCPU's MSR and PIO spaces: none exits; the value read is reported.
 * 1. With IF clear, reports 1: the VMM asks for an interrupt window (INJ bit 12).
 * 2. STI opens it: the VINTR exit, where the VMM injects vector 0x30, whose handler
 *    reports 0x30.
 * 3. UD2: #UD is intercepted (the exception bitmap of the STARTUP reply); the VMM
 *    skips it and the guest reports 4. ICEBP raises #DB, which the VMM did not ask for:
 *    the kernel puts it back into the guest, whose handler (DB_OFFSET) reports 0xdb and
 *    returns after the ICEBP (only where the VMM set ICEBP_FLAG, vmm.ts icebpReliable).
 * 4. Reports 2 and reads WATCH_GPA until the value there changes: the test revokes the
 *    page meanwhile, and the VMM maps another with WATCH_VALUE2 at the nested page fault
 *    that follows; the value read is reported.
 * 5. Reports 3 and spins without exits until the test recalls the vCPU (RECALL event).
 */
#define WATCH_GPA 0xf000
#define PASS_MSR 0x174                          /* IA32_SYSENTER_CS */
#define PASS_VALUE 0x42
#define PASS_PORT 0xed
#define WATCH_VALUE 0x77617463
#define IRQ_OFFSET 0x800
#define DB_OFFSET 0xc00
#define ICEBP_FLAG 0xd800

.macro EVENTS_BODY push, pop, iret
        movl    $PASS_MSR, %ecx                 /* delegated to its MSR space: no exits */
        movl    $PASS_VALUE, %eax
        xorl    %edx, %edx
        wrmsr
        xorl    %eax, %eax
        rdmsr
        outl    %eax, $REPORT_PORT
        outb    %al, $PASS_PORT                 /* delegated to its PIO space: no exit */
        cli
        movl    $1, %eax
        outl    %eax, $REPORT_PORT
        sti
        nop
        cli
        ud2
        movl    $4, %eax
        outl    %eax, $REPORT_PORT
        cmpb    $0, ICEBP_FLAG
        je      3f
        .byte   0xf1                            /* ICEBP */
3:
        movl    $2, %eax
        outl    %eax, $REPORT_PORT
1:      movl    WATCH_GPA, %eax
        cmpl    $WATCH_VALUE, %eax
        je      1b
        outl    %eax, $REPORT_PORT
        movl    $3, %eax
        outl    %eax, $REPORT_PORT
2:      pause
        jmp     2b
        /* Vector 0x30 (its IDT entry points here). */
        .balign IRQ_OFFSET
        \push
        movl    $0x30, %eax
        outl    %eax, $REPORT_PORT
        \pop
        \iret
        /* Vector 1, #DB, at DB_OFFSET: the next 1 KiB boundary after the handler above. */
        .balign 0x400
        \push
        movl    $0xdb, %eax
        outl    %eax, $REPORT_PORT
        \pop
        \iret
        .balign 4096
.endm

        .balign 4096
        .code16
        .global guest_events_real
guest_events_real:
        EVENTS_BODY "pushl %eax", "popl %eax", iretw

        .code32
        .global guest_events_protected
guest_events_protected:
        EVENTS_BODY "pushl %eax", "popl %eax", iretl

        .code64
        .global guest_events
guest_events:
        EVENTS_BODY "pushq %rax", "popq %rax", iretq

/*
 * The TSC guest (long mode): RDTSC, reported (EAX, then EDX); 5 reported (the test then keeps
 * the CPU for a while: the vCPU's SC waits in the ready queue); RDTSC again, reported; the
 * hypercall.
 * With time offsetting (create_ec T) the wait does not show in the guest's TSC.
 */
        .balign 4096
        .global guest_tsc
guest_tsc:
        rdtsc
        outl    %eax, $REPORT_PORT
        movl    %edx, %eax
        outl    %eax, $REPORT_PORT
        movl    $5, %eax
        outl    %eax, $REPORT_PORT
        rdtsc
        outl    %eax, $REPORT_PORT
        movl    %edx, %eax
        outl    %eax, $REPORT_PORT
        HYPERCALL %rax

        .balign 4096

/*
 * The bench guest (long mode, bench.ts): BENCH_N times CPUID, then BENCH_N times OUT to port
 * 0x80 (not in the PIO space: it exits), each between two RDTSCs, whose difference goes to
 * the sample buffer; then the hypercall. Under -icount the TSC counts instructions: the
 * samples are the instructions of the exit, the kernel's and the VMM's paths, and the VMRUN
 * back.
 */
#define BENCH_N 1000
#define BENCH_BUF_GPA 0x20000

.macro BENCH_LOOP insn:vararg
        movl    $BENCH_N, %r8d
1:      rdtsc
        movl    %eax, %r9d
        movl    %edx, %r10d
        \insn
        rdtsc
        shlq    $32, %rdx
        orq     %rdx, %rax
        shlq    $32, %r10
        orq     %r10, %r9
        subq    %r9, %rax
        movq    %rax, (%rdi)
        addq    $8, %rdi
        decl    %r8d
        jnz     1b
.endm

        .global guest_bench
guest_bench:
        movl    $BENCH_BUF_GPA, %edi
        BENCH_LOOP cpuid
        BENCH_LOOP outb %al, $0x80
        HYPERCALL %rax
        .balign 4096

/*
 * The VMX guest (long mode; run on VMX only, with CR0.MP in its CR0 mask and CR4.TSD in its
 * CR4 mask, vmm.ts), every value reported:
 * 1. CR0.MP flipped by MOV from RBX: a CR access exit (0x1c), which the VMM emulates; CR0
 *    read back.  CR0.AM flipped: not in the mask, no exit; CR0 read back.
 * 2. CR4.TSD flipped by MOV from RCX: an exit; CR4.PCE flipped: none; CR4 read back.
 * 3. A write to WATCH_GPA, mapped read-only: an EPT violation (write, the entry readable and
 *    not writable); the VMM maps a writable page there, the write is retried and read back.
 * 4. A call to FETCH_GPA, not mapped: an EPT violation (fetch, the entry allowing nothing);
 *    the VMM maps guest_fetch_page there, which reports FETCH_VALUE and returns.
 * 5. TLB_LINEAR read through PD entry 1, which maps the first 2 MiB again (TLB_OLD_VALUE);
 *    the entry changed to TLB_NEW_PDE without INVLPG; the report's exit, whose reply
 *    flushes the vCPU's TLB (MTD TLB); TLB_LINEAR read again: TLB_NEW_VALUE.
 * Then the hypercall.
 */
#define CR0_MP 0x2
#define CR0_AM 0x40000
#define CR4_TSD 0x4
#define CR4_PCE 0x100
#define WRITE_VALUE 0x77726974
#define FETCH_GPA 0x50000
#define FETCH_VALUE 0x66657463
#define TLB_PDE 0xa008                          /* PD (0xa000) entry 1 */
#define TLB_NEW_PDE 0xa00083                    /* TLB_NEW_GPA's 2 MiB, PS, W, P */
#define TLB_LINEAR 0x20e000

        .global guest_vmx
guest_vmx:
        movq    %cr0, %rbx
        xorl    $CR0_MP, %ebx
        movq    %rbx, %cr0
        movq    %cr0, %rax
        outl    %eax, $REPORT_PORT
        movq    %cr0, %rbx
        xorl    $CR0_AM, %ebx
        movq    %rbx, %cr0
        movq    %cr0, %rax
        outl    %eax, $REPORT_PORT
        movq    %cr4, %rcx
        xorl    $CR4_TSD, %ecx
        movq    %rcx, %cr4
        movq    %cr4, %rcx
        xorl    $CR4_PCE, %ecx
        movq    %rcx, %cr4
        movq    %cr4, %rax
        outl    %eax, $REPORT_PORT
        movl    $WRITE_VALUE, %eax
        movl    %eax, WATCH_GPA
        movl    WATCH_GPA, %eax
        outl    %eax, $REPORT_PORT
        movl    $FETCH_GPA, %eax
        call    *%rax
        movl    TLB_LINEAR, %ebx
        movq    $TLB_NEW_PDE, TLB_PDE
        movl    %ebx, %eax
        outl    %eax, $REPORT_PORT
        movl    TLB_LINEAR, %eax
        outl    %eax, $REPORT_PORT
        HYPERCALL %rax
        .balign 4096

/* What the VMX guest's call reaches once the VMM mapped it at FETCH_GPA. */
        .global guest_fetch_page
guest_fetch_page:
        movl    $FETCH_VALUE, %eax
        outl    %eax, $REPORT_PORT
        ret
        .balign 4096

/*
 * The APIC guest (long mode; run on VMX only, with the events guests' GDT and IDT and an NMI
 * handler at IRQ_OFFSET, vmm.ts), every value reported; the VMM's reply to a report turns on
 * what the next step needs:
 * 1. CR8 = 3 without TPR shadow: a CR access exit (0x1c, CR 8), which the VMM emulates with
 *    MTD CR.  1 reported: the reply turns TPR shadow on (MTD CTRL).
 * 2. CR8 read, no exit: 3, from the virtual TPR the emulation wrote.  CR8 = 5, no exit, and
 *    5 reported: the VMM reads the virtual TPR (its mapping of the virtual-APIC page, MTD CR),
 *    then writes CR8 = 9 (MTD CR) and the TPR threshold 8 (MTD TPR).  CR8 read: 9.
 * 3. CR8 = 10: not below the threshold, no exit.  CR8 = 7: a TPR-below-threshold exit (0x2b)
 *    after the instruction, where RBX points; the VMM lowers the threshold to 0 (VM entry
 *    refuses one above the virtual TPR).  CR8 read: 7; the reply turns APIC-access
 *    virtualization on (MTD CTRL, MTD APIC naming APIC_GPA).
 * 4. A byte read at APIC_GPA + 0x80: the virtual TPR (0x70), no exit.  A read at offset 0x30
 *    and a write at 0xb0: APIC-access exits (0x2c), each emulated by the VMM, which resumes
 *    the guest at RBX (past the access); the read gives APIC_READ_VALUE, reported.
 * 5. 6 reported: the reply arms the NMI window (INJ bit 13): an NMI-window exit (0x08) before
 *    the next instruction, where the VMM injects an NMI (INJ without bit 13: disarmed); the
 *    handler reports NMI_VALUE and returns.  8 reported, then the hypercall.
 */
#define APIC_GPA 0x60000
#define NMI_VALUE 0x6e6d6921

        .global guest_apic
guest_apic:
        movl    $3, %eax
        movq    %rax, %cr8
        movl    $1, %eax
        outl    %eax, $REPORT_PORT
        movq    %cr8, %rax
        outl    %eax, $REPORT_PORT
        movl    $5, %eax
        movq    %rax, %cr8
        outl    %eax, $REPORT_PORT
        movq    %cr8, %rax
        outl    %eax, $REPORT_PORT
        movl    $10, %eax
        movq    %rax, %cr8
        movl    $7, %eax
        leaq    1f(%rip), %rbx
        movq    %rax, %cr8
1:      movq    %cr8, %rax
        outl    %eax, $REPORT_PORT
        movzbl  APIC_GPA + 0x80, %eax
        outl    %eax, $REPORT_PORT
        leaq    2f(%rip), %rbx
        movl    APIC_GPA + 0x30, %eax
2:      outl    %eax, $REPORT_PORT
        leaq    3f(%rip), %rbx
        movl    %eax, APIC_GPA + 0xb0
3:      movl    $6, %eax
        outl    %eax, $REPORT_PORT
        movl    $8, %eax
        outl    %eax, $REPORT_PORT
        HYPERCALL %rax
        /* Vector 2 (its IDT entry points here). */
        .balign IRQ_OFFSET
        pushq   %rax
        movl    $NMI_VALUE, %eax
        outl    %eax, $REPORT_PORT
        popq    %rax
        iretq
        .balign 4096

/*
 * The hypercall pages (mapped at HYPERCALL_GPA): the vendor's hypercall, which the VMM
 * answers with POISON; should it return, the guest stays here.
 */
        .global guest_vmcall
guest_vmcall:
        vmcall
1:      jmp     1b
        .balign 4096

        .global guest_vmmcall
guest_vmmcall:
        vmmcall
1:      jmp     1b
        .balign 4096

        .section .note.GNU-stack, "", @progbits
