// Events of host ECs (nova-abi.md §8): exceptions from ring 3, STARTUP and
// RECALL, delivered as calls to the affected EC's event portals. Event n
// goes to the portal at selector EVT + n in the affected EC's own object
// space; it must be a PT capability with EVENT, bound to an EC on the same
// CPU, else the affected EC dies. A busy handler is helped (as ipc_call
// does), a dead one kills the affected EC.
//
// The handler gets RDI = PID, RSI = the portal's MTD and, in its UTCB, the
// state that MTD selects (§6.3, host bits: GPR0-7 with RSP, GPR8-15, RFLAGS,
// RIP, QUAL = error code and CR2). Its ipc_reply MTD selects what is written
// back (RFLAGS sanitized as NOVA does, §6.3); POISON kills the affected EC,
// which otherwise resumes by IRETQ with its (possibly changed) registers.
//
// Also here, as delivery and they reach each other: the continuations back
// to ring 3 (retUserSysret, retUserIret), which deliver a pending RECALL
// (ctrl_ec, §4.9) before they return; a portal's entry (enterPortal, for IPC
// calls as for events), where the handler starts by retUserSysret; and
// kill() (§8.1: a dead EC's caller gets ABORTED by retUserSysret), with the
// root EC's end. In ec.ts they would make ec.ts and this file import each
// other.

import { ArchUtcb } from "../abi/arch_utcb.ts";
import { GST_RECALL, GST_STARTUP, HST_RECALL, HST_STARTUP, SEL_HST_ARCH } from "../abi/events.ts";
import { MTD_GPR0_7, MTD_GPR8_15, MTD_POISON, MTD_QUAL, MTD_RFLAGS, MTD_RIP } from "../abi/mtd.ts";
import { USER_RFLAGS } from "../abi/hypercall.ts";
import { Perm_pt } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind, CAP0, object, perms } from "./capability.ts";
import { Cont, Ec, State } from "./ec.ts";
import * as ec from "./ec.ts";
import { ExceptionFrame } from "./frame.ts";
import * as exceptions from "./exceptions.ts";
import * as klock from "./klock.ts";
import { KObject } from "./kobject.ts";
import { Pt } from "./pt.ts";
import * as sc from "./sc.ts";
import { Hazard } from "./hazard.ts";
import * as currentPd from "./current_pd.ts";
import * as utcb from "./utcb.ts";
import * as vcpu from "./vcpu.ts";
import { Vcpu } from "./vcpu.ts";

/** #NM: the lazy FPU switch's trap (ec.ts claimFpu). */
const VECTOR_NM: u64 = 7;

/** The EC's event portal for `n` if it is usable (PT, EVENT, same CPU), else null. */
function portal(e: Ec, n: u32): Pt | null {
  const objects = e.pd.obj;
  if (objects === null) return null;
  const cap = objects.lookup(e.evt + u64(n));
  if (cap === CAP0 || (perms(cap) & Perm_pt.EVENT) === 0) return null;
  const o = structAt<KObject>(object(cap));
  if (o.kind !== Kind.PT) return null;
  const p = structAt<Pt>(structAddress(o));
  return p.ec.cpu === e.cpu ? p : null;
}

function name(e: Ec, n: u32): str {
  if (e.vcpu !== null) {
    if (n === GST_STARTUP) return "vCPU STARTUP";
    if (n === GST_RECALL) return "vCPU RECALL";
    return "a VM exit";
  }
  if (n === HST_STARTUP) return "STARTUP";
  if (n === HST_RECALL) return "RECALL";
  return exceptions.mnemonic(u64(n));
}

/**
 * Delivers event `n` of the running EC `e` (its registers are in e.regs):
 * to the handler, to a busy handler's chain (helping, retried), or kills
 * `e`. Never returns.
 */
function deliver(e: Ec, n: u32): never {
  const p = portal(e, n);
  if (p === null) {
    log(`EC: no usable event portal at selector ${hex(e.evt + u64(n))} for ${name(e, n)}`);
    die(e, n);
  }
  const h = p.ec;
  if (h.state === State.DEAD) {
    log(`EC: the event handler for ${name(e, n)} is dead`);
    die(e, n);
  }
  if (h === e) {
    log(`EC: the event handler for ${name(e, n)} is the EC itself`);
    die(e, n);
  }
  if (ec.busy(h)) {
    // Help the handler's chain on this SC; retry when it is free.
    e.pendingEvent = n;
    ec.setHelping(e, h);
    e.cont = retry;
    sc.preempt();
  }
  const mtd = p.mtd;
  save(e, n, structAt<ArchUtcb>(h.utcb), mtd);
  ec.link(e, h, true);
  enterPortal(h, p.pid, mtd, p.ip);
}

/**
 * deliver() of a vCPU's exit from the fast path (klock.ts): to an idle handler on this CPU
 * that activates fast, which runs at once by SYSRET. Returns, having changed nothing, for
 * every other case (the slow path delivers it then, with its helping and killing).
 */
function deliverFast(e: Ec, n: u32): void {
  if (!ec.continuesFast(e)) return;
  const p = portal(e, n);
  if (p === null) return;
  const h = p.ec;
  if (h === e || !ec.takesCallFast(h) || !canonical(p.ip)) return;
  const mtd = p.mtd;
  save(e, n, structAt<ArchUtcb>(h.utcb), mtd);
  ec.link(e, h, true);
  enterPortalFast(h, p.pid, mtd, p.ip);
}

/** Kills `e` for event `n` (§8.1) and lets its SC find what runs next. */
function die(e: Ec, n: u32): never {
  kill(e, name(e, n));
  sc.preempt();
}

/** Continuation of an EC that helped a busy handler: delivers its event again. */
function retry(): never {
  const e = ec.current();
  deliver(e, e.pendingEvent);
}

/** Continuation of a new global EC: its first dispatch is its STARTUP event (§8.4). */
export function startup(): never {
  deliver(ec.current(), HST_STARTUP);
}

/** A recalled EC on its way back to ring 3 (§4.9): the RECALL event instead. */
export function recall(e: Ec, _afterHypercall: bool): never {
  e.hazard &= ~u32(Hazard.RECALL);
  deliver(e, HST_RECALL);
}

/** An exception from ring 3 in the running EC (exceptions.ts): its event. */
export function exception(f: ExceptionFrame): void {
  const e = ec.current();
  // The #GP of the IRETQ to ring 3 comes with its frame on the kernel stack.
  if (structAddress(f) !== structAddress(e.regs)) copyFrame(f, e.regs);
  deliver(e, u32(f.vector));
}

function copyFrame(from: ExceptionFrame, to: ExceptionFrame): void {
  const src = ptrFromVirt<u64>(structAddress(from));
  const dst = ptrFromVirt<u64>(structAddress(to));
  for (let i: usize = 0; i < sizeof<ExceptionFrame>() / 8; i++) dst.set(i, src.get(i));
}

/** The state `mtd` selects, from e's registers into the handler's UTCB. */
function save(e: Ec, n: u32, a: ArchUtcb, mtd: u32): void {
  const r = e.regs;
  if ((mtd & MTD_GPR0_7) !== 0) utcb.copyGprs(r, a, 0, true);
  if ((mtd & MTD_GPR8_15) !== 0) utcb.copyGprs(r, a, 1, true);
  if ((mtd & MTD_RFLAGS) !== 0) a.rflags = r.rflags;
  if ((mtd & MTD_RIP) !== 0) a.rip = r.rip;
  const v = e.vcpu;
  if (v !== null) {
    vcpu.save(v, a, mtd, n);
    return;
  }
  if ((mtd & MTD_QUAL) !== 0) {
    const isException = n < SEL_HST_ARCH;
    a.qual[0] = isException ? r.error : 0;
    // CR2 only for a page fault: the entry saves CR2 for every vector, and for any other
    // exception it is the CPU's last page-fault address, which may be another PD's.
    a.qual[1] = u64(n) === exceptions.VECTOR_PAGE_FAULT ? r.cr2 : 0;
    a.qual[2] = 0;
  }
}

// RFLAGS a host handler may set (§6.3, NOVA): CF PF AF ZF SF TF DF OF ID from
// the UTCB; AC, IF and bit 1 forced on; VM, RF, NT, IOPL, VIF, VIP cleared.
const RFLAGS_WRITABLE: u64 = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x20_0000;
const RFLAGS_FORCED: u64 = 0x2 | 0x200 | 0x4_0000;

/**
 * The reply to an event of `e` (ipc.ts): the state `mtd` selects, from the
 * handler's UTCB page `page` into e's registers (and a vCPU's guest state);
 * POISON kills `e`. A host EC is released to resume by IRETQ, a vCPU to
 * enter its guest again. Runs on the replying handler (its object space
 * names the spaces of a vCPU's MTD SPACES).
 */
export function writeBack(e: Ec, page: Virt, mtd: u32): void {
  if ((mtd & MTD_POISON) !== 0) {
    kill(e, "POISON in its event handler's reply");
    return;
  }
  const a = structAt<ArchUtcb>(page);
  const r = e.regs;
  if ((mtd & MTD_GPR0_7) !== 0) utcb.copyGprs(r, a, 0, false);
  if ((mtd & MTD_GPR8_15) !== 0) utcb.copyGprs(r, a, 1, false);
  if ((mtd & MTD_RIP) !== 0) r.rip = a.rip;
  const v = e.vcpu;
  if (v !== null) {
    // A guest's RFLAGS are its own: VMRUN refuses what the CPU does not accept (event 0xfd).
    if ((mtd & MTD_RFLAGS) !== 0) r.rflags = a.rflags;
    vcpu.load(v, a, mtd, currentPd.currentObjects());
    ec.release(e, enterGuest);
    return;
  }
  if ((mtd & MTD_RFLAGS) !== 0) r.rflags = (a.rflags & RFLAGS_WRITABLE) | RFLAGS_FORCED;
  ec.release(e, retUserIret);
}

// ---- vCPUs: the way into the guest ----

/** Continuation of a new vCPU: its first dispatch is its STARTUP event (§8.4). */
export function startupGuest(): never {
  const e = ec.current();
  vcpu.startup(e.regs);
  deliver(e, GST_STARTUP);
}

/**
 * Continuation of a vCPU: into its guest (vcpu.ts run), and around again
 * after each exit the kernel handles itself (a host interrupt, taken here);
 * any other exit is the vCPU's event. A vCPU without valid spaces dies here
 * (§13.1); a pending recall is its RECALL event first (§13.10).
 */
export function enterGuest(): never {
  const e = ec.current();
  const v = e.vcpu;
  if (v === null) panic("event: a host EC entering a guest");
  for (;;) {
    if (v.illegal) {
      kill(
        e,
        v.badApic
          ? "MTD APIC named no page of its guest space"
          : "no valid MTD SPACES assignment before its guest runs",
      );
      sc.preempt();
    }
    if ((e.hazard & u32(Hazard.RECALL)) !== 0) {
      e.hazard &= ~u32(Hazard.RECALL);
      deliver(e, GST_RECALL);
    }
    ec.maybePreempt(e, enterGuest);
    runGuest(e, v);
  }
}

/**
 * One run of the guest; returns after an exit the kernel consumed (the interrupt taken). An
 * exit that is an event goes to its handler on the fast path where it can (deliverFast), as
 * an IPC call does, else on the slow path.
 */
function runGuest(e: Ec, v: Vcpu): void {
  vcpu.prepare(v);
  ec.claimFpu(e);
  klock.leaveToUser();
  const n = vcpu.run(v, e.regs);
  if (n !== vcpu.CONSUMED && n !== vcpu.FAILED && klock.enterFast()) {
    deliverFast(e, n);
    klock.fastToSlow();
  } else klock.enterFromUser();
  ec.dropIfDestroyed();
  if (n === vcpu.FAILED) {
    kill(e, "VMLAUNCH/VMRESUME refused its controls");
    sc.preempt();
  }
  if (n !== vcpu.CONSUMED) deliver(e, n);
  // The host interrupt that ended the run waits in the local APIC: the kernel takes it now,
  // as the idle loop does (exceptions.ts, ring 0). STI's shadow covers the NOP. (Not PAUSE:
  // QEMU's TCG leaves the shadow on across it, and the interrupt would wait for ever.)
  sti();
  nop();
  cli();
}

/** exceptions.ts's hook for an exception from ring 3: a lazy FPU switch, or the EC's event. */
export function userFault(f: ExceptionFrame): void {
  const e = ec.current();
  if (f.vector === VECTOR_NM && structAddress(f) === structAddress(e.regs) && ec.claimFpu(e))
    return;
  exception(f);
}

/**
 * exceptions.ts's hook after an interrupt taken in ring 3: another SC may
 * run first, and a recall (another CPU's ctrl_ec and its IPI) is delivered.
 */
export function userInterrupted(_f: ExceptionFrame): void {
  const e = ec.current();
  ec.maybePreempt(e, retUserIret);
  if ((e.hazard & u32(Hazard.RECALL)) !== 0) retUserIret();
}

// ---- portal entry (for IPC calls as for events) ----

/**
 * Runs `h` at a portal's entry (§4.2): RDI = the portal's PID, RSI = `mtd`,
 * RIP = the portal IP, and RCX and R11 as after any hypercall (RCX = RIP,
 * R11 = RFLAGS = 0x202), also when it leaves by IRETQ (a recall raised on
 * the way). The caller linked `h` to its caller.
 */
export function enterPortal(h: Ec, pid: u64, mtd: u32, ip: u64): never {
  setPortalEntry(h, pid, mtd, ip);
  ec.activate(h);
}

/** enterPortal() from the IPC fast path (activateFast: activatesFast(h) holds). */
export function enterPortalFast(h: Ec, pid: u64, mtd: u32, ip: u64): never {
  setPortalEntry(h, pid, mtd, ip);
  ec.activateFast(h);
}

function setPortalEntry(h: Ec, pid: u64, mtd: u32, ip: u64): void {
  const r = h.regs;
  r.rdi = pid;
  r.rsi = u64(mtd);
  r.rip = ip;
  r.rcx = ip;
  r.r11 = USER_RFLAGS;
  r.rflags = USER_RFLAGS;
  // create_pt takes any IP; SYSRETQ must never see a non-canonical one (syscall.S).
  ec.release(h, canonical(ip) ? retUserSysret : retUserNonCanonical);
}

/**
 * Whether `ip` is canonical (bits 63:47 all equal), so that SYSRETQ may return to it: it does
 * not test it (syscall.S), so every writer of a RIP that leaves by SYSRETQ asks this first.
 */
export function canonical(ip: u64): bool {
  const top = ip >> 47;
  return top === 0 || top === 0x1_ffff;
}

// ---- the ways back to ring 3 ----

/** Continuation: back to ring 3 after a hypercall (the status is in RDI already). */
export function retUserSysret(): never {
  const e = ec.current();
  if ((e.hazard & u32(Hazard.RECALL)) !== 0) recall(e, true);
  klock.leaveToUser();
  returnBySysret(structAddress(e.regs));
}

/** Continuation: back to ring 3 with every register from the frame (after an exception, interrupt, event reply). */
export function retUserIret(): never {
  const e = ec.current();
  if ((e.hazard & u32(Hazard.RECALL)) !== 0) recall(e, false);
  klock.leaveToUser();
  enterUser(structAddress(e.regs));
}

/**
 * Continuation: back to ring 3 at a non-canonical RIP, by IRETQ, whose #GP the kernel takes on
 * its own stack and turns into a fault of the EC (exceptions.ts); counted.
 */
export function retUserNonCanonical(): never {
  global.iretReturns.add(1, Order.RELAXED);
  retUserIret();
}

/** Returns to ring 3 that took IRETQ because the RIP was not canonical. */
export function iretReturns(): u64 {
  return global.iretReturns.load(Order.RELAXED);
}

// ---- death (§8.1) ----

class Global {
  /** What runs when the root EC dies (init.ts: the end of the boot log). */
  rootGone: Cont;
  /** Returns to ring 3 that took IRETQ because their RIP was not canonical (retUserNonCanonical). */
  iretReturns: Atomic<u64>;
}
const global = new Global();

/** What runs when the root EC dies (init.ts). */
export function init(rootGone: Cont): void {
  global.rootGone = rootGone;
}

/**
 * Kills `e` (an exception without a usable handler, a POISON reply, §8.1):
 * it never runs again. A caller it served gets ABORTED; if that caller was
 * an EC whose event it handled, that EC dies too (§8.1: dead handler). The
 * root EC's death ends the boot (init.ts).
 */
export function kill(e: Ec, what: str): void {
  killChain(e, what, true);
}

/**
 * `e` dies because its PD ended (pd_end.ts): as kill(), without a log line for it (the PD's
 * end was asked for), and whatever `e` called is left to finish without it.
 */
export function endWithPd(e: Ec): void {
  ec.orphanCallee(e);
  killChain(e, "its PD ended", false);
}

function killChain(first: Ec, what: str, logFirst: bool): void {
  // Iterative: a chain of event handlers, each the handler of the one before, can be as long
  // as the user makes it, and every dead handler kills the EC whose event it handled.
  let e = first;
  let why = what;
  let logIt = logFirst;
  let rootDied = false;
  while (e.state !== State.DEAD) {
    e.state = State.DEAD;
    e.hazard |= u32(Hazard.DEAD);
    const r = e.regs;
    if (e.isRoot) {
      rootDied = true;
      log(`EC: root EC killed: ${why} at ${hex(r.rip)} rdi ${hex(r.rdi)} rsi ${hex(r.rsi)}`);
    } else if (logIt)
      log(
        `EC: EC ${structAddress(e)} killed: ${why} at ${hex(r.rip)} rdi ${hex(r.rdi)} rsi ${hex(r.rsi)}`,
      );
    logIt = true;
    ec.setHelping(e, null);
    e.orphaned = false;
    const c = e.caller;
    if (c === null) {
      sc.unparkAll(e);
      break;
    }
    const wasEvent = e.eventCaller;
    ec.unlink(e);
    sc.unparkAll(e);
    if (!wasEvent) {
      c.regs.rdi = u64(Status.ABORTED);
      ec.release(c, retUserSysret);
      break;
    }
    e = c;
    why = "its event handler died";
  }
  if (rootDied) global.rootGone();
}
