// Portals (nova-abi.md §1.1, §4.6, §4.11): an entry point into a PD, bound
// for life to one local EC, with the entry IP, the portal id (PID) the
// callee receives in RDI and the MTD used for event delivery (§8).

import { Perm_ec, Perm_pd, Perm_pt } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind } from "./capability.ts";
import { Ec, State } from "./ec.ts";
import { ExceptionFrame } from "./frame.ts";
import { KObject, allocObject, destroyNow, freeObject, initObject, ref, unref } from "./kobject.ts";
import { capObject, insertNew } from "./lookup.ts";

export class Pt {
  hdr: Inline<KObject>;
  /** The local EC it is bound to (holds a reference). */
  ec: Ec;
  ip: u64;
  pid: u64;
  mtd: u32;
}

function destroyPt(o: KObject): void {
  const p = structAt<Pt>(structAddress(o));
  unref(p.ec.hdr);
  freeObject(p.hdr, sizeof<Pt>());
}

/**
 * create_pt (0x5, §4.6): RSI the PD (PT permission), RDX a local EC (BINDPT),
 * RAX the entry IP; PID and MTD start at 0. The EC checks come after the PD's
 * (NOVA's order); a dead EC is ABORTED; then the object (MEM_OBJ) and the slot.
 */
export function createPt(f: ExceptionFrame, sel: u64, _flags: u32): Status {
  if (capObject(f.rsi, Kind.PD, Kind.PD, Perm_pd.PT) === null) return Status.BAD_CAP;
  const eo = capObject(f.rdx, Kind.EC, Kind.EC, Perm_ec.BIND_PT);
  if (eo === null) return Status.BAD_CAP;
  const e = structAt<Ec>(structAddress(eo));
  if (e.global) return Status.BAD_CAP;
  if (e.state === State.DEAD) return Status.ABORTED;
  const va = allocObject(sizeof<Pt>());
  if (u64(va) === 0) return Status.MEM_OBJ;
  const p = structAt<Pt>(va);
  initObject(p.hdr, Kind.PT, destroyPt);
  ref(e.hdr);
  p.ec = e;
  p.ip = f.rax;
  const st = insertNew(sel, va, Perm_pt.DEFINED);
  if (st !== Status.SUCCESS) destroyNow(p.hdr);
  return st;
}

/**
 * ctrl_pt (0xa, §4.11): RSI the new PID, RDX[31:0] the new MTD; needs CTRL.
 * @inline
 */
export function ctrlPt(f: ExceptionFrame, sel: u64, _flags: u32): Status {
  const o = capObject(sel, Kind.PT, Kind.PT, Perm_pt.CTRL);
  if (o === null) return Status.BAD_CAP;
  const p = structAt<Pt>(structAddress(o));
  p.pid = f.rsi;
  p.mtd = u32(f.rdx & 0xffff_ffff);
  return Status.SUCCESS;
}

/** The portal `sel` names with all of `need`, or null. */
export function lookup(sel: u64, need: u32): Pt | null {
  const o = capObject(sel, Kind.PT, Kind.PT, need);
  return o === null ? null : structAt<Pt>(structAddress(o));
}
