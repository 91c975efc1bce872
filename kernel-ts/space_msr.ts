// An MSR space (nova-abi.md §1.2, §2.3): selector = MSR number, valid only in
// 0x0…0x1fff and 0xc0000000…0xc0001fff (every other MSR is permanently
// CAP0), each CAP0 or an MSR capability with R/W (capability.ts Perm_msr).
// MSR spaces decide which RDMSR/WRMSR of the vCPUs assigned to them exit
// (host user code never executes RDMSR/WRMSR): a CapTable of 0x4000 slots,
// the two windows packed together (index()), with mdb nodes for recursive
// revocation, and alongside it the SVM MSR permission map the vCPUs run
// with (AMD APM Vol. 2 §15.11: two bits per MSR, read then write, set =
// intercepted; the two windows are its first two 2 KiB ranges, in the same
// order as the slots, so slot n has bits 2n and 2n+1), or on Intel VMX the
// MSR bitmap (SDM Vol. 3, 25.6.9: one bit per MSR and access, set =
// intercepted; reads of the low and high window in the first two KiB of
// the page, writes in the next two, so slot n's read bit is bit n and its
// write bit bit n + 0x4000). Like a PIO
// capability, an MSR capability names no object: its word is the permissions.
//
// The NOVA MSR space (§9.8) is one object with `nova` set: its capabilities
// are computed from the table below, never stored.

import {
  IA32_APERF,
  IA32_ARCH_CAPABILITIES,
  IA32_BIOS_SIGN_ID,
  IA32_CORE_CAPABILITIES,
  IA32_EFER,
  IA32_FLUSH_CMD,
  IA32_FMASK,
  IA32_FS_BASE,
  IA32_GS_BASE,
  IA32_KERNEL_GS_BASE,
  IA32_LSTAR,
  IA32_MCU_OPT_CTRL,
  IA32_MPERF,
  IA32_MTRRCAP,
  IA32_OVERCLOCKING_STATUS,
  IA32_PACKAGE_THERM_STATUS,
  IA32_PAT,
  IA32_PERF_STATUS,
  IA32_PLATFORM_ID,
  IA32_PRED_CMD,
  IA32_STAR,
  IA32_SYSENTER_CS,
  IA32_SYSENTER_EIP,
  IA32_SYSENTER_ESP,
  IA32_THERM_STATUS,
  IA32_TSC,
  IA32_TSC_AUX,
  IA32_XSS,
} from "../abi/msr.ts";
import { Perm_msr } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind, CAP0, OBJ_ALIGN } from "./capability.ts";
import {
  KObject,
  Destroy,
  allocBytes,
  allocObject,
  freeBytes,
  freeObject,
  initObject,
} from "./kobject.ts";
import { CapTable } from "./space_obj.ts";

/** The two MSR windows (§2.3), each 0x2000 MSRs. */
export const WINDOW: u64 = 0x2000;
export const HIGH_BASE: u64 = 0xc000_0000;
/** Slots: both windows. */
export const MSR_SLOTS: u64 = 2 * WINDOW;
/** The SVM MSR permission map: 8 KiB, page aligned. */
export const MSRPM_BYTES: usize = 8192;
/** index() of an MSR outside both windows. */
export const NO_SLOT: u64 = u64.MAX;

/** The permission maps are VMX MSR bitmaps rather than SVM's (file comment). */
class BitmapFormat {
  vmx: bool;
}
const bitmapFormat = new BitmapFormat();

/** Makes MSR spaces carry VMX MSR bitmaps (vmx.ts, before the first MSR space). */
export function setVmxBitmaps(): void {
  bitmapFormat.vmx = true;
}

function setBit(map: Virt, bit: u64, set: bool): void {
  const p = ptrFromVirt<u8>(map).add(usize(bit >> 3));
  const mask = u8(1) << u8(bit & 7);
  p.store(set ? p.load() | mask : p.load() & ~mask);
}

/** The slot of MSR `msr`, or NO_SLOT outside the windows. */
export function index(msr: u64): u64 {
  if (msr < WINDOW) return msr;
  if (msr >= HIGH_BASE && msr < HIGH_BASE + WINDOW) return msr - HIGH_BASE + WINDOW;
  return NO_SLOT;
}

/** The MSR of slot `slot`. */
export function msrOf(slot: u64): u64 {
  return slot < WINDOW ? slot : slot - WINDOW + HIGH_BASE;
}

/** §9.8: what the NOVA MSR space grants for `msr` (R, W or both; 0 = CAP0). */
export function novaPerms(msr: u64): u32 {
  const RW = u32(Perm_msr.R | Perm_msr.W);
  const R = u32(Perm_msr.R);
  switch (msr) {
    case IA32_SYSENTER_CS:
    case IA32_SYSENTER_ESP:
    case IA32_SYSENTER_EIP:
    case IA32_PAT:
    case IA32_EFER:
    case IA32_FS_BASE:
    case IA32_GS_BASE:
    case IA32_KERNEL_GS_BASE:
      return RW;
    case IA32_PRED_CMD:
    case IA32_FLUSH_CMD:
      return u32(Perm_msr.W);
    case IA32_TSC:
    case IA32_PLATFORM_ID:
    case IA32_BIOS_SIGN_ID:
    case IA32_CORE_CAPABILITIES:
    case IA32_MPERF:
    case IA32_APERF:
    case IA32_MTRRCAP:
    case IA32_ARCH_CAPABILITIES:
    case IA32_MCU_OPT_CTRL:
    case IA32_OVERCLOCKING_STATUS:
    case IA32_PERF_STATUS:
    case IA32_THERM_STATUS:
    case IA32_PACKAGE_THERM_STATUS:
    case IA32_XSS:
    case IA32_STAR:
    case IA32_LSTAR:
    case IA32_FMASK:
    case IA32_TSC_AUX:
      return R;
    default:
      return 0;
  }
}

export class Space_msr {
  hdr: Inline<KObject>;
  table: Inline<CapTable>;
  /** The NOVA MSR space: capabilities computed from novaPerms(). */
  nova: bool;
  /** MSRPM_BYTES: the SVM MSR permission map (see the file comment). */
  msrpm: Virt;
  /** The PD the space was created for (pd.ts serial): only its vCPUs may be assigned it. */
  owner: u64;

  /** A new, empty MSR space (no references yet), or null when memory is out. */
  static create(destroy: Destroy, nova: bool): Space_msr | null {
    const va = allocObject(sizeof<Space_msr>());
    if (u64(va) === 0) return null;
    const map = allocBytes(MSRPM_BYTES, 4096);
    if (u64(map) === 0) {
      freeBytes(va, sizeof<Space_msr>(), OBJ_ALIGN);
      return null;
    }
    const s = structAt<Space_msr>(va);
    initObject(s.hdr, Kind.MSR_SP, destroy);
    s.table.init(MSR_SLOTS);
    s.nova = nova;
    s.msrpm = map;
    const words = ptrFromVirt<u64>(map);
    for (let i: usize = 0; i < MSRPM_BYTES / 8; i++) words.set(i, u64.MAX);
    if (nova) for (let slot: u64 = 0; slot < MSR_SLOTS; slot++) s.permit(slot, s.lookup(slot));
    return s;
  }

  /** Sets slot `slot`'s two bits in the permission map: what `perms` allows passes. */
  permit(slot: u64, perms: u32): void {
    if (bitmapFormat.vmx) {
      setBit(this.msrpm, slot, (perms & Perm_msr.R) === 0);
      setBit(this.msrpm, slot + MSR_SLOTS, (perms & Perm_msr.W) === 0);
      return;
    }
    const p = ptrFromVirt<u8>(this.msrpm);
    const i = usize(slot >> 2);
    const shift = u8((slot & 3) * 2);
    let deny: u8 = 3;
    if ((perms & Perm_msr.R) !== 0) deny &= ~u8(1);
    if ((perms & Perm_msr.W) !== 0) deny &= ~u8(2);
    p.set(i, (p.get(i) & ~(u8(3) << shift)) | (deny << shift));
  }

  /** The permissions at slot `slot` (0 for CAP0 and for a slot ≥ 0x4000). */
  lookup(slot: u64): u32 {
    if (this.nova) return slot < MSR_SLOTS ? novaPerms(msrOf(slot)) : 0;
    return u32(this.table.cap(slot));
  }

  /** `perms` (a non-zero subset of R/W) at the empty slot `slot`: BAD_PAR, BAD_CAP, MEM_CAP. */
  insert(slot: u64, perms: u32, node: u64): u32 {
    assert(!this.nova, "space_msr: insert into the NOVA MSR space");
    if (slot >= MSR_SLOTS) return Status.BAD_PAR;
    assert(
      perms !== 0 && (perms & ~u32(Perm_msr.DEFINED)) === 0,
      "capability: permissions not defined for an MSR capability",
    );
    if (this.table.cap(slot) !== CAP0) return Status.BAD_CAP;
    if (!this.table.prepare(slot)) return Status.MEM_CAP;
    this.table.fill(slot, u64(perms), node);
    this.permit(slot, perms);
    return Status.SUCCESS;
  }

  /** Reduces the capability at `slot` to `cap` (a non-empty subset of its rights). */
  reduce(slot: u64, cap: u64): void {
    this.table.update(slot, cap);
    this.permit(slot, u32(cap));
  }

  /** Empties the capability at `slot` (which must have one): its MSR is intercepted again. */
  remove(slot: u64): void {
    this.table.clear(slot);
    this.permit(slot, 0);
  }

  /** Frees the space's memory once every slot is CAP0 (the mdb's destroy function). */
  free(): void {
    this.table.release();
    freeBytes(this.msrpm, MSRPM_BYTES, 4096);
    freeObject(this.hdr, sizeof<Space_msr>());
  }
}
