// What both vCPU back-ends (svm.ts, vmx.ts) apply to guest state alike: the
// interruption-information encoding of nova-abi.md §6.5 (which is VMX's own
// and which SVM's EVENTINJ nearly shares), the exceptions every guest exits
// on whatever its VMM asked, and the sanitizing of MSR values a VMM writes.

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
