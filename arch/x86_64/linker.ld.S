/*
 * arch/x86_64/linker.ld.S - the kernel image layout.  Preprocess, then link:
 *
 *   cpp -P -undef -I arch/x86_64 arch/x86_64/linker.ld.S -o out/linker.ld
 *   ld -nostdlib -static -z max-page-size=0x1000 --orphan-handling=error \
 *      -T out/linker.ld -o out/hypervisor.elf <objects>
 *
 * (`-undef` because cpp would otherwise expand the predefined macros `linux` and `unix`, and on
 * 32-bit hosts `i386`, inside this script.)
 *
 * Why this layout:
 *
 * - Physical load address LOAD_ADDR (0x400000, as NOVA).  The multiboot headers, the 32-bit
 *   entry and the identity-mapped 64-bit trampoline run before/while paging is switched on,
 *   so they are linked at their physical addresses in `.boot`, the first loaded section (which
 *   also puts the headers within the first 8 KiB of the file, where multiboot v1 looks).
 *
 * - Everything else is linked at VMA = LMA + KERNEL_OFFSET (0xffffffff80000000, the top 2 GiB),
 *   the range -mcmodel=kernel code can address with sign-extended 32-bit immediates.  The
 *   program headers' p_paddr are the physical LMAs, which is what GRUB (multiboot2, ELF) uses.
 *
 * - QEMU -kernel refuses ELF64 and loads this image through the multiboot v1 a.out kludge
 *   instead: it copies file bytes [load_addr, load_end_addr) to physical load_addr as one block.
 *   That is only right if, for every loaded section, (file offset - LMA) is the same constant,
 *   i.e. no holes in the file that are not holes in memory and vice versa.  ld starts each
 *   PT_LOAD at the smallest file offset congruent to its address modulo max-page-size; with
 *   every segment starting on a 4 KiB boundary right after the previous one that gives exactly
 *   this.  The link MUST use `-z max-page-size=0x1000` (asserted at the bottom): with 2 MiB
 *   (the x86-64 default of binutils before 2.31, and what some distributions configure) the
 *   first segment starts at file offset 0x200000, the multiboot headers are no longer within
 *   the first 8 KiB of the file, and QEMU fails with "Error loading uncompressed kernel without
 *   PVH ELF Note" (GRUB with "no multiboot header found").
 *
 * - Separate PT_LOADs with their own permissions (boot RX, text RX, rodata R, data+percpu+bss RW)
 *   so ld has no RWX segment to warn about and a later loader/ELF tool sees sensible flags.  Every
 *   output section starts on a 4 KiB boundary so the platform code can map them with per-page
 *   permissions (W^X, NX on data) and drop .boot after boot.
 *
 * - .percpu sits inside the data area (file-backed: its initial image is the template each CPU's
 *   copy is made from), page aligned at both ends so per-CPU copies can be mapped page-wise.
 *
 * - .note*, .comment, .eh_frame are discarded: nothing in the kernel unwinds, and a stray
 *   .note.gnu.property would become an extra PT_LOAD-less section between loaded ones.
 *
 * Symbols (P = physical address, V = virtual (link) address, A = absolute constant):
 *   __image_start P   start of the image, = LOAD_ADDR (multiboot load_addr)
 *   __image_end   P   end of the file-backed part (multiboot load_end_addr)
 *   __bss_end     P   end of .bss (multiboot bss_end_addr)
 *   __boot_start/__boot_end       P   the .boot section (headers + 32-bit code)
 *   __text_start/__text_end       V
 *   __rodata_start/__rodata_end   V
 *   __data_start/__data_end       V   (__data_end includes .percpu)
 *   __percpu_start/__percpu_end   V
 *   __bss_start/__bss_end_virt    V
 *   KERNEL_OFFSET, __kernel_offset, __load_addr  A   (C code should use memory.h instead)
 */

#include "memory.h"

#define LMA(section)    (ADDR(section) - KERNEL_OFFSET)

OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

PHDRS
{
    boot   PT_LOAD FLAGS(5);            /* R X */
    text   PT_LOAD FLAGS(5);            /* R X */
    rodata PT_LOAD FLAGS(4);            /* R   */
    data   PT_LOAD FLAGS(6);            /* R W (.data, .percpu, .bss) */
}

__kernel_offset = KERNEL_OFFSET;
__load_addr     = LOAD_ADDR;

SECTIONS
{
    . = LOAD_ADDR;
    __image_start = .;

    /* Physical: multiboot headers first, then the 32-bit entry and the 64-bit trampoline. */
    .boot : {
        __boot_start = .;
        KEEP(*(.boot.header))
        *(.boot.text)
        *(.boot.rodata)
        . = ALIGN(PAGE_SIZE_4K);
        __boot_end = .;
    } :boot

    /* From here on: virtual = physical + KERNEL_OFFSET. */
    . += KERNEL_OFFSET;

    .text : AT(LMA(.text)) {
        __text_start = .;
        *(.text.hot .text.hot.*)
        *(.text .text.*)
        . = ALIGN(PAGE_SIZE_4K);
        __text_end = .;
    } :text

    .rodata : AT(LMA(.rodata)) {
        __rodata_start = .;
        *(.rodata .rodata.*)
        *(.data.rel.ro .data.rel.ro.*)
        . = ALIGN(PAGE_SIZE_4K);
        __rodata_end = .;
    } :rodata

    .data : AT(LMA(.data)) {
        __data_start = .;
        *(.data .data.*)
        . = ALIGN(PAGE_SIZE_4K);
    } :data

    .percpu : AT(LMA(.percpu)) {
        __percpu_start = .;
        KEEP(*(.percpu .percpu.*))
        . = ALIGN(PAGE_SIZE_4K);
        __percpu_end = .;
    } :data

    /*
     * Sections the linker may synthesize; with -fno-pic and -static they must stay empty
     * (asserted below).  Placed before .bss, not after it: ld.lld keeps them even when empty,
     * and a file-backed section after .bss would force .bss into the file.
     */
    .got : AT(LMA(.got)) { *(.got) *(.got.plt) *(.igot.plt) *(.iplt) } :data
    .rela.dyn : AT(LMA(.rela.dyn)) { *(.rela.*) } :data

    __data_end = .;
    __image_end = . - KERNEL_OFFSET;

    .bss : AT(LMA(.bss)) {
        __bss_start = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(PAGE_SIZE_4K);
        __bss_end_virt = .;
    } :data

    __bss_end = __bss_end_virt - KERNEL_OFFSET;

    /* Debug information (not loaded), listed so `--orphan-handling=error` can be used with -g. */
    .debug_aranges     0 : { *(.debug_aranges) }
    .debug_pubnames    0 : { *(.debug_pubnames) }
    .debug_info        0 : { *(.debug_info .gnu.linkonce.wi.*) }
    .debug_abbrev      0 : { *(.debug_abbrev) }
    .debug_line        0 : { *(.debug_line .debug_line.* .debug_line_end) }
    .debug_frame       0 : { *(.debug_frame) }
    .debug_str         0 : { *(.debug_str) }
    .debug_loc         0 : { *(.debug_loc) }
    .debug_macinfo     0 : { *(.debug_macinfo) }
    .debug_pubtypes    0 : { *(.debug_pubtypes) }
    .debug_ranges      0 : { *(.debug_ranges) }
    .debug_addr        0 : { *(.debug_addr) }
    .debug_line_str    0 : { *(.debug_line_str) }
    .debug_loclists    0 : { *(.debug_loclists) }
    .debug_macro       0 : { *(.debug_macro) }
    .debug_names       0 : { *(.debug_names) }
    .debug_rnglists    0 : { *(.debug_rnglists) }
    .debug_str_offsets 0 : { *(.debug_str_offsets) }

    /DISCARD/ : {
        *(.note .note.*)
        *(.comment .comment.*)
        *(.eh_frame .eh_frame_hdr)
        *(.llvm_addrsig)
        *(.interp .dynamic .dynsym .dynstr .hash .gnu.hash)
        *(.gnu_debuglink .gnu.lto_*)
    }
}

#undef KERNEL_OFFSET
KERNEL_OFFSET = __kernel_offset;

ASSERT(CONSTANT(MAXPAGESIZE) == PAGE_SIZE_4K, "link with -z max-page-size=0x1000 (see the header of linker.ld.S)")
ASSERT(__image_start == __load_addr, "image must start at LOAD_ADDR")
/* .boot is the first section in the file, at offset PAGE_SIZE_4K (after the ELF/program headers,
 * given max-page-size 4 KiB), so file offset = PAGE_SIZE_4K + (address - __image_start). */
ASSERT(PAGE_SIZE_4K + (mb1_header_end - __image_start) <= 8192, "multiboot v1 header beyond the first 8 KiB of the file")
ASSERT(PAGE_SIZE_4K + (mb2_header_end - __image_start) <= 32768, "multiboot v2 header beyond the first 32 KiB of the file")
ASSERT(mb1_header % 4 == 0 && mb2_header % 8 == 0, "multiboot header alignment")
ASSERT(__boot_end <= __text_start - __kernel_offset, ".boot overlaps .text")
ASSERT(__bss_end <= KERNEL_MAP_SIZE, "image beyond the boot higher-half map (1 GiB)")
ASSERT(__kernel_offset % 0x40000000 == 0, "KERNEL_OFFSET must be 1 GiB aligned")
ASSERT(SIZEOF(.got) == 0, "unexpected GOT entries: compile with -fno-pic -mcmodel=kernel")
ASSERT(SIZEOF(.rela.dyn) == 0, "unexpected dynamic relocations: link with -static, no -pie")
