// Hypercalls: the SYSCALL/SYSRET setup (EFER.SCE, STAR, LSTAR, FMASK, the
// kernel stack for ring 3 entries) and the dispatcher that
// arch/x86_64/syscall.S calls with the user's registers in an ExceptionFrame.
//
// The ABI (../shared/docs/nova-abi.md §3): RDI[3:0] is the hypercall number,
// RDI[7:4] its flags, RDI[63:8] the first selector; the status goes back in
// RDI (the whole register, upper bits 0, as NOVA's sys_finish); RCX is the
// return RIP and R11 is 0x202 after every hypercall, and RFLAGS becomes 0x202.
// Dispatch is through a 16-entry table on RDI & 0xf, as NOVA's.
//
// Every hypercall of §4 has its entry; each lives with its object: ipc.ts
// (0x0, 0x1), here (create_pd 0x2 for PDs and OBJ, HST, PIO, MSR spaces, GST
// and DMA BAD_FTR; create_sm 0x6, ctrl_sm 0xb; assign_dev 0xe), ec.ts (0x3,
// 0x8), sc.ts (0x4, 0x9), pt.ts (0x5, 0xa), pd_ctrl.ts (0x7), ctrl_hw.ts
// (0xc), interrupt_sm.ts (0xd). 0xf is BAD_HYP by definition.

import {
  Perm_dma_sp,
  Perm_hst_sp,
  Perm_msr_sp,
  Perm_obj_sp,
  Perm_pd,
  Perm_pio_sp,
  Perm_sm,
} from "../abi/perms.ts";
import { Hypercall, PdOp, SM_D, SM_Z } from "../abi/hypercall.ts";
import { Status } from "../abi/status.ts";
import { Kind, perms } from "./capability.ts";
import * as hw from "./ctrl_hw.ts";
import * as ec from "./ec.ts";
import * as ecCtrl from "./ec_ctrl.ts";
import { ExceptionFrame } from "./frame.ts";
import * as gdt from "./gdt.ts";
import * as intsm from "./interrupt_sm.ts";
import * as ipc from "./ipc.ts";
import * as kstat from "./kstat.ts";
import { destroyNow, reap } from "./kobject.ts";
import { capObject, insertNew } from "./lookup.ts";
import * as mdb from "./mdb.ts";
import * as pd from "./pd_ctrl.ts";
import * as klock from "./klock.ts";
import * as percpu from "./percpu.ts";
import { Pd } from "./pd.ts";
import * as pt from "./pt.ts";
import * as sc from "./sc.ts";
import { Sm } from "./sm.ts";
import { Space_hst } from "./space_hst.ts";

// MSRs (Intel SDM Vol. 4 Table 2-2; AMD APM Vol. 2 §6.1.1).
const MSR_EFER: u32 = 0xc000_0080;
const MSR_STAR: u32 = 0xc000_0081;
const MSR_LSTAR: u32 = 0xc000_0082;
const MSR_FMASK: u32 = 0xc000_0084;
const EFER_SCE: u64 = 1 << 0;

// RFLAGS bits SYSCALL clears: IF (no interrupt before the stack switch), DF
// (the SysV ABI's direction), TF (no single-step trap on the user stack), AC
// (SMAP stays in force in the kernel), NT (in 64-bit mode an IRETQ with NT set
// raises #GP: the kernel's next IRETQ, to ring 0 after an interrupt or to
// another EC, would fault). Interrupts and exceptions clear TF, NT and RF
// themselves (SDM Vol. 3A §6.12.1.3), so SYSCALL is the only way in with the
// user's NT, and SYSRETQ and IRETQ load RFLAGS from the frame the kernel
// built (USER_RFLAGS, or a handler's reply sanitized by event.ts).
const RFLAGS_TF: u64 = 1 << 8;
const RFLAGS_IF: u64 = 1 << 9;
const RFLAGS_DF: u64 = 1 << 10;
const RFLAGS_NT: u64 = 1 << 14;
const RFLAGS_AC: u64 = 1 << 18;
export const FMASK: u64 = RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC;

/** The vector field syscall.S writes into a hypercall's frame (no real vector has it). */
export const SYSCALL_VECTOR: u64 = 256;

/** RDI as §3 splits it. */
export class HypercallId {
  /** RDI[3:0] */
  number: u32;
  /** RDI[7:4] */
  flags: u32;
  /** RDI[63:8]: the first selector or descriptor */
  sel: u64;
}

/** Splits RDI into number, flags and selector. */
export function decode(rdi: u64, out: HypercallId): void {
  out.number = u32(rdi & 0xf);
  out.flags = u32((rdi >> 4) & 0xf);
  out.sel = rdi >> 8;
}

/** A hypercall's implementation: reads its inputs from the frame, returns the status. */
type Handler = (f: ExceptionFrame, id: HypercallId) => Status;

/** 0xf: BAD_HYP by definition (§3); every other entry has its hypercall. */
function reservedHypercall(_f: ExceptionFrame, _id: HypercallId): Status {
  return Status.BAD_HYP;
}

/** 0x7: delegation (pd_ctrl.ts). */
function ctrlPd(f: ExceptionFrame, id: HypercallId): Status {
  return pd.ctrlPd(f, id.sel);
}

/**
 * 0x6 (§4.7): RSI the PD capability (SM permission), RDX the counter. The
 * semaphore is built before the slot is tried (NOVA's order, §4): an occupied
 * slot (or one ≥ SELNUM) is BAD_CAP and the new object is destroyed again.
 */
function createSm(f: ExceptionFrame, id: HypercallId): Status {
  if (capObject(f.rsi, Kind.PD, Kind.PD, Perm_pd.SM) === null) return Status.BAD_CAP;
  const s = Sm.create(f.rdx);
  if (s === null) return Status.MEM_OBJ;
  const st = insertNew(id.sel, structAddress(s), Perm_sm.DEFINED);
  if (st !== Status.SUCCESS) destroyNow(s.hdr);
  return st;
}

/** create_pd OPs at or above this are BAD_PAR (§4.3). */
const PD_OPS: u32 = PdOp.MSR + 1;

/**
 * 0x2 (§4.3): RSI the PD capability (PD permission), RDI[7:4] the OP. Order:
 * the PD capability (BAD_CAP), OP ≥ 7 (BAD_PAR), space kinds the kernel has
 * no objects for (GST, DMA: BAD_FTR), whether the space can bind (a second
 * OBJ or HST space, a first PIO space without a host space: ABORTED), the
 * object (MEM_OBJ), then the slot (BAD_CAP/MEM_CAP, the object destroyed).
 * OP 0's capability has the PD capability's permissions; an OBJ or HST space
 * gets 0x03, a PIO or MSR space 0x07. A PIO or MSR space beyond a PD's first
 * binds to nothing (as NOVA's spaces for vCPUs).
 */
function createPd(f: ExceptionFrame, id: HypercallId): Status {
  const objects = pd.currentObjects();
  if (objects === null) return Status.BAD_CAP;
  const pdCap = objects.lookup(f.rsi);
  const o = capObject(f.rsi, Kind.PD, Kind.PD, Perm_pd.PD);
  if (o === null) return Status.BAD_CAP;
  const target = structAt<Pd>(structAddress(o));
  const op = id.flags;
  if (op >= PD_OPS) return Status.BAD_PAR;
  if (op === PdOp.PD) {
    const p = Pd.create();
    if (p === null) return Status.MEM_OBJ;
    const st = insertNew(id.sel, structAddress(p), perms(pdCap));
    if (st !== Status.SUCCESS) destroyNow(p.hdr);
    return st;
  }
  if (op === PdOp.OBJ) {
    if (target.obj !== null) return Status.ABORTED;
    const s = mdb.newObjSpace();
    if (s === null) return Status.MEM_OBJ;
    const st = insertNew(id.sel, structAddress(s), Perm_obj_sp.DEFINED);
    if (st !== Status.SUCCESS) destroyNow(s.hdr);
    else target.bindObj(s);
    return st;
  }
  if (op === PdOp.HST) {
    if (target.hst !== null) return Status.ABORTED;
    const s = Space_hst.create();
    if (s === null) return Status.MEM_OBJ;
    const st = insertNew(id.sel, structAddress(s), Perm_hst_sp.DEFINED);
    if (st !== Status.SUCCESS) destroyNow(s.hdr);
    else target.bindHst(s);
    return st;
  }
  if (op === PdOp.MSR) {
    const s = mdb.newMsrSpace(false);
    if (s === null) return Status.MEM_OBJ;
    const st = insertNew(id.sel, structAddress(s), Perm_msr_sp.DEFINED);
    if (st !== Status.SUCCESS) destroyNow(s.hdr);
    else if (target.msr === null) target.bindMsr(s);
    return st;
  }
  if (op === PdOp.PIO) {
    if (target.pio === null && target.hst === null) return Status.ABORTED;
    const s = mdb.newPioSpace();
    if (s === null) return Status.MEM_OBJ;
    const st = insertNew(id.sel, structAddress(s), Perm_pio_sp.DEFINED);
    if (st !== Status.SUCCESS) destroyNow(s.hdr);
    else if (target.pio === null) target.bindPio(s);
    return st;
  }
  // GST (3) and DMA (4): no guest or DMA space objects until the virtualization and IOMMU work.
  return Status.BAD_FTR;
}

/**
 * 0xb (§4.12): up (CTRLUP) or down (CTRLDN) with the absolute TSC timeout
 * in RSI (0: none). A down that waits idles the CPU (sm.ts).
 */
function ctrlSm(f: ExceptionFrame, id: HypercallId): Status {
  const down = (id.flags & SM_D) !== 0;
  const need = down ? u32(Perm_sm.CTRL_DN) : u32(Perm_sm.CTRL_UP);
  const o = capObject(id.sel, Kind.SM, Kind.SM_INT, need);
  if (o === null) return Status.BAD_CAP;
  const s = structAt<Sm>(structAddress(o));
  if (!down) return s.up();
  if (o.kind === Kind.SM_INT) {
    const st = intsm.beforeDown(o);
    if (st !== Status.SUCCESS) return st;
  }
  return s.down(ec.current(), (id.flags & SM_Z) !== 0, f.rsi);
}

/** 0xc (§10.1, ctrl_hw.ts): root PD only. */
function ctrlHw(_f: ExceptionFrame, id: HypercallId): Status {
  return hw.ctrl(id.flags, id.sel, pd.currentObjects());
}

/**
 * 0xe (§10.5): root PD only (BAD_HYP); RDI[63:8] must be a DMA space with
 * ASSIGN (BAD_CAP); RSI an IOMMU's register base (BAD_DEV otherwise). DMA
 * spaces need the IOMMU work (create_pd OP 4 is BAD_FTR), so no capability
 * names one yet and the answer after the root check is BAD_CAP.
 */
function assignDev(_f: ExceptionFrame, id: HypercallId): Status {
  if (!hw.isRoot(pd.currentObjects())) return Status.BAD_HYP;
  if (capObject(id.sel, Kind.DMA_SP, Kind.DMA_SP, Perm_dma_sp.ASSIGN) === null)
    return Status.BAD_CAP;
  // No IOMMU driver knows a register base yet.
  return Status.BAD_DEV;
}

/** 0xd (§10.3, interrupt_sm.ts): the CPU is checked before the capability. */
function assignInt(f: ExceptionFrame, id: HypercallId): Status {
  const o = capObject(id.sel, Kind.SM_INT, Kind.SM_INT, Perm_sm.ASSIGN);
  return intsm.assign(f, id.flags, o);
}

const table = array<Handler, 16>();

/** The lowest non-canonical address above the user half (2^47). */
const NON_CANONICAL: u64 = 0x8000_0000_0000;
/** fault=sysret: the next hypercall returns to NON_CANONICAL (tests the IRETQ guard). */
let nonCanonicalNext = false;

/** Hypercall returns that took IRETQ because the return RIP was not canonical (syscall.S). */
export function iretReturns(): u64 {
  return ptrFromVirt<u64>(linkerSymbol("syscall_iret_returns")).load();
}

/** Makes the next hypercall return to a non-canonical RIP (fault.ts, `fault=sysret`). */
export function returnNonCanonicalOnce(): void {
  nonCanonicalNext = true;
}
const decoded = new HypercallId();

/**
 * Called by syscall.S on the kernel stack with interrupts off; `f` is the
 * running EC's registers. Runs the hypercall and writes the §3 outputs into
 * the frame for SYSRET. A hypercall that blocks or switches ECs does not
 * come back here: its EC resumes through its continuation (ec.ts) with
 * RCX and R11 already set below.
 */
export function dispatch(f: ExceptionFrame): void {
  percpu.checkGs();
  // ipc_call and ipc_reply try the fast path first, without the global lock (klock.ts), unless
  // a slow path is in the kernel; a case it does not handle goes on as any other hypercall,
  // from the start.
  const number = u32(f.rdi & 0xf);
  if ((number === Hypercall.IPC_CALL || number === Hypercall.IPC_REPLY) && klock.enterFast()) {
    f.rcx = f.rip;
    f.r11 = ec.USER_RFLAGS;
    f.rflags = ec.USER_RFLAGS;
    if (number === Hypercall.IPC_CALL) ipc.fastCall(f, f.rdi >> 8);
    else ipc.fastReply(f);
    klock.fastToSlow();
  } else klock.enterFromUser();
  ec.dropIfDestroyed();
  run(f);
  // Straight back by SYSRET (syscall.S); every other way to ring 3 lets the lock go in ec.ts.
  klock.leaveToUser();
}

/** The hypercall in `f`, holding the kernel lock (dispatch, redo). */
function run(f: ExceptionFrame): void {
  // SYSRET takes RIP from RCX and RFLAGS from R11: both are the §3 outputs.
  f.rcx = f.rip;
  f.r11 = ec.USER_RFLAGS;
  f.rflags = ec.USER_RFLAGS;
  decode(f.rdi, decoded);
  const status = table[decoded.number](f, decoded);
  f.rdi = u64(status);
  if (nonCanonicalNext) {
    nonCanonicalNext = false;
    f.rip = NON_CANONICAL;
    f.rcx = NON_CANONICAL;
  }
  // Objects whose last reference went during the hypercall (not only through the mapping
  // database: a reply's unlink, a waiter's release) are destroyed before the statistics.
  // (Unmapped pages are shot down on the other CPUs when the lock goes: klock.leave.)
  reap();
  if (kstat.enabled) kstat.update();
  const e = ec.current();
  ec.maybePreempt(e, ec.retUserSysret);
  if (e.recall) ec.retUserSysret();
}

/** Continuation of an EC that helped a busy callee: its hypercall runs again (RDI and RSI are intact). */
export function redo(): never {
  run(ec.current().regs);
  ec.retUserSysret();
}

function ipcCall(f: ExceptionFrame, id: HypercallId): Status {
  return ipc.call(f, id.sel, id.flags);
}
function ipcReply(f: ExceptionFrame, id: HypercallId): Status {
  return ipc.reply(f, id.sel, id.flags);
}
function createEc(f: ExceptionFrame, id: HypercallId): Status {
  return ecCtrl.createEc(f, id.sel, id.flags);
}
function createSc(f: ExceptionFrame, id: HypercallId): Status {
  return sc.createSc(f, id.sel);
}
function createPt(f: ExceptionFrame, id: HypercallId): Status {
  return pt.createPt(f, id.sel);
}
function ctrlEc(_f: ExceptionFrame, id: HypercallId): Status {
  return ecCtrl.ctrlEc(id.sel, id.flags);
}
function ctrlSc(f: ExceptionFrame, id: HypercallId): Status {
  return sc.ctrlSc(f, id.sel);
}
function ctrlPt(f: ExceptionFrame, id: HypercallId): Status {
  return pt.ctrlPt(f, id.sel);
}

/** Fills the hypercall table and enables SYSCALL on the boot CPU. */
export function init(): void {
  for (let i: usize = 0; i < table.length; i++) table[i] = reservedHypercall;
  table[Hypercall.IPC_CALL] = ipcCall;
  table[Hypercall.IPC_REPLY] = ipcReply;
  table[Hypercall.CREATE_EC] = createEc;
  table[Hypercall.CREATE_SC] = createSc;
  table[Hypercall.CREATE_PT] = createPt;
  table[Hypercall.CTRL_EC] = ctrlEc;
  table[Hypercall.CTRL_SC] = ctrlSc;
  table[Hypercall.CTRL_PT] = ctrlPt;
  table[Hypercall.CREATE_PD] = createPd;
  table[Hypercall.CREATE_SM] = createSm;
  table[Hypercall.CTRL_PD] = ctrlPd;
  table[Hypercall.CTRL_SM] = ctrlSm;
  table[Hypercall.CTRL_HW] = ctrlHw;
  table[Hypercall.ASSIGN_DEV] = assignDev;
  table[Hypercall.ASSIGN_INT] = assignInt;
  enable();
}

/**
 * Enables SYSCALL on this CPU (the boot CPU, then each AP): ring 3 enters at
 * syscall_entry, which pushes the frame into the running EC (ec.ts
 * activate() sets where) and runs the kernel on this CPU's kernel stack.
 */
export function enable(): void {
  // STAR[47:32]: SYSCALL's CS (SS = CS + 8); STAR[63:48]: SYSRET's base, CS = base + 16
  // and SS = base + 8, RPL forced to 3: 0x10 gives the GDT's 0x23 and 0x1b.
  const sysretBase = u64(gdt.USER_DATA) - 8 - 3;
  wrmsr(MSR_STAR, (sysretBase << 48) | (u64(gdt.KERNEL_CODE) << 32));
  wrmsr(MSR_LSTAR, u64(linkerSymbol("syscall_entry")));
  wrmsr(MSR_FMASK, FMASK);
  wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
