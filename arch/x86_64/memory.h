/*
 * arch/x86_64/memory.h - the boot-time memory layout constants.
 *
 * Why this file exists: the load address, the higher-half offset and the boot stack size
 * are used by three different languages (GNU as via start.S/multiboot.S, GNU ld via
 * linker.ld.S after `cpp -P`, and C/generated C).  Keeping them here is the single place
 * of truth, so the page tables built in start.S, the addresses the linker assigns and the
 * C code's virt<->phys arithmetic cannot drift apart.
 *
 * Why the values are plain integer literals without suffixes: GNU ld's expression parser
 * does not accept C suffixes such as UL.  In C (LP64) an unsuffixed hex literal that does
 * not fit in long takes the type unsigned long, so 0xffffffff80000000 is already a u64 there.
 * Do not put anything but #defines of plain numbers in this file.
 */
#ifndef NOVA_ARCH_X86_64_MEMORY_H
#define NOVA_ARCH_X86_64_MEMORY_H

/*
 * Physical load address of the image (as NOVA).  4 MiB keeps clear of the BIOS area, the
 * multiboot info/modules QEMU and GRUB put just above 1 MiB, and is 2 MiB aligned so the
 * whole image is covered by 2 MiB pages.
 */
#define LOAD_ADDR 0x400000

/*
 * Everything except the 32-bit boot path is linked at phys + KERNEL_OFFSET (top 2 GiB of the
 * address space), which is what -mcmodel=kernel requires: every symbol address must be a
 * sign-extended 32-bit value.  1 GiB aligned, so it maps with one PDPT entry.
 */
#define KERNEL_OFFSET 0xffffffff80000000

/*
 * How much physical memory the boot page tables map at KERNEL_OFFSET (512 x 2 MiB pages =
 * 1 GiB, one page directory).  The image (and anything the early C code reaches through the
 * higher half) must lie below this.
 */
#define KERNEL_MAP_SIZE 0x40000000

/* How much physical memory the boot page tables identity-map (4 x 512 x 2 MiB = 4 GiB). */
#define IDENTITY_MAP_SIZE 0x100000000

/* The boot CPU's kernel stack (in .bss, also used, via its physical alias, by the 32-bit code). */
#define BOOT_STACK_SIZE 0x4000

/* The page size the image is laid out with (the link must use -z max-page-size=0x1000). */
#define PAGE_SIZE_4K 0x1000

#endif
