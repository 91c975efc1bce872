// Capabilities (nova-abi.md §2): one 64-bit word naming a kernel object and
// carrying permission bits, in the style of NOVA's inc/capability.hpp. Objects
// are at least 32-byte aligned, so the word is `object address | perms` with
// the permissions in bits 4:0; the word 0 is CAP0, the null capability.
//
// The permission table below mirrors nova-abi.md §2.2 exactly: one enum per
// capability kind with its bits and its DEFINED mask ("all defined"
// permissions, what create_* hands out). definedPerms() is the table by kind.
//
// Status codes (nova-abi.md §5) live here too: they are what the capability
// layer returns to the hypercall layer.

/** The kind of a kernel object (its header's `kind`): what a capability names. */
export enum Kind {
  NONE = 0,
  PD,
  OBJ_SP,
  HST_SP,
  GST_SP,
  DMA_SP,
  PIO_SP,
  MSR_SP,
  EC,
  SC,
  PT,
  /** A regular semaphore (create_sm). */
  SM,
  /** An interrupt semaphore (NOVA object space 0x10000…): same object, other permissions. */
  SM_INT,
  COUNT,
}

/** Status codes of nova-abi.md §5 (returned in RDI bits 7:0). */
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

// ---- permission bits (nova-abi.md §2.2, exact values) ----

/** Object space and host space. GRANT: may be a ctrl_pd destination; TAKE: a source. */
export enum Perm_obj_sp {
  GRANT = 0x01,
  TAKE = 0x02,
  DEFINED = 0x03,
}
export enum Perm_hst_sp {
  GRANT = 0x01,
  TAKE = 0x02,
  DEFINED = 0x03,
}
/** Guest and DMA spaces. ASSIGN: may be assigned to a vCPU (GST) / receive devices (DMA). */
export enum Perm_gst_sp {
  GRANT = 0x01,
  ASSIGN = 0x04,
  DEFINED = 0x05,
}
export enum Perm_dma_sp {
  GRANT = 0x01,
  ASSIGN = 0x04,
  DEFINED = 0x05,
}
/** PIO and MSR spaces. */
export enum Perm_pio_sp {
  GRANT = 0x01,
  TAKE = 0x02,
  ASSIGN = 0x04,
  DEFINED = 0x07,
}
export enum Perm_msr_sp {
  GRANT = 0x01,
  TAKE = 0x02,
  ASSIGN = 0x04,
  DEFINED = 0x07,
}
/** PD: which create_* calls it allows. */
export enum Perm_pd {
  PD = 0x01,
  EC = 0x02,
  SC = 0x04,
  PT = 0x08,
  SM = 0x10,
  DEFINED = 0x1f,
}
export enum Perm_ec {
  CTRL = 0x01,
  BIND_PT = 0x04,
  BIND_SC = 0x08,
  DEFINED = 0x0d,
}
export enum Perm_sc {
  CTRL = 0x01,
  DEFINED = 0x01,
}
export enum Perm_pt {
  CTRL = 0x01,
  CALL = 0x02,
  EVENT = 0x04,
  DEFINED = 0x07,
}
/** Semaphores: regular ones get CTRL_UP|CTRL_DN, interrupt ones ASSIGN|CTRL_DN. */
export enum Perm_sm {
  CTRL_UP = 0x01,
  CTRL_DN = 0x02,
  ASSIGN = 0x10,
  DEFINED = 0x03,
  DEFINED_INT = 0x12,
}
/** Memory capabilities (host, guest, DMA spaces). */
export enum Perm_mem {
  R = 0x01,
  W = 0x02,
  XU = 0x04,
  XS = 0x08,
  DEFINED = 0x0f,
}
/** PIO capabilities: one port. */
export enum Perm_pio {
  A = 0x01,
  DEFINED = 0x01,
}
/** MSR capabilities: one MSR. */
export enum Perm_msr {
  R = 0x01,
  W = 0x02,
  DEFINED = 0x03,
}

/** Permission fields are 5 bits wide (bits 4:0). */
export const PERM_MASK: u64 = 0x1f;
/** Objects a capability names are aligned to this (so the low 5 bits are free). */
export const OBJ_ALIGN: usize = 32;
/** The null capability. */
export const CAP0: u64 = 0;

/** The DEFINED mask of an object capability of `kind` (nova-abi.md §2.2); 0 for NONE. */
export function definedPerms(kind: u32): u32 {
  switch (kind) {
    case Kind.PD:
      return Perm_pd.DEFINED;
    case Kind.OBJ_SP:
      return Perm_obj_sp.DEFINED;
    case Kind.HST_SP:
      return Perm_hst_sp.DEFINED;
    case Kind.GST_SP:
      return Perm_gst_sp.DEFINED;
    case Kind.DMA_SP:
      return Perm_dma_sp.DEFINED;
    case Kind.PIO_SP:
      return Perm_pio_sp.DEFINED;
    case Kind.MSR_SP:
      return Perm_msr_sp.DEFINED;
    case Kind.EC:
      return Perm_ec.DEFINED;
    case Kind.SC:
      return Perm_sc.DEFINED;
    case Kind.PT:
      return Perm_pt.DEFINED;
    case Kind.SM:
      return Perm_sm.DEFINED;
    case Kind.SM_INT:
      return Perm_sm.DEFINED_INT;
    default:
      return 0;
  }
}

/**
 * The capability word for the object at `obj` with `perms`. A kernel bug stops
 * the kernel: a misaligned or null object, or permissions of zero (that is
 * CAP0, never a capability to something).
 */
export function make(obj: Virt, perms: u32): u64 {
  assert(u64(obj) !== 0, "capability: null object");
  assert((u64(obj) & PERM_MASK) === 0, "capability: object not 32-byte aligned");
  assert(perms !== 0 && u64(perms) <= PERM_MASK, "capability: permissions out of range");
  return u64(obj) | u64(perms);
}

/** The object a capability word names (virt(0) for CAP0). */
export function object(cap: u64): Virt {
  return virt(cap & ~PERM_MASK);
}

/** The permission bits of a capability word (0 for CAP0). */
export function perms(cap: u64): u32 {
  return u32(cap & PERM_MASK);
}

/**
 * The capability with its permissions reduced to `perms & mask`: CAP0 if none
 * remain. Also for the words of PIO/MSR spaces, which are permissions only.
 */
export function reduce(cap: u64, mask: u32): u64 {
  const p = u64(perms(cap)) & u64(mask);
  if (p === 0) return CAP0;
  return (cap & ~PERM_MASK) | p;
}
