// The constants of the NOVA interface (docs/nova-abi.md) for user programs:
// hypercall numbers and flags (§3), status codes and their names (§5), permission bits (§2.2),
// create_pd OPs (§4.3), the selectors the kernel puts into the NOVA and root
// object spaces (§9.3, §9.4), the architectural MTD bits (§6.3), SCD packing
// (§7.2) and event selectors (§8). hypercall.ts builds the registers from them.

/** Hypercall numbers: RDI[3:0] (§3). 0xf is reserved and always BAD_HYP. */
export enum Hypercall {
  IPC_CALL = 0x0,
  IPC_REPLY = 0x1,
  CREATE_PD = 0x2,
  CREATE_EC = 0x3,
  CREATE_SC = 0x4,
  CREATE_PT = 0x5,
  CREATE_SM = 0x6,
  CTRL_PD = 0x7,
  CTRL_EC = 0x8,
  CTRL_SC = 0x9,
  CTRL_PT = 0xa,
  CTRL_SM = 0xb,
  CTRL_HW = 0xc,
  ASSIGN_INT = 0xd,
  ASSIGN_DEV = 0xe,
  RESERVED = 0xf,
}

/** Status codes (§5), returned in RDI[7:0]. */
export enum Status {
  SUCCESS = 0x0,
  TIMEOUT = 0x1,
  ABORTED = 0x2,
  OVRFLOW = 0x3,
  BAD_HYP = 0x4,
  BAD_CAP = 0x5,
  BAD_PAR = 0x6,
  BAD_FTR = 0x7,
  BAD_CPU = 0x8,
  BAD_DEV = 0x9,
  MEM_OBJ = 0xa,
  MEM_CAP = 0xb,
}

/** §5's name of status `s` (`BAD_CAP`), or "" for a value that is no status. */
export function statusName(s: u64): str {
  switch (s) {
    case Status.SUCCESS:
      return "SUCCESS";
    case Status.TIMEOUT:
      return "TIMEOUT";
    case Status.ABORTED:
      return "ABORTED";
    case Status.OVRFLOW:
      return "OVRFLOW";
    case Status.BAD_HYP:
      return "BAD_HYP";
    case Status.BAD_CAP:
      return "BAD_CAP";
    case Status.BAD_PAR:
      return "BAD_PAR";
    case Status.BAD_FTR:
      return "BAD_FTR";
    case Status.BAD_CPU:
      return "BAD_CPU";
    case Status.BAD_DEV:
      return "BAD_DEV";
    case Status.MEM_OBJ:
      return "MEM_OBJ";
    case Status.MEM_CAP:
      return "MEM_CAP";
  }
  return "";
}

// Hypercall flags, RDI[7:4] (§3), as the 4-bit field's values.
/** ipc_call T: TIMEOUT at once when the callee is busy. */
export const IPC_T: u64 = 0x1;
/** create_ec G (vCPU), T (global host EC / vCPU time offsetting), F (FPU). */
export const EC_G: u64 = 0x1;
export const EC_T: u64 = 0x2;
export const EC_F: u64 = 0x4;
/** ctrl_ec S: strong recall. */
export const EC_S: u64 = 0x1;
/** ctrl_sm D (down) and Z (down to zero). */
export const SM_D: u64 = 0x1;
export const SM_Z: u64 = 0x2;
/** assign_int M (masked), T (level), P (active low), G (guest-owned). */
export const INT_M: u64 = 0x1;
export const INT_T: u64 = 0x2;
export const INT_P: u64 = 0x4;
export const INT_G: u64 = 0x8;

/** create_pd OP (§4.3): what the call creates. */
export enum PdOp {
  PD = 0,
  OBJ = 1,
  HST = 2,
  GST = 3,
  DMA = 4,
  PIO = 5,
  MSR = 6,
}

// Permission bits (§2.2): one set per capability kind; the high 5 bits are zero.
/** Space capabilities: GRANT = ctrl_pd destination, TAKE = source, ASSIGN (GST/DMA/PIO/MSR). */
export const SPACE_GRANT: u64 = 0x01;
export const SPACE_TAKE: u64 = 0x02;
export const SPACE_ASSIGN: u64 = 0x04;
export const OBJ_ALL: u64 = 0x03;
export const HST_ALL: u64 = 0x03;
export const GST_ALL: u64 = 0x05;
export const DMA_ALL: u64 = 0x05;
export const PIO_SPACE_ALL: u64 = 0x07;
export const MSR_SPACE_ALL: u64 = 0x07;
/** PD capabilities: which create_* the PD capability allows. */
export const PD_PD: u64 = 0x01;
export const PD_EC: u64 = 0x02;
export const PD_SC: u64 = 0x04;
export const PD_PT: u64 = 0x08;
export const PD_SM: u64 = 0x10;
export const PD_ALL: u64 = 0x1f;
/** EC capabilities. */
export const EC_CTRL: u64 = 0x01;
export const EC_BINDPT: u64 = 0x04;
export const EC_BINDSC: u64 = 0x08;
export const EC_ALL: u64 = 0x0d;
/** SC capabilities. */
export const SC_CTRL: u64 = 0x01;
/** PT capabilities. */
export const PT_CTRL: u64 = 0x01;
export const PT_CALL: u64 = 0x02;
export const PT_EVENT: u64 = 0x04;
export const PT_ALL: u64 = 0x07;
/** SM capabilities (regular: CTRLUP|CTRLDN; interrupt SMs: ASSIGN|CTRLDN). */
export const SM_CTRLUP: u64 = 0x01;
export const SM_CTRLDN: u64 = 0x02;
export const SM_ASSIGN: u64 = 0x10;
export const SM_ALL: u64 = 0x03;
export const SM_INTERRUPT: u64 = 0x12;
/** Memory capabilities. */
export const MEM_R: u64 = 0x01;
export const MEM_W: u64 = 0x02;
export const MEM_XU: u64 = 0x04;
export const MEM_XS: u64 = 0x08;
/** A PIO capability: IN/OUT allowed. */
export const PIO_A: u64 = 0x01;
/** MSR capabilities. */
export const MSR_R: u64 = 0x01;
export const MSR_W: u64 = 0x02;
/** Every permission bit a `pmm` can keep (5 bits). */
export const PMM_ALL: u64 = 0x1f;

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

// Architectural MTD bits (§6.3). Host ECs use POISON, GPR0_7, GPR8_15, RFLAGS, RIP and QUAL.
export const MTD_POISON: u32 = 1 << 0;
export const MTD_GPR0_7: u32 = 1 << 1;
export const MTD_GPR8_15: u32 = 1 << 2;
export const MTD_RFLAGS: u32 = 1 << 3;
export const MTD_RIP: u32 = 1 << 4;
export const MTD_STA: u32 = 1 << 5;
export const MTD_QUAL: u32 = 1 << 6;
export const MTD_CTRL: u32 = 1 << 7;
export const MTD_TPR: u32 = 1 << 8;
export const MTD_INJ: u32 = 1 << 9;
export const MTD_CS_SS: u32 = 1 << 10;
export const MTD_DS_ES: u32 = 1 << 11;
export const MTD_FS_GS: u32 = 1 << 12;
export const MTD_TR: u32 = 1 << 13;
export const MTD_LDTR: u32 = 1 << 14;
export const MTD_GDTR: u32 = 1 << 15;
export const MTD_IDTR: u32 = 1 << 16;
export const MTD_PDPTE: u32 = 1 << 17;
export const MTD_CR: u32 = 1 << 18;
export const MTD_DR: u32 = 1 << 19;
export const MTD_XSAVE: u32 = 1 << 20;
export const MTD_APIC: u32 = 1 << 21;
export const MTD_SYSCALL: u32 = 1 << 22;
export const MTD_SYSENTER: u32 = 1 << 23;
export const MTD_PAT: u32 = 1 << 24;
export const MTD_EFER: u32 = 1 << 25;
export const MTD_KERNEL_GS: u32 = 1 << 26;
export const MTD_TSC: u32 = 1 << 27;
export const MTD_TLB: u32 = 1 << 29;
export const MTD_FPU: u32 = 1 << 30;
export const MTD_SPACES: u32 = 0x8000_0000;

/** A regular MTD (§6.1): `words` UTCB words (1…512) as words − 1 in bits 8:0. */
export function mtdWords(words: u32): u32 {
  assert(words >= 1 && words <= 512, "a regular MTD moves 1…512 words");
  return words - 1;
}

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
