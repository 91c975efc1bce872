// Physical memory as the kernel reaches it: through the boot loader's
// identity map until the kernel's own page tables are loaded, then through
// the direct map of all RAM at DIRECT_MAP (space_kernel.ts builds both).

/** Where all physical memory appears once the kernel's tables are live (PML4 slot 256). */
export const DIRECT_MAP: u64 = 0xffff_8000_0000_0000;
/** Where the image is linked: virtual = physical + KERNEL_OFFSET (arch/x86_64/memory.h). */
export const KERNEL_OFFSET: u64 = 0xffff_ffff_8000_0000;

let offset: u64 = 0;

/** The virtual address at which the kernel reaches physical address pa now. */
export function toVirt(pa: Phys): Virt {
  return virt(u64(pa) + offset);
}

/** The physical address of a kernel-image address (text, data, bss). */
export function imageToPhys(va: Virt): Phys {
  return phys(u64(va) - KERNEL_OFFSET);
}

/** From now on toVirt() uses the direct map (after its tables are loaded in CR3). */
export function useDirectMap(): void {
  offset = DIRECT_MAP;
}

/** The physical address of a direct-map address (slab objects, table pages). */
export function directToPhys(va: Virt): Phys {
  return phys(u64(va) - DIRECT_MAP);
}
