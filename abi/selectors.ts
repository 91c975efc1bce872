// Selectors (nova-abi.md §2.3, §9.3, §9.4): how many selectors object and PIO
// spaces have, and where the kernel puts its capabilities at boot, in the NOVA
// object space (§9.3) and in the root object space (§9.4). The kernel fills
// both spaces at these selectors (kernel-ts/root.ts) and the root PD finds
// its capabilities there. Names are <space>_<capability>: NOVA_OBJ_ROOT_PD is
// the root PD's selector in the NOVA object space, ROOT_OBJ_ROOT_PD the one
// in the root object space.

/** The largest `ord` of ctrl_pd in an object space: all of its selectors. */
export const OBJ_ORDER_MAX: u32 = 18;
/** Object selectors per object space, 0x40000 (§2.3; the HIP's SELNUM, §9.5). */
export const SELNUM: u64 = u64(1) << OBJ_ORDER_MAX;
/** The largest `ord` of ctrl_pd in a PIO space: all of its ports. */
export const PIO_ORDER_MAX: u32 = 16;
/** PIO selectors per PIO space: ports 0…0xffff (§2.3). */
export const PIO_PORTS: u64 = u64(1) << PIO_ORDER_MAX;

// §9.3: the NOVA object space.
export const NOVA_OBJ_CONSOLE_SM: u64 = SELNUM - 1;
export const NOVA_OBJ_NOVA_OBJ: u64 = SELNUM - 2;
export const NOVA_OBJ_NOVA_HST: u64 = SELNUM - 3;
export const NOVA_OBJ_NOVA_PIO: u64 = SELNUM - 4;
export const NOVA_OBJ_NOVA_MSR: u64 = SELNUM - 5;
export const NOVA_OBJ_ROOT_OBJ: u64 = SELNUM - 6;
export const NOVA_OBJ_ROOT_HST: u64 = SELNUM - 7;
export const NOVA_OBJ_ROOT_PIO: u64 = SELNUM - 8;
/** §9.3 [SRC] / §12.6: NOVA's source also puts the root PD (all permissions) here. */
export const NOVA_OBJ_ROOT_PD: u64 = SELNUM - 9;
/** Interrupt semaphore n (a GSI, then the MSI slots) is at NOVA_OBJ_INT_SM + n. */
export const NOVA_OBJ_INT_SM: u64 = 0x10000;
/** The idle SC of CPU n is at NOVA_OBJ_IDLE_SC + n. */
export const NOVA_OBJ_IDLE_SC: u64 = 0;

// §9.4: the root object space.
export const ROOT_OBJ_NOVA_OBJ: u64 = SELNUM - 1;
export const ROOT_OBJ_ROOT_OBJ: u64 = SELNUM - 2;
export const ROOT_OBJ_ROOT_PD: u64 = SELNUM - 3;
export const ROOT_OBJ_ROOT_EC: u64 = SELNUM - 4;
export const ROOT_OBJ_ROOT_SC: u64 = SELNUM - 5;
