// The root PD's launch state (nova-abi.md §9.2, §9.4): where the kernel maps
// the HIP and the root EC's UTCB in the root host space, and the boot
// loader's magic that the kernel reads in EAX at boot and hands to the root
// EC in RDI, which tells the root PD how to read the boot information in RSI.

/** §9.4 with H = 47: the HIP read-only in the last user page (the root EC's RSP at entry). */
export const HIP_ADDRESS: u64 = 0x7fff_ffff_f000;
/** §9.4: the root EC's UTCB, the page below the HIP; user addresses end here. */
export const UTCB_ADDRESS: u64 = 0x7fff_ffff_e000;

/** §9.2: EAX from a Multiboot v1 loader (EBX: the Multiboot information). */
export const MULTIBOOT1_BOOTLOADER_MAGIC: u32 = 0x2bad_b002;
/** §9.2: EAX from a Multiboot v2 loader (EBX: the Multiboot2 information). */
export const MULTIBOOT2_BOOTLOADER_MAGIC: u32 = 0x36d7_6289;
