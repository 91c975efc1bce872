// The protection domain object (nova-abi.md §1.1) and its hypercalls: a
// kernel object named by PD capabilities, holding the PD's spaces. Minimal
// today: root.ts builds the root PD with the root object, host and PIO spaces
// and puts a capability with all PD permissions at §9.4's SELNUM-3; create_pd
// (0x2) makes new PDs and binds OBJ, HST, PIO and MSR spaces to them. create_*
// take a PD capability to say whom a new object is charged to (§4); there is
// one allocator, so the PD is only checked, not charged (docs/user-mode.md).
//
// ctrl_pd (0x7, §4.8): delegation between the spaces the calling PD names by
// space capabilities in its object space. Decoding: RDI[63:8] the source
// space's selector, RSI the destination's, RDX = ssb << 12 | order (bits
// 4:0), RAX = dsb << 12 | pmm (bits 4:0); R8 (the MAD, §10.4) matters only
// for memory delegation from the NOVA host space. Checks, in NOVA's order
// (§12.10): bases not multiples of 2^order → BAD_PAR before any capability
// is looked at; then the source must be a space capability with TAKE and the
// destination one with GRANT, and the pair one the interface allows
// (OBJ→OBJ, HST→HST/GST/DMA, PIO→PIO, MSR→MSR), else BAD_CAP; then an
// invalid MAD from the NOVA host space (BAD_PAR); then the range (end beyond
// the space; for PIO and MSR ssb = dsb and, for MSR, inside one window:
// BAD_PAR) in mdb.delegate*, which copy with rights reduction, revoke with
// CAP0/pmm 0 (unmapping pages and invalidating the TLB for host spaces), and
// report MEM_CAP partial success.
//
// DMA spaces exist only with an IOMMU (iommu.ts; create_pd OP 4 is BAD_FTR
// otherwise); ctrl_pd into one changes the IOMMU's tables, and the IOTLB is
// invalidated before the call returns (tlb.sync). The running PD of each CPU, whose object
// space the lookups use, is current_pd.ts.

import { PdOp } from "../abi/hypercall.ts";
import { Perm_obj_sp, Perm_pd } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind, CAP0, definedPerms, object, perms } from "./capability.ts";
import * as currentPd from "./current_pd.ts";
import { ExceptionFrame } from "./frame.ts";
import { KObject, allocObject, destroyNow, freeObject, initObject, ref, unref } from "./kobject.ts";
import { capObject, insertNew } from "./lookup.ts";
import * as mdb from "./mdb.ts";
import { Space_obj } from "./space_obj.ts";
import { Space_pio } from "./space_pio.ts";
import { Ca, KIMAX, Space_hst } from "./space_hst.ts";
import { Space_msr } from "./space_msr.ts";
import * as iommu from "./iommu.ts";

export class Pd {
  hdr: Inline<KObject>;
  /** The PD's object space and PIO space (each holds a reference), or null before one is bound. */
  obj: Space_obj | null;
  pio: Space_pio | null;
  /** The host space (at most one; a first PIO space needs it) and the first MSR space. */
  hst: Space_hst | null;
  msr: Space_msr | null;
  /**
   * Unique for the kernel's life: the spaces a vCPU may be assigned (GST, PIO, MSR) name the
   * PD they were created for by it, which stays true after the PD is gone (an address would not).
   */
  serial: u64;
  /**
   * What keeps the PD's memory and spaces after its last capability went: its ECs (ec.ts),
   * until the PD's end takes them out, and the CPUs that have its tables loaded. Not
   * references: an EC of the PD holding one would keep the PD alive through the capabilities
   * in its own object space, and a CPU would keep the PD's running EC from ever ending.
   * Changed by fast paths too (a CPU loading the PD).
   */
  pins: Atomic<u32>;
  /** ec.ts's list of the PD's ECs: the first one's address (virt(0): none); this file cannot name Ec. */
  firstEc: Virt;

  /** A new PD without spaces and references, or null when memory is out. */
  static create(): Pd | null {
    const va = allocObject(sizeof<Pd>());
    if (u64(va) === 0) return null;
    const p = structAt<Pd>(va);
    initObject(p.hdr, Kind.PD, destroyPd);
    serials.last++;
    p.serial = serials.last;
    return p;
  }

  /** Binds the object space (a PD has at most one): false if it has one already. */
  bindObj(s: Space_obj): bool {
    if (this.obj !== null) return false;
    ref(s.hdr);
    this.obj = s;
    return true;
  }

  /** Binds the host space (at most one): false if it has one already. */
  bindHst(s: Space_hst): bool {
    if (this.hst !== null) return false;
    ref(s.hdr);
    this.hst = s;
    return true;
  }

  /** Binds the first MSR space (later ones bind to nothing, for vCPUs): false if it has one. */
  bindMsr(s: Space_msr): bool {
    if (this.msr !== null) return false;
    ref(s.hdr);
    this.msr = s;
    return true;
  }

  /** Binds the PIO space (at most one): false if it has one already. */
  bindPio(s: Space_pio): bool {
    if (this.pio !== null) return false;
    ref(s.hdr);
    this.pio = s;
    return true;
  }
}

class Serials {
  last: u64;
}
const serials = new Serials();

class Hooks {
  /** Ends the PD's ECs (pd_end.ts): they never run again, what waits for them is told, and they leave the PD. */
  endEcs: (p: Pd) => void;
}
const hooks = new Hooks();

/** Installs what ends a dying PD's ECs (init.ts). */
export function onEnd(endEcs: (p: Pd) => void): void {
  hooks.endEcs = endEcs;
}

/**
 * The last capability naming the PD went (its references are capabilities and the kernel's
 * hold on the root PD): the PD ends at once, whatever still runs in it. Its ECs die and leave
 * it (pd_end.ts). Its spaces are left to their own capabilities (a space outlives its PD),
 * with the PD's memory, once no CPU has its tables loaded any more.
 */
function destroyPd(o: KObject): void {
  const p = structAt<Pd>(structAddress(o));
  // Pinned meanwhile, so that the last EC to leave does not free it under the walk.
  pin(p);
  hooks.endEcs(p);
  unpin(p);
}

/** Pins the PD (an EC made in it, a CPU loading its tables). */
export function pin(p: Pd): void {
  p.pins.add(1);
}

/**
 * Drops a pin: the last one of a PD whose capabilities went frees it. That happens only on
 * the slow path: a fast path never loads another PD over a dead one (ec.ts activatesFast).
 */
export function unpin(p: Pd): void {
  const before = p.pins.sub(1);
  assert(before !== 0, "pd: pin count underflow");
  if (before === 1 && p.hdr.dead !== 0) release(p);
}

/** Drops the spaces' references and frees the PD. */
function release(p: Pd): void {
  const obj = p.obj;
  if (obj !== null) unref(obj.hdr);
  const pio = p.pio;
  if (pio !== null) unref(pio.hdr);
  const hst = p.hst;
  if (hst !== null) unref(hst.hdr);
  const msr = p.msr;
  if (msr !== null) unref(msr.hdr);
  p.obj = null;
  p.pio = null;
  p.hst = null;
  p.msr = null;
  freeObject(p.hdr, sizeof<Pd>());
}

/** create_pd OPs at or above this are BAD_PAR (§4.3). */
const PD_OPS: u32 = PdOp.MSR + 1;

/**
 * 0x2 (§4.3): RSI the PD capability (PD permission), RDI[7:4] the OP. Order:
 * the PD capability (BAD_CAP), OP ≥ 7 (BAD_PAR), the space kind the kernel has
 * no objects for (DMA without an IOMMU: BAD_FTR), whether the space can bind (a second
 * OBJ or HST space, a first PIO space without a host space: ABORTED), the
 * object (MEM_OBJ), then the slot (BAD_CAP/MEM_CAP, the object destroyed).
 * OP 0's capability has the PD capability's permissions; an OBJ or HST space
 * gets 0x03, a GST space 0x05, a PIO or MSR space 0x07. A GST space, and a PIO
 * or MSR space beyond a PD's first, binds to nothing (as NOVA's spaces for vCPUs).
 */
export function createPd(f: ExceptionFrame, sel: u64, op: u32): Status {
  const objects = currentPd.currentObjects();
  if (objects === null) return Status.BAD_CAP;
  const pdCap = objects.lookup(f.rsi);
  const o = capObject(f.rsi, Kind.PD, Kind.PD, Perm_pd.PD);
  if (o === null) return Status.BAD_CAP;
  const target = structAt<Pd>(structAddress(o));
  if (op >= PD_OPS) return Status.BAD_PAR;
  if (op === PdOp.PD) {
    const p = Pd.create();
    if (p === null) return Status.MEM_OBJ;
    const st = insertNew(sel, structAddress(p), perms(pdCap));
    if (st !== Status.SUCCESS) destroyNow(p.hdr);
    return st;
  }
  if (op === PdOp.OBJ) {
    if (target.obj !== null) return Status.ABORTED;
    const s = mdb.newObjSpace();
    const st = insertSpace(sel, s === null ? null : s.hdr);
    if (st === Status.SUCCESS && s !== null) target.bindObj(s);
    return st;
  }
  if (op === PdOp.HST) {
    if (target.hst !== null) return Status.ABORTED;
    const s = Space_hst.create();
    const st = insertSpace(sel, s === null ? null : s.hdr);
    if (st === Status.SUCCESS && s !== null) target.bindHst(s);
    return st;
  }
  if (op === PdOp.MSR) {
    const s = mdb.newMsrSpace(false);
    if (s !== null) s.owner = target.serial;
    const st = insertSpace(sel, s === null ? null : s.hdr);
    if (st === Status.SUCCESS && s !== null && target.msr === null) target.bindMsr(s);
    return st;
  }
  if (op === PdOp.PIO) {
    if (target.pio === null && target.hst === null) return Status.ABORTED;
    const s = mdb.newPioSpace();
    if (s !== null) s.owner = target.serial;
    const st = insertSpace(sel, s === null ? null : s.hdr);
    if (st === Status.SUCCESS && s !== null && target.pio === null) target.bindPio(s);
    return st;
  }
  if (op === PdOp.GST) {
    // Many per PD, bound to none: a vCPU gets its guest space from its handler's reply (§1.2).
    // SUCCESS also on a CPU without SVM or VMX, as NOVA (§13.12).
    const s = Space_hst.createGuest();
    if (s !== null) s.owner = target.serial;
    return insertSpace(sel, s === null ? null : s.hdr);
  }
  // DMA (4): many per PD, bound to none (devices come with assign_dev); only with an IOMMU.
  if (!iommu.enabled()) return Status.BAD_FTR;
  const s = iommu.newSpace();
  if (s !== null) s.owner = target.serial;
  return insertSpace(sel, s === null ? null : s.hdr);
}

/**
 * Puts the new space `s` (null: memory was out, MEM_OBJ) into slot `sel` with its kind's
 * permissions (§4.3); a slot that fails (BAD_CAP, MEM_CAP) destroys it again.
 */
function insertSpace(sel: u64, s: KObject | null): u32 {
  if (s === null) return Status.MEM_OBJ;
  const st = insertNew(sel, structAddress(s), definedPerms(s.kind));
  if (st !== Status.SUCCESS) destroyNow(s);
  return st;
}

/** GRANT (destination) and TAKE (source) have the same bits in every space kind that has them. */
const GRANT: u32 = Perm_obj_sp.GRANT;
const TAKE: u32 = Perm_obj_sp.TAKE;

/** Whether `kind` is a space. */
function isSpace(kind: u32): bool {
  return kind >= Kind.OBJ_SP && kind <= Kind.MSR_SP;
}

/** Whether the interface allows delegation from a `src` space to a `dst` space (§4.8). */
function pairAllowed(src: u32, dst: u32): bool {
  if (src === Kind.OBJ_SP) return dst === Kind.OBJ_SP;
  if (src === Kind.HST_SP) return dst === Kind.HST_SP || dst === Kind.GST_SP || dst === Kind.DMA_SP;
  if (src === Kind.PIO_SP) return dst === Kind.PIO_SP;
  if (src === Kind.MSR_SP) return dst === Kind.MSR_SP;
  return false;
}

/** The space a capability names, or null for CAP0, an object that is no space, or missing `need`. */
function space(cap: u64, need: u32): KObject | null {
  if (cap === CAP0 || (perms(cap) & need) !== need) return null;
  const o = structAt<KObject>(object(cap));
  return isSpace(o.kind) ? o : null;
}

/** The MAD's cache attribute (bits 2:0) and key id (bits 17:3), §10.4. */
const MAD_CA: u64 = 0x7;
const MAD_KI_SHIFT: u64 = 3;
const MAD_KI: u64 = 0x7fff;

/** HST→HST: from the NOVA host space the MAD must be valid (CA < 5, KI ≤ KIMAX), else BAD_PAR. */
function ctrlHst(
  src: Space_hst,
  ssb: u64,
  dst: Space_hst,
  dsb: u64,
  order: u32,
  pmm: u32,
  mad: u64,
): u32 {
  const ca = u32(mad & MAD_CA);
  const ki = u32((mad >> MAD_KI_SHIFT) & MAD_KI);
  if (src.nova && (ca >= Ca.COUNT || ki > KIMAX)) return Status.BAD_PAR;
  return mdb.delegateHst(src, ssb, dst, dsb, order, pmm, src.nova ? ca : 0);
}

/** 0x7 (§4.8), the ctrl_pd hypercall: `srcSel` is RDI[63:8]; the rest comes from the frame. */
export function ctrlPd(f: ExceptionFrame, srcSel: u64, _flags: u32): Status {
  const dstSel = f.rsi;
  const ssb = f.rdx >> 12;
  const order = u32(f.rdx & 0x1f);
  const dsb = f.rax >> 12;
  const pmm = u32(f.rax & 0x1f);
  const mask = (u64(1) << order) - 1;
  if ((ssb & mask) !== 0 || (dsb & mask) !== 0) return Status.BAD_PAR;
  const objects = currentPd.currentObjects();
  if (objects === null) return Status.BAD_CAP;
  const src = space(objects.lookup(srcSel), TAKE);
  const dst = space(objects.lookup(dstSel), GRANT);
  if (src === null || dst === null || !pairAllowed(src.kind, dst.kind)) return Status.BAD_CAP;
  let st: u32 = Status.BAD_CAP;
  if (src.kind === Kind.OBJ_SP) {
    st = mdb.delegate(
      structAt<Space_obj>(structAddress(src)),
      ssb,
      structAt<Space_obj>(structAddress(dst)),
      dsb,
      order,
      pmm,
    );
  } else if (src.kind === Kind.HST_SP) {
    const s = structAt<Space_hst>(structAddress(src));
    st = ctrlHst(s, ssb, structAt<Space_hst>(structAddress(dst)), dsb, order, pmm, f.r8);
  } else if (src.kind === Kind.MSR_SP) {
    st = mdb.delegateMsr(
      structAt<Space_msr>(structAddress(src)),
      ssb,
      structAt<Space_msr>(structAddress(dst)),
      dsb,
      order,
      pmm,
    );
  } else if (src.kind === Kind.PIO_SP) {
    st = mdb.delegatePio(
      structAt<Space_pio>(structAddress(src)),
      ssb,
      structAt<Space_pio>(structAddress(dst)),
      dsb,
      order,
      pmm,
    );
  }
  // Ports delegated or revoked reach every CPU's TSS on the way out (tlb.settleIoBitmaps).
  return st;
}
