/*
 * arch/x86_64/start.S - from the multiboot hand-off (32-bit protected mode) to C in long mode.
 *
 * Why it is written this way:
 *
 * - Multiboot v1 (QEMU -kernel, GRUB `multiboot`) and v2 (GRUB `multiboot2`) both enter here in
 *   32-bit protected mode with paging off, flat segments, EAX = boot magic, EBX = physical
 *   address of the info structure, and nothing else we may rely on: no valid stack, no known
 *   GDT (GDTR may point anywhere), interrupts in an unknown state.  So this code touches memory
 *   only through absolute physical addresses until paging is on.
 *
 * - The kernel proper is linked at phys + KERNEL_OFFSET (top 2 GiB) so it can be compiled with
 *   -mcmodel=kernel; this file and the multiboot headers are the only code linked at physical
 *   addresses (section .boot.*).  Data symbols of the higher half are reached from 32-bit code
 *   as PHYS(sym) = sym - KERNEL_OFFSET, which the assembler emits as an R_X86_64_32 relocation
 *   whose value the linker checks to fit in 32 bits.
 *
 * - Page tables use 2 MiB pages only: 1 GiB pages (CPUID 0x80000001 EDX bit 26) are optional
 *   and missing on some CPUs and emulator models.  The identity map of the first 4 GiB keeps the
 *   trampoline running after CR0.PG is set, and lets early C code reach the multiboot info,
 *   modules and low MMIO (APIC, IOAPIC, HPET) by physical address.  The higher half maps the
 *   first 1 GiB of physical memory at KERNEL_OFFSET with its own page directory, so the identity
 *   map can be edited or dropped without touching the kernel's own mapping.  These tables are
 *   deliberately throw-away: the platform code builds the real ones and finds these through
 *   the global symbols boot_pml4 / boot_gdt.
 *
 * - EFER.NXE is only set when CPUID says NX exists: writing a reserved EFER bit raises #GP,
 *   and a CPU/emulator model without NX (QEMU -cpu ...,-nx) must still boot.
 *
 * - .bss is zeroed here although every loader we use zeroes it already (the a.out kludge's
 *   bss_end_addr, ELF p_memsz): the page tables and the stack live in .bss and a half-zeroed
 *   table is a triple fault that prints nothing, so we do not depend on the loader for it.
 *
 * - The boot magic and info pointer stay in ESI/EBP (registers CPUID/RDMSR/WRMSR/REP STOS do
 *   not touch) until they become init_main's arguments.  They are moved with 32-bit moves in
 *   long mode because the upper halves of the GPRs are undefined after the switch from 32-bit
 *   mode, and a 32-bit move zero-extends.
 *
 * - A CPU without long mode gets a message on COM1 with plain port I/O (no UART setup: the
 *   firmware or QEMU has done it, and on a machine without a UART the bytes just vanish),
 *   because otherwise the failure would be a silent triple fault.
 */

#include "memory.h"

#define PHYS(sym)               ((sym) - KERNEL_OFFSET)

#define PTE_P                   0x001
#define PTE_W                   0x002
#define PTE_PS                  0x080           /* 2 MiB page in a PD entry */
#define PTE_TABLE               (PTE_P | PTE_W)
#define PTE_LARGE               (PTE_P | PTE_W | PTE_PS)
#define LARGE_PAGE_SIZE         0x200000
#define PT_ENTRIES              512

#define PML4_INDEX(va)          (((va) >> 39) & 511)
#define PDPT_INDEX(va)          (((va) >> 30) & 511)

#define IDENTITY_PDS            (IDENTITY_MAP_SIZE / (PT_ENTRIES * LARGE_PAGE_SIZE))    /* 4 */
#define KERNEL_PDS              (KERNEL_MAP_SIZE / (PT_ENTRIES * LARGE_PAGE_SIZE))      /* 1 */

#define CR0_PG_BIT              31
/* CD and NW: set after reset, and left set by some firmware (Bochs' BIOS). */
#define CR0_CACHE_OFF           0x60000000
#define CR4_PAE                 (1 << 5)
#define MSR_EFER                0xc0000080
#define EFER_LME                (1 << 8)
#define EFER_NXE                (1 << 11)
#define EFLAGS_ID               (1 << 21)
#define CPUID_EXT_MAX           0x80000000
#define CPUID_EXT_FEATURES      0x80000001
#define CPUID_EXT_EDX_NX_BIT    20
#define CPUID_EXT_EDX_LM_BIT    29

#define SEL_KCODE64             0x08
#define SEL_KDATA               0x10

#define COM1                    0x3f8
#define COM_LSR                 5
#define COM_LSR_THRE            0x20

#if KERNEL_PDS != 1
#error "start.S builds exactly one page directory for the higher half"
#endif

/* ======================================================================================== */
/* 32-bit entry, linked and running at its physical address.                                 */
/* ======================================================================================== */

        .section .boot.text, "ax", @progbits
        .code32

        .global _start
        .type   _start, @function
_start:
        cli
        cld
        movl    %eax, %esi                      /* boot magic (0x2badb002 / 0x36d76289) */
        movl    %ebx, %ebp                      /* physical address of the multiboot info */

        /* Zero .bss (page tables, stack, C globals).  Both ends are page aligned. */
        movl    $PHYS(__bss_start), %edi
        movl    $__bss_end, %ecx                /* already physical */
        subl    %edi, %ecx
        shrl    $2, %ecx
        xorl    %eax, %eax
        rep stosl

        /* Boot stack: the physical alias of the kernel stack the C code will run on. */
        movl    $PHYS(boot_stack_top), %esp

        /* Long mode?  Needs CPUID (EFLAGS.ID writable), leaf 0x80000001, and its LM bit. */
        pushfl
        popl    %eax
        movl    %eax, %ecx
        xorl    $EFLAGS_ID, %eax
        pushl   %eax
        popfl
        pushfl
        popl    %eax
        pushl   %ecx
        popfl
        cmpl    %eax, %ecx
        je      .Lno_long_mode

        movl    $CPUID_EXT_MAX, %eax
        cpuid
        cmpl    $CPUID_EXT_FEATURES, %eax
        jb      .Lno_long_mode
        movl    $CPUID_EXT_FEATURES, %eax
        cpuid
        btl     $CPUID_EXT_EDX_LM_BIT, %edx
        jnc     .Lno_long_mode

        /* EDI = extra EFER bits: NXE only if the CPU has NX. */
        xorl    %edi, %edi
        btl     $CPUID_EXT_EDX_NX_BIT, %edx
        jnc     1f
        movl    $EFER_NXE, %edi
1:
        /* PML4: slot 0 -> identity PDPT, slot 511 -> higher-half PDPT. */
        movl    $(PHYS(boot_pdpt_low) + PTE_TABLE), PHYS(boot_pml4) + 8 * PML4_INDEX(0)
        movl    $(PHYS(boot_pdpt_high) + PTE_TABLE), PHYS(boot_pml4) + 8 * PML4_INDEX(KERNEL_OFFSET)

        /* Identity PDPT: entries 0..3 -> the four consecutive identity PDs. */
        movl    $(PHYS(boot_pd_low) + PTE_TABLE), %eax
        movl    $PHYS(boot_pdpt_low), %ebx
        movl    $IDENTITY_PDS, %ecx
1:      movl    %eax, (%ebx)
        addl    $0x1000, %eax
        addl    $8, %ebx
        loop    1b

        /* Higher-half PDPT: entry 510 (0xffffffff80000000) -> the kernel PD. */
        movl    $(PHYS(boot_pd_high) + PTE_TABLE), PHYS(boot_pdpt_high) + 8 * PDPT_INDEX(KERNEL_OFFSET)

        /* Identity PDs: 2048 x 2 MiB = physical 0..4 GiB (high dwords stay 0). */
        movl    $PTE_LARGE, %eax
        movl    $PHYS(boot_pd_low), %ebx
        movl    $(IDENTITY_PDS * PT_ENTRIES), %ecx
1:      movl    %eax, (%ebx)
        addl    $LARGE_PAGE_SIZE, %eax
        addl    $8, %ebx
        loop    1b

        /* Kernel PD: 512 x 2 MiB = physical 0..1 GiB at KERNEL_OFFSET. */
        movl    $PTE_LARGE, %eax
        movl    $PHYS(boot_pd_high), %ebx
        movl    $PT_ENTRIES, %ecx
1:      movl    %eax, (%ebx)
        addl    $LARGE_PAGE_SIZE, %eax
        addl    $8, %ebx
        loop    1b

        /* PAE on, CR3, EFER.LME (+NXE), our GDT, then paging on => IA-32e (compat) mode. */
        movl    %cr4, %eax
        orl     $CR4_PAE, %eax
        movl    %eax, %cr4

        movl    $PHYS(boot_pml4), %eax
        movl    %eax, %cr3

        movl    $MSR_EFER, %ecx
        rdmsr
        orl     $EFER_LME, %eax
        orl     %edi, %eax
        wrmsr

        lgdt    boot_gdt_desc32

        movl    %cr0, %eax
        btsl    $CR0_PG_BIT, %eax
        andl    $~CR0_CACHE_OFF, %eax           /* caches on */
        movl    %eax, %cr0

        ljmp    $SEL_KCODE64, $start64_low

/* No long mode: say so on COM1 and stop. */
.Lno_long_mode:
        movl    $msg_no_long_mode, %esi
1:      lodsb
        testb   %al, %al
        jz      .Lhalt32
        movb    %al, %bl
        movl    $100000, %ecx                   /* bounded wait for THR empty */
        movw    $(COM1 + COM_LSR), %dx
2:      inb     %dx, %al
        testb   $COM_LSR_THRE, %al
        jnz     3f
        loop    2b
3:      movw    $COM1, %dx
        movb    %bl, %al
        outb    %al, %dx
        jmp     1b
.Lhalt32:
        cli
        hlt
        jmp     .Lhalt32
        .size   _start, . - _start

/* ======================================================================================== */
/* 64-bit trampoline, still at its physical (identity-mapped) address.                       */
/* ======================================================================================== */

        .code64
        .type   start64_low, @function
start64_low:
        movl    $SEL_KDATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        movl    %eax, %ss
        movabsq $start64_high, %rax
        jmpq    *%rax
        .size   start64_low, . - start64_low

/* Read-only data the 32-bit code needs at physical addresses. */
        .section .boot.rodata, "a", @progbits
        .balign 8
        .word   0, 0, 0                         /* so the base below is 8-byte aligned */
boot_gdt_desc32:
        .word   boot_gdt_end - boot_gdt - 1
        .long   PHYS(boot_gdt)

msg_no_long_mode:
        .asciz  "no long mode\r\n"

/* ======================================================================================== */
/* 64-bit code in the higher half.                                                           */
/* ======================================================================================== */

        .text
        .code64
        .global start64_high
        .type   start64_high, @function
start64_high:
        lgdt    boot_gdt_desc64(%rip)           /* GDTR base: virtual, not identity */
        movq    $boot_stack_top, %rsp           /* sign-extended imm32: -mcmodel=kernel range */
        movl    %esi, %edi                      /* arg 0: uint32_t magic (zero-extends) */
        movl    %ebp, %esi                      /* arg 1: uint64_t info_phys (zero-extends) */
        xorl    %ebp, %ebp                      /* end of the frame-pointer chain */
        call    init_main                       /* RSP is 16-byte aligned at the call */
1:      cli
        hlt
        jmp     1b
        .size   start64_high, . - start64_high

        .section .rodata, "a", @progbits
        .balign 8
        .word   0, 0, 0                         /* so the base below is 8-byte aligned */
boot_gdt_desc64:
        .word   boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

/*
 * The boot GDT.  In .data (writable) because the CPU may write the accessed bit of a
 * descriptor it loads; the bits are preset so it normally does not.
 */
        .data
        .balign 16
        .global boot_gdt
        .type   boot_gdt, @object
boot_gdt:
        .quad   0                               /* 0x00 null */
        .quad   0x00af9b000000ffff              /* 0x08 kernel code: 64-bit (L), DPL 0, accessed */
        .quad   0x00cf93000000ffff              /* 0x10 kernel data: writable, DPL 0, accessed */
boot_gdt_end:
        .size   boot_gdt, . - boot_gdt

/*
 * Page tables and the boot CPU's stack, statically reserved in .bss (zeroed by _start).
 */
        .bss
        .balign 0x1000
        .global boot_pml4, boot_pdpt_low, boot_pdpt_high, boot_pd_low, boot_pd_high
        .type   boot_pml4, @object
boot_pml4:
        .skip   0x1000
        .size   boot_pml4, 0x1000
        .type   boot_pdpt_low, @object
boot_pdpt_low:                                  /* PML4[0]: identity */
        .skip   0x1000
        .size   boot_pdpt_low, 0x1000
        .type   boot_pdpt_high, @object
boot_pdpt_high:                                 /* PML4[511]: higher half */
        .skip   0x1000
        .size   boot_pdpt_high, 0x1000
        .type   boot_pd_low, @object
boot_pd_low:                                    /* IDENTITY_PDS consecutive PDs */
        .skip   0x1000 * IDENTITY_PDS
        .size   boot_pd_low, 0x1000 * IDENTITY_PDS
        .type   boot_pd_high, @object
boot_pd_high:                                   /* PDPT_high[510]: physical 0..1 GiB */
        .skip   0x1000
        .size   boot_pd_high, 0x1000

        .balign 16
        .global boot_stack, boot_stack_top
        .type   boot_stack, @object
boot_stack:
        .skip   BOOT_STACK_SIZE
boot_stack_top:
        .size   boot_stack, BOOT_STACK_SIZE

        /* No executable stack (silences ld's "missing .note.GNU-stack" warning). */
        .section .note.GNU-stack, "", @progbits
