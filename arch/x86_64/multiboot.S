/*
 * arch/x86_64/multiboot.S - the multiboot v1 and v2 headers.
 *
 * Why both: QEMU's `-kernel` only speaks multiboot v1, GRUB (and UEFI boots) want multiboot v2,
 * and NOVA accepts both.  Both headers live in .boot.header, which the linker script puts first
 * in the first loaded section, so they sit at the very start of the image (file offset 0x1000):
 * inside the 8 KiB that multiboot v1 searches and the 32 KiB that multiboot v2 searches.
 *
 * Why the v1 header carries the a.out kludge (flag bit 16): QEMU 7.2 refuses to load an ELF64
 * file ("Cannot load x86-64 image, give a 32bit one") unless the kludge is set, in which case it
 * ignores the ELF headers and copies the file bytes [load_addr, load_end_addr) to physical
 * memory by the header's address fields and zeroes up to bss_end_addr.  GRUB's `multiboot`
 * command honours the kludge the same way.  That is only correct because linker.ld.S keeps
 * .boot/.text/.rodata/.data contiguous in the file with (file offset - physical address)
 * constant, which needs the link flag `-z max-page-size=0x1000`.
 *
 * Why the v2 header has an entry-address tag (type 3): the ELF entry point of an ELF64 file
 * would be entered in 32-bit mode anyway, but GRUB only accepts a 64-bit ELF for multiboot2 and
 * the tag states explicitly that the 32-bit protected-mode entry `_start` is the one to use.
 * The module-alignment tag (type 6) asks for page-aligned modules, like v1 flag bit 0 and like
 * NOVA, because modules are mapped into the root task page by page.
 * No address tag (type 2): for v2 GRUB loads the PT_LOAD segments at their p_paddr.
 * No information-request tag: GRUB passes cmdline, modules and the memory map unasked, and a
 * non-optional request that GRUB cannot satisfy would make the boot fail.
 */

#define MB1_MAGIC               0x1badb002
#define MB1_FLAG_PAGE_ALIGN     (1 << 0)        /* modules on 4 KiB boundaries */
#define MB1_FLAG_MEMORY_INFO    (1 << 1)        /* mem_lower/mem_upper and the memory map */
#define MB1_FLAG_AOUT_KLUDGE    (1 << 16)       /* load by the address fields below */
#define MB1_FLAGS               (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMORY_INFO | MB1_FLAG_AOUT_KLUDGE)

#define MB2_MAGIC               0xe85250d6
#define MB2_ARCH_I386           0               /* 32-bit protected mode entry */
#define MB2_TAG_END             0
#define MB2_TAG_ENTRY_ADDRESS   3
#define MB2_TAG_MODULE_ALIGN    6

/* Checksums are computed modulo 2^32 by hand so that gas never sees a negative 64-bit value it
 * would have to truncate into a .long. */
#define CHECKSUM32(x)           (0x100000000 - (x))

        .section .boot.header, "a", @progbits

/* ---- multiboot v1 (4-byte aligned, within the first 8 KiB) ---------------------------- */
        .balign 4
        .global mb1_header
mb1_header:
        .long   MB1_MAGIC
        .long   MB1_FLAGS
        .long   CHECKSUM32(MB1_MAGIC + MB1_FLAGS)
        /* a.out kludge fields: all physical addresses, provided by the linker script. */
        .long   mb1_header              /* header_addr: where this header is loaded */
        .long   __image_start           /* load_addr: physical start of the image (LOAD_ADDR) */
        .long   __image_end             /* load_end_addr: end of the file-backed part (.data) */
        .long   __bss_end               /* bss_end_addr: end of .bss, zeroed by the loader */
        .long   _start                  /* entry_addr: the 32-bit entry in start.S */
        .global mb1_header_end
mb1_header_end:

/* ---- multiboot v2 (8-byte aligned, within the first 32 KiB) --------------------------- */
        .balign 8
        .global mb2_header
mb2_header:
        .long   MB2_MAGIC
        .long   MB2_ARCH_I386
        .long   mb2_header_end - mb2_header
        .long   CHECKSUM32(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

        /* Every tag starts 8-byte aligned. */
        .balign 8
mb2_tag_entry:
        .short  MB2_TAG_ENTRY_ADDRESS
        .short  0                       /* flags: not optional */
        .long   mb2_tag_entry_end - mb2_tag_entry
        .long   _start                  /* entry_addr: physical, 32-bit */
mb2_tag_entry_end:

        .balign 8
mb2_tag_module_align:
        .short  MB2_TAG_MODULE_ALIGN
        .short  0
        .long   8

        .balign 8
mb2_tag_end:
        .short  MB2_TAG_END
        .short  0
        .long   8
        .global mb2_header_end
mb2_header_end:

        /* No executable stack (silences ld's "missing .note.GNU-stack" warning). */
        .section .note.GNU-stack, "", @progbits
