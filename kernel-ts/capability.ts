// Capabilities (nova-abi.md §2): one 64-bit word naming a kernel object and
// carrying permission bits, in the style of NOVA's inc/capability.hpp. Objects
// are at least 32-byte aligned, so the word is `object address | perms` with
// the permissions in bits 4:0; the word 0 is CAP0, the null capability.
//
// The permission bits of nova-abi.md §2.2 are the interface's (abi/perms.ts);
// definedPerms() is their table by kind.

import {
  PERM_MASK,
  Perm_dma_sp,
  Perm_ec,
  Perm_gst_sp,
  Perm_hst_sp,
  Perm_msr_sp,
  Perm_obj_sp,
  Perm_pd,
  Perm_pio_sp,
  Perm_pt,
  Perm_sc,
  Perm_sm,
} from "../abi/perms.ts";

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
