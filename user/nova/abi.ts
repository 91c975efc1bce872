// The constants of the NOVA interface (docs/nova-abi.md) that only user
// programs declare so far: the selectors the kernel puts into the NOVA and
// root object spaces (§9.3, §9.4), the root PD's addresses, SCD packing (§7.2)
// and event selectors (§8). Numbers, statuses, permissions, MTD bits and
// layouts the kernel shares are in abi/.

// Selectors (§2.3, §9.3, §9.4).
/** Object selectors per object space (the HIP's SELNUM; hip.ts checks they agree). */
export const SELNUM: u64 = 0x40000;
/** PIO selectors: ports 0…0xffff. */
export const PIO_PORTS: u64 = 0x10000;
/** The largest `ord` of ctrl_pd per space: 2^18 object selectors, 2^16 ports. */
export const OBJ_ORDER_MAX: u64 = 18;
export const PIO_ORDER_MAX: u64 = 16;
/** §9.3: the NOVA object space. */
export const NOVA_CONSOLE_SM: u64 = SELNUM - 1;
export const NOVA_OBJ: u64 = SELNUM - 2;
export const NOVA_HST: u64 = SELNUM - 3;
export const NOVA_PIO: u64 = SELNUM - 4;
export const NOVA_MSR: u64 = SELNUM - 5;
export const NOVA_ROOT_OBJ: u64 = SELNUM - 6;
export const NOVA_ROOT_HST: u64 = SELNUM - 7;
export const NOVA_ROOT_PIO: u64 = SELNUM - 8;
export const NOVA_ROOT_PD: u64 = SELNUM - 9;
/** The NOVA object space's interrupt semaphores start here (one per GSI/MSI). */
export const NOVA_INT_SM: u64 = 0x10000;
/** §9.4: the root object space. */
export const ROOT_NOVA_OBJ: u64 = SELNUM - 1;
export const ROOT_OBJ: u64 = SELNUM - 2;
export const ROOT_PD: u64 = SELNUM - 3;
export const ROOT_EC: u64 = SELNUM - 4;
export const ROOT_SC: u64 = SELNUM - 5;

// §9.4: the root PD's fixed user addresses (H = 47).
export const HIP_ADDRESS: u64 = 0x7fff_ffff_f000;
export const UTCB_ADDRESS: u64 = 0x7fff_ffff_e000;
/** Boot loader magics the root EC gets in RDI (§9.2). */
export const MULTIBOOT1_MAGIC: u64 = 0x2bad_b002;
export const MULTIBOOT2_MAGIC: u64 = 0x36d7_6289;
/** RFLAGS (and R11) after every hypercall (§3). */
export const USER_RFLAGS: u64 = 0x202;

/** The SCD of create_sc (§7.2): budget in ms (bits 15:0), priority (22:16), COS (38:23). */
export function scd(budgetMs: u64, priority: u64, cos: u64): u64 {
  assert(budgetMs < 0x1_0000 && priority < 0x80 && cos < 0x1_0000, "SCD field out of range");
  return budgetMs | (priority << 16) | (cos << 23);
}

// Event selectors (§8), relative to an EC's event base EVT (the HIP's SRC values).
export const SEL_HST_ARCH: u64 = 0x20;
export const SEL_HST_NOVA: u64 = 2;
export const SEL_GST_ARCH: u64 = 0x100;
export const SEL_GST_NOVA: u64 = 2;
/** Host exception `vector` of an EC whose event base is `evt`. */
export function hostException(evt: u64, vector: u64): u64 {
  return evt + vector;
}
/** STARTUP and RECALL of a host EC (`SEL_ARCH + 0/1`). */
export function hostStartup(evt: u64): u64 {
  return evt + SEL_HST_ARCH;
}
export function hostRecall(evt: u64): u64 {
  return evt + SEL_HST_ARCH + 1;
}
/** Guest intercept `reason`, STARTUP and RECALL of a vCPU. */
export function guestExit(evt: u64, reason: u64): u64 {
  return evt + reason;
}
export function guestStartup(evt: u64): u64 {
  return evt + SEL_GST_ARCH;
}
export function guestRecall(evt: u64): u64 {
  return evt + SEL_GST_ARCH + 1;
}
