// What both vCPU back-ends (svm.ts, vmx.ts) apply to guest state alike: the
// interruption-information encoding of nova-abi.md §6.5 (which is VMX's own
// and which SVM's EVENTINJ nearly shares), the exceptions every guest exits
// on whatever its VMM asked, the sanitizing of MSR values a VMM writes, and
// the walk over the segment groups an MTD selects (transferSegments).

import { ArchUtcb, Segment } from "../abi/arch_utcb.ts";
import {
  MTD_CS_SS,
  MTD_DS_ES,
  MTD_FS_GS,
  MTD_GDTR,
  MTD_IDTR,
  MTD_LDTR,
  MTD_TR,
} from "../abi/mtd.ts";

// Interruption information (§6.5).
export const INJ_VALID: u32 = 0x8000_0000;
export const INJ_ERROR: u32 = 1 << 11;
/** Request bits of an INJ write: the interrupt and NMI windows (stripped before injection). */
export const INJ_WINDOW: u32 = 1 << 12;
export const INJ_NMI_WINDOW: u32 = 1 << 13;
export const INJ_TYPE_SHIFT: u32 = 8;
export const INJ_TYPE_MASK: u32 = 7;
export const TYPE_NMI: u32 = 2;
export const TYPE_HW_EXCEPTION: u32 = 3;
export const TYPE_SW_INTERRUPT: u32 = 4;
export const TYPE_PRIV_SW_EXCEPTION: u32 = 5;
export const TYPE_SW_EXCEPTION: u32 = 6;

/** UTCB access rights (§6.4): bit 12 = unusable. */
export const AR_UNUSABLE: u16 = 1 << 12;

/** Exceptions that push an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX. */
export const ERROR_CODE_VECTORS: u32 =
  (1 << 8) |
  (1 << 10) |
  (1 << 11) |
  (1 << 12) |
  (1 << 13) |
  (1 << 14) |
  (1 << 17) |
  (1 << 21) |
  (1 << 29) |
  (1 << 30);

/**
 * Exceptions every guest's exceptions exit on, whatever its VMM asked: #DB and #AC. A guest
 * whose IDT makes their delivery raise them again would otherwise loop inside the CPU without
 * reaching an instruction boundary, so not even a host interrupt would end its run (the
 * CVE-2015-8104 and CVE-2015-5307 loops). The back-ends put them back into the guest unless
 * the VMM asked for them (reflection()).
 */
export const VECTOR_DB: u32 = 1;
export const VECTOR_AC: u32 = 17;
export const FORCED_EXCEPTIONS: u32 = (u32(1) << VECTOR_DB) | (u32(1) << VECTOR_AC);

/**
 * The injection (§6.5) that puts exception `vector` back into the guest when it is a forced
 * one the VMM did not ask for (`vmmExceptions`), else 0. The error code (#AC's, always 0)
 * is the caller's.
 */
export function reflection(vector: u32, vmmExceptions: u32): u32 {
  if (vector >= 32) return 0;
  const bit = u32(1) << vector;
  if ((FORCED_EXCEPTIONS & bit) === 0 || (vmmExceptions & bit) !== 0) return 0;
  let info = INJ_VALID | (TYPE_HW_EXCEPTION << INJ_TYPE_SHIFT) | vector;
  if ((ERROR_CODE_VECTORS & bit) !== 0) info |= INJ_ERROR;
  return info;
}

/** A canonical address: bits 63:47 copies of bit 47 (a guest's MSR values the CPU loads). */
export function canonical(x: u64): u64 {
  return (x & (u64(1) << 47)) !== 0 ? x | 0xffff_8000_0000_0000 : x & 0x0000_7fff_ffff_ffff;
}

/** STAR with its low half cleared, FMASK with its high half cleared (§6.3 SYSCALL). */
export function sanitizedStar(star: u64): u64 {
  return star & 0xffff_ffff_0000_0000;
}
export function sanitizedFmask(fmask: u64): u64 {
  return fmask & 0xffff_ffff;
}

/**
 * The guest's segment registers and descriptor tables, in the VMCS's order, which its field
 * encodings follow (vmcs.ts segmentField); svm.ts maps them to the VMCB's records. GDTR and
 * IDTR have a limit and a base only.
 */
export enum GuestSegment {
  ES = 0,
  CS = 1,
  SS = 2,
  DS = 3,
  FS = 4,
  GS = 5,
  LDTR = 6,
  TR = 7,
  GDTR = 8,
  IDTR = 9,
}

/**
 * A back-end's copy of guest segment `s` (GuestSegment) between the vCPU's control block at
 * `control` and the UTCB's record `u`: to `u` for a save, from it for a load, which takes a
 * descriptor table's limit as 16 bits.
 */
export type SegmentAccess = (control: Virt, s: u32, u: Segment) => void;

/** The MTD bits of the segment groups (§6.3). */
const SEGMENTS: u32 = MTD_CS_SS | MTD_DS_ES | MTD_FS_GS | MTD_TR | MTD_LDTR | MTD_GDTR | MTD_IDTR;

/**
 * The segment groups `mtd` selects (§6.3: CS/SS, DS/ES, FS/GS, TR, LDTR, GDTR, IDTR), each
 * segment through `access` between the control block at `control` and the UTCB `a`: both
 * back-ends' save and load. Inlined into each, where `access` is a constant: a direct call.
 * @inline
 */
export function transferSegments(
  control: Virt,
  a: ArchUtcb,
  mtd: u32,
  access: SegmentAccess,
): void {
  if ((mtd & SEGMENTS) === 0) return;
  if ((mtd & MTD_CS_SS) !== 0) {
    access(control, GuestSegment.CS, a.cs);
    access(control, GuestSegment.SS, a.ss);
  }
  if ((mtd & MTD_DS_ES) !== 0) {
    access(control, GuestSegment.DS, a.ds);
    access(control, GuestSegment.ES, a.es);
  }
  if ((mtd & MTD_FS_GS) !== 0) {
    access(control, GuestSegment.FS, a.fs);
    access(control, GuestSegment.GS, a.gs);
  }
  if ((mtd & MTD_TR) !== 0) access(control, GuestSegment.TR, a.tr);
  if ((mtd & MTD_LDTR) !== 0) access(control, GuestSegment.LDTR, a.ldtr);
  if ((mtd & MTD_GDTR) !== 0) access(control, GuestSegment.GDTR, a.gdtr);
  if ((mtd & MTD_IDTR) !== 0) access(control, GuestSegment.IDTR, a.idtr);
}
