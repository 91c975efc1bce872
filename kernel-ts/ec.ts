// Execution contexts (nova-abi.md §1.1, §4.4, §4.9): the threads of the
// kernel, in the style of NOVA's Ec. An EC owns its user registers (`regs`,
// an ExceptionFrame) and a continuation (`cont`): what runs when the EC is
// next activated. The kernel has one stack per CPU and keeps nothing on it
// between entries: a blocked EC is its registers plus a continuation, never
// a kernel stack, and activate() starts the continuation on a fresh stack.
// The continuations back to ring 3 (retUserSysret, retUserIret), a portal's
// entry and kill() are event.ts's: the way back delivers a pending RECALL
// event, so they build on this file, as events do.
//
// While an EC runs, its CPU's TSS.RSP0 and `syscallKernelRsp` point at the
// end of its `regs`, so the CPU and the entry code push the user state
// straight into the EC object: a switch copies no registers.
//
// CPUs: an EC is bound to one CPU for life (`cpu`) and runs only there;
// each CPU has its own running EC, FPU owner and kernel stack (EcCpu).
// Another CPU can still destroy an EC that runs (its last capability and SC
// revoked there): the memory stays until the EC's CPU switches away, as for
// an EC destroyed by its own hypercall.
//
// Kinds: a local EC (T=0) only runs when one of its portals is called, on
// the caller's SC; a global EC (T=1) runs on its own SCs, starting with a
// STARTUP event. A vCPU (G=1) runs like a global EC, but in a guest: it has
// no UTCB, its `regs` hold the guest's general registers and `vcpu` the rest
// (vcpu.ts); its way back is event.ts enterGuest, not ring 3.
//
// Chains: `callee` is the EC this one called and waits for; `caller` the EC
// whose call (or event) this one serves; `helping` the busy EC this one
// helps (it retries its call when that EC is free). resolve() follows the
// links to the EC an SC actually runs (sc.ts). References: `callee` and
// `helping` hold one on the EC they name, so nothing a chain runs is freed
// under it. `caller` holds none: a caller that nothing else names any more
// (no capability, no SC, no caller of its own) can never run or be seen again,
// and is destroyed; the EC that served it is then `orphaned`, still busy until
// it replies (to no one), so that helpers can finish its call. A back
// reference would keep both alive for as long as the callee waits.
//
// PDs: an EC pins its PD (pd.ts) and is on the PD's list of ECs until it is
// destroyed or its PD ends (pd_end.ts): then it dies, its UTCB leaves the
// PD's host space, and it lets go of the PD, which may go before the EC (a
// capability in some space may still name the dead EC).
//
// FPU: lazily switched. The EC whose state is in the FPU is the owner; every
// other EC runs with CR0.TS set, and its first FPU instruction (#NM) moves
// the state (an EC created without F gets the #NM as an event instead).

import { EC_S, USER_RFLAGS } from "../abi/hypercall.ts";
import { Perm_ec } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind } from "./capability.ts";
import { ExceptionFrame } from "./frame.ts";
import * as fpu from "./fpu.ts";
import * as gdt from "./gdt.ts";
import * as kmem from "./kmem.ts";
import {
  KObject,
  allocBytes,
  allocObject,
  destroyNow,
  freeBytes,
  freeObject,
  initObject,
  reap,
  ref,
  refUncontended,
  refs,
  unref,
  unrefUncontended,
} from "./kobject.ts";
import { Pd } from "./pd.ts";
import * as pd from "./pd.ts";
import * as currentPd from "./current_pd.ts";
// ec.ts and sc.ts import each other, and must: the two objects name each other (an SC is
// bound to an EC, Sc.ec; SCs park on the EC their chain ends in, Ec.parked), the scheduler
// activates ECs (sc.schedule → resolve, activate, idle) and an EC that blocks, is released or
// dies hands its SCs back to it (block → sc.block, release → sc.unparkAll). So do NOVA's Ec
// and Sc. Apart, one of the types would be an untyped address, and the switch between ECs
// would go through function pointers.
import { Sc } from "./sc.ts";
import * as sc from "./sc.ts";
import { Timer } from "./timer.ts";
import * as tss from "./tss.ts";
import * as klock from "./klock.ts";
import * as percpu from "./percpu.ts";
import * as tlb from "./tlb.ts";
import * as ipi from "./ipi.ts";
import { capObject } from "./lookup.ts";
import * as tsc from "./tsc.ts";
import { Hazard } from "./hazard.ts";
import * as vcpu from "./vcpu.ts";
import { Vcpu } from "./vcpu.ts";

const PAGE: u64 = 0x1000;
/** RFLAGS after reset: only the always-one bit 1. */
const RFLAGS_RESET: u64 = 0x2;
/** The XSAVE area's alignment (64; FXSAVE needs 16). */
const FPU_ALIGN: usize = 64;

export enum State {
  /** Has a continuation to run. */
  READY = 0,
  /** Waits: on a semaphore, for a call (an idle local EC), or forever (a global EC after ipc_reply). */
  BLOCKED = 1,
  /** Killed: never runs again. */
  DEAD = 2,
}

/** What runs when the EC is activated; never returns. The EC is `current()` then. */
export type Cont = () => never;

export class Ec {
  hdr: Inline<KObject>;
  cont: Cont;
  /**
   * The user registers: pushed here by the CPU and the entry code while the
   * EC runs. Their end must be 16-byte aligned: in 64-bit mode the CPU
   * aligns RSP0 down to 16 before it pushes an interrupt frame (SDM Vol. 3A
   * §6.14.2), so the frame would land 8 bytes low otherwise (layout below).
   */
  regs: Inline<ExceptionFrame>;
  pd: Pd;
  /**
   * The UTCB (a VMX vCPU's virtual-APIC page, vcpu.ts): its kernel address (direct map) and
   * where the PD sees it.
   */
  utcb: Virt;
  utcbUser: u64;
  cpu: u32;
  /** Event selector base (§8.1). */
  evt: u64;
  global: bool;
  /** FPU save area (virt(0): created without F), and whether it holds state yet. */
  fpu: Virt;
  fpuSaved: bool;
  state: u32;
  caller: Ec | null;
  callee: Ec | null;
  helping: Ec | null;
  /** Its caller was destroyed while it served the call: busy until it replies (to no one). */
  orphaned: bool;
  /** The caller waits for an event reply (exception, startup, recall), not a call's. */
  eventCaller: bool;
  /** The event the EC waits to have delivered (its vector), while it helps a busy handler. */
  pendingEvent: u32;
  /** The EC's own hazards (hazard.ts): RECALL, a RECALL event is due before it next returns to ring 3 (ctrl_ec). */
  hazard: u32;
  /** SCs parked on this EC until it can run again (sc.ts). */
  parked: Sc | null;
  /** Semaphore wait: the semaphore (sm.ts; virt(0) for none), the queue link and the timeout. */
  waitingOn: Virt;
  nextWaiter: Ec | null;
  timeout: Inline<Timer>;
  /** For log lines: the root EC is named so. */
  isRoot: bool;
  /** Whether it is its CPU's running EC now (destroyEc then leaves its memory to that CPU). */
  running: bool;
  /** The last resolve() walk that passed this EC (cycle detection). */
  walk: u64;
  /** A vCPU's guest state (vcpu.ts); null for a host EC. */
  vcpu: Vcpu | null;
  /** The PD's list of ECs (Pd.firstEc), while `inPd`; `pd` is not used any more after it left. */
  pdPrev: Ec | null;
  pdNext: Ec | null;
  inPd: bool;
}

// Objects are 32-byte aligned (capability.ts OBJ_ALIGN): 0x28 + 0xb8 = 0xe0.
layout(Ec, { offsets: { hdr: 0, cont: 0x20, regs: 0x28 } });

/** What each CPU keeps about the ECs it runs. */
class EcCpu {
  /** The running EC when it was destroyed: its memory goes at the next switch. */
  zombie: Ec | null;
  /** resolve()'s walk counter. */
  walk: u64;
  /** The PD whose tables and I/O bitmap are loaded. */
  pd: Pd | null;
  fpuOwner: Ec | null;
  tsSet: bool;
  /** The top of this CPU's kernel stack (also in `kernelStackTop`). */
  stackTop: Virt;
}
const cpus = array<Inline<EcCpu>, 256>();

/** This CPU's entry (the index is one GS-relative load, in range by its type). */
function here(): EcCpu {
  return cpus[percpu.slot()];
}

/**
 * Read by arch/x86_64/syscall.S and entry.S through GS: where SYSCALL
 * pushes the frame (the end of the running EC's registers, = TSS.RSP0),
 * and the top of this CPU's kernel stack, where every entry from ring 3
 * runs the kernel.
 */
export const syscallKernelRsp = perCpu<u64>(0);
export const kernelStackTop = perCpu<u64>(0);

/** The EC running on this CPU: one GS-relative load, the hottest per-CPU state. */
const running = perCpu<Ec | null>(null);

/**
 * The EC running now on this CPU (the hypercall's or the interrupted one).
 * @inline
 */
export function current(): Ec {
  const e = running.get();
  if (e === null) panic("ec: no current EC");
  return e;
}

/** Sets this CPU's kernel stack (every entry from ring 3 starts at its top). */
export function initCpu(stackTop: Virt): void {
  const k = here();
  k.stackTop = stackTop;
  kernelStackTop.set(u64(stackTop));
  k.tsSet = true;
}

/**
 * A new EC in `p` on `cpu` with its UTCB at user address `utcbUser`, or
 * null when memory is out. The caller checked
 * the parameters; the EC has no references yet. `sp` is its first RSP,
 * `start` its first continuation: a global EC's STARTUP event (event.ts
 * startup) or the root EC's return to its entry; waitForCalls for a local
 * EC, whose first call replaces it. A vCPU (`guest`) is global, has no UTCB
 * and always has an FPU area (its guest owns the FPU while it runs);
 * `timeOffset` is its T (§7.3). Where vCPUs have a virtual-APIC page (VMX),
 * that page takes the UTCB's place at `utcbUser` (§13.13).
 */
export function create(
  p: Pd,
  cpu: u32,
  global: bool,
  withFpu: bool,
  utcbUser: u64,
  sp: u64,
  evt: u64,
  start: Cont,
  guest: bool,
  timeOffset: bool,
): Ec | null {
  const va = allocObject(sizeof<Ec>());
  if (u64(va) === 0) return null;
  const e = structAt<Ec>(va);
  initObject(e.hdr, Kind.EC, destroyEc);
  e.pd = p;
  joinPd(e);
  e.cpu = cpu;
  e.global = global;
  e.evt = evt;
  e.utcbUser = utcbUser;
  const r = e.regs;
  r.cs = u64(gdt.USER_CODE);
  r.ss = u64(gdt.USER_DATA);
  // A guest starts with RFLAGS as after reset (its STARTUP handler sets what it needs).
  r.rflags = guest ? RFLAGS_RESET : USER_RFLAGS;
  r.rsp = sp;
  // A global EC runs once an SC is bound to it; a local one waits for a call.
  e.cont = start;
  e.state = global ? State.READY : State.BLOCKED;
  if (guest) {
    // For a vCPU, T is time offsetting (§4.4).
    e.vcpu = vcpu.create(p.serial, timeOffset);
    if (e.vcpu === null) {
      destroyNow(e.hdr);
      return null;
    }
  }
  if (!guest || vcpu.hasVirtualApic()) {
    const page = allocBytes(usize(PAGE), usize(PAGE));
    if (u64(page) === 0) {
      destroyNow(e.hdr);
      return null;
    }
    e.utcb = page;
    const v = e.vcpu;
    if (v !== null) vcpu.setVirtualApic(v, page);
  }
  if (withFpu || guest) {
    const area = allocBytes(usize(fpu.size()), FPU_ALIGN);
    if (u64(area) === 0) {
      destroyNow(e.hdr);
      return null;
    }
    e.fpu = area;
  }
  if (u64(e.utcb) !== 0 && !mapUtcb(e)) {
    destroyNow(e.hdr);
    return null;
  }
  return e;
}

/** Maps the UTCB read-write into the PD's host space (replacing what was there). */
function mapUtcb(e: Ec): bool {
  const h = e.pd.hst;
  if (h === null) return false;
  return h.mapKernelPage(virt(e.utcbUser), kmem.directToPhys(e.utcb), true);
}

/** Puts the new EC `e` on its PD's list and pins the PD. */
function joinPd(e: Ec): void {
  const p = e.pd;
  pd.pin(p);
  const first = ecAt(p.firstEc);
  e.pdNext = first;
  if (first !== null) first.pdPrev = e;
  p.firstEc = structAddress(e);
  e.inPd = true;
}

/**
 * Takes `e` out of its PD (destroyed, or dead with its PD: pd_end.ts): its UTCB leaves the
 * PD's host space, it leaves the PD's list and drops its pin (the PD's memory may go with it).
 */
export function leavePd(e: Ec): void {
  if (!e.inPd) return;
  e.inPd = false;
  const p = e.pd;
  if (u64(e.utcb) !== 0) {
    const h = p.hst;
    if (h !== null) h.unmapKernelPage(virt(e.utcbUser), kmem.directToPhys(e.utcb));
  }
  const n = e.pdNext;
  const pr = e.pdPrev;
  if (n !== null) n.pdPrev = pr;
  if (pr !== null) pr.pdNext = n;
  else p.firstEc = n === null ? virt(0) : structAddress(n);
  e.pdNext = null;
  e.pdPrev = null;
  pd.unpin(p);
}

/** The EC at `va`, an address from a PD's list, or null for virt(0). */
function ecAt(va: Virt): Ec | null {
  return u64(va) === 0 ? null : structAt<Ec>(va);
}

/** The first EC of `p` (pd_end.ts walks the list with `pdNext`). */
export function firstOf(p: Pd): Ec | null {
  return ecAt(p.firstEc);
}

function releaseMemory(e: Ec): void {
  leavePd(e);
  if (u64(e.utcb) !== 0) {
    // No CPU may still reach the page through the PD's tables once it is kernel memory again.
    tlb.sync();
    freeBytes(e.utcb, usize(PAGE), usize(PAGE));
  }
  if (u64(e.fpu) !== 0) freeBytes(e.fpu, usize(fpu.size()), FPU_ALIGN);
  const v = e.vcpu;
  if (v !== null) vcpu.destroy(v);
  const k = cpus[usize(e.cpu)];
  if (k.fpuOwner === e) k.fpuOwner = null;
  freeObject(e.hdr, sizeof<Ec>());
}

/** The last reference went: the EC is in no chain, queue or SC any more. */
function destroyEc(o: KObject): void {
  const e = structAt<Ec>(structAddress(o));
  // A caller holds a reference on its callee, so a callee is never destroyed in a call. A
  // caller may be: its callee is orphaned. A helping link holds one on the helped EC only
  // (a helper whose last capability and SC went is destroyed while it helps): it is dropped.
  assert(e.caller === null, "ec: destroyed while it serves a call");
  orphanCallee(e);
  if (e.helping !== null) setHelping(e, null);
  assert(u64(e.waitingOn) === 0, "ec: destroyed while waiting on a semaphore");
  sc.unparkAll(e);
  // The running EC (a hypercall here or on another CPU revoked its last capabilities and its
  // SC) keeps its memory until its CPU switches away from it: its registers are what that
  // CPU returns to, or where it saves the user state at its next entry.
  if (e.running) {
    const k = cpus[usize(e.cpu)];
    assert(k.zombie === null, "ec: a second zombie on one CPU");
    k.zombie = e;
  } else releaseMemory(e);
}

/** Whether an SC can run `e` now (the end of its chain). */
export function runnable(e: Ec): bool {
  return e.state === State.READY;
}

/** Whether `e` serves a call or event now (a caller must help it or time out). */
export function busy(e: Ec): bool {
  return e.caller !== null || e.orphaned;
}

/**
 * The EC an SC bound to `e` runs: follows callee links (donation) and
 * helping links (to the busy EC's chain) to the end. A helper whose target
 * is free again ends the walk itself (it retries). Each walk stamps the ECs
 * it passes: meeting a stamp again is a cycle of helpers (a deadlock of the
 * user's making), and the EC that started the walk then waits for good.
 */
export function resolve(first: Ec): Ec {
  const k = here();
  k.walk++;
  const stamp = k.walk;
  let e = first;
  for (;;) {
    if (e.walk === stamp) return deadlocked(first);
    e.walk = stamp;
    const c = e.callee;
    if (c !== null) {
      e = c;
      continue;
    }
    const h = e.helping;
    if (h !== null) {
      if (busy(h) && h.state !== State.DEAD) {
        e = h;
        continue;
      }
      setHelping(e, null);
    }
    return e;
  }
}

/** A helping cycle: the EC that started the walk waits for good (its SC is parked on it). */
function deadlocked(e: Ec): Ec {
  log(`EC: helping cycle at EC ${structAddress(e)}: its SC waits`);
  e.state = State.BLOCKED;
  return e;
}

/** Sets or clears a link, moving the reference. */
export function setHelping(e: Ec, h: Ec | null): void {
  const old = e.helping;
  if (h !== null) ref(h.hdr);
  e.helping = h;
  if (old !== null) unref(old.hdr);
}

/** Links `caller` → `callee` (the caller holds a reference on the callee). */
export function link(caller: Ec, callee: Ec, isEvent: bool): void {
  // Uncontended: both are ECs of this CPU, and this is the slow path or this CPU's fast path.
  refUncontended(callee.hdr);
  caller.callee = callee;
  callee.caller = caller;
  callee.eventCaller = isEvent;
}

/** Undoes link(): returns the caller. */
export function unlink(callee: Ec): Ec {
  const caller = callee.caller;
  if (caller === null) panic("ec: unlink without a caller");
  callee.caller = null;
  caller.callee = null;
  callee.eventCaller = false;
  unrefUncontended(callee.hdr);
  return caller;
}

/**
 * `e` will never take its callee's reply (it is destroyed, or dead with its PD): the callee
 * goes on serving no one (busy until it replies), and `e` lets go of it.
 */
export function orphanCallee(e: Ec): void {
  const c = e.callee;
  if (c === null) return;
  c.caller = null;
  c.eventCaller = false;
  c.orphaned = true;
  e.callee = null;
  unref(c.hdr);
}

/** `e` can run again (a semaphore up, a timeout, a reply): its parked SCs become ready. */
export function release(e: Ec, cont: Cont): void {
  if (e.state === State.DEAD) return;
  e.cont = cont;
  e.state = State.READY;
  if (e.parked !== null) sc.unparkAll(e);
}

/** Blocks the running EC with `cont` as what runs when it is released; another SC runs. */
export function block(e: Ec, cont: Cont): never {
  e.cont = cont;
  e.state = State.BLOCKED;
  sc.block(e);
}

// ---- activation (the continuations that go back to ring 3 are event.ts's) ----

/**
 * Makes `e` the running EC: its PD's tables and I/O bitmap, the entry stack
 * pointers at the end of its registers, the FPU trap; then runs its
 * continuation on a fresh kernel stack.
 */
export function activate(e: Ec): never {
  const cur = install(e);
  switchStack(cur.stackTop, e.cont);
}

/**
 * The IPC fast path's activation (ipc.ts): `e`, released with event.ts retUserSysret as its
 * continuation and activatesFast(e) true (no recall, no zombie), becomes the running EC and
 * goes back to ring 3 by SYSRET at once, from this kernel stack: activate() and retUserSysret()
 * fused, without the switch to a fresh stack that a continuation needs.
 */
export function activateFast(e: Ec): never {
  install(e);
  klock.leaveToUser();
  returnBySysret(structAddress(e.regs));
}

/**
 * A vCPU's activation from the fast path (ipc.ts fastReply of its event): `e`, released with
 * event.ts enterGuest and activatesFast(e) true, becomes the running EC and its continuation
 * runs on this kernel stack (which the next entry from ring 3 or the guest starts afresh).
 */
export function activateHere(e: Ec): never {
  install(e);
  e.cont();
  // A continuation never returns; C's function pointers cannot say so.
  panic("ec: a continuation returned");
}

/** What activate() does before the continuation: `e` runs on this CPU; returns its entry. */
function install(e: Ec): EcCpu {
  const cur = here();
  setRunning(cur, e);
  const p = e.pd;
  if (cur.pd !== p) {
    // The loaded PD stays pinned until another is loaded: its tables stay in CR3 meanwhile,
    // and a new PD at the same address cannot be mistaken for it.
    pd.pin(p);
    const old = cur.pd;
    cur.pd = p;
    // create_ec makes ECs only in PDs with a host space, which stays bound while the PD lives.
    const h = p.hst;
    if (h === null) panic("ec: an EC in a PD without a host space");
    tlb.load(h);
    currentPd.setCurrent(p.obj, p.pio);
    if (old !== null) pd.unpin(old);
  }
  const end = u64(structAddress(e.regs)) + u64(sizeof<ExceptionFrame>());
  tss.current().rsp0 = end;
  syscallKernelRsp.set(end);
  const owner = cur.fpuOwner === e;
  if (owner && cur.tsSet) {
    clts();
    cur.tsSet = false;
  } else if (!owner && !cur.tsSet) {
    fpu.trapNext();
    cur.tsSet = true;
  }
  return cur;
}

/**
 * Another CPU destroyed the running EC (its last capability and SC revoked
 * there), or it died with its PD, while it ran in ring 3, and it entered the
 * kernel before that CPU's IPI: it must not run its hypercall or event. The
 * scheduler picks what runs instead (a destroyed EC's memory goes at the
 * switch).
 */
export function dropIfDestroyed(): void {
  // An EC whose count reached zero is destroyed here at the latest (a slow path that dropped
  // it need not have reaped), so that nothing takes a reference to it again.
  reap();
  const e = running.get();
  if (e !== null && (e.hdr.dead !== 0 || e.state === State.DEAD)) sc.preempt();
}

/**
 * Whether the running EC `e` may go on from a fast path (klock.ts) without the slow path's way
 * out: still referenced (not revoked by another CPU, waiting to be reaped) and with its SC,
 * and no reschedule or recall pending.
 * @inline
 */
export function continuesFast(e: Ec): bool {
  return refs(e.hdr) !== 0 && (e.hazard | sc.hazards()) === 0 && sc.current() !== null;
}

/**
 * Whether `h`, a portal's EC on this CPU, can take a call or event on a fast path: an idle
 * local EC (blocked, in no chain, not helping or waiting, no SC parked on it) that activates
 * fast. IPC (ipc.ts fastCall) and VM exits (event.ts deliverFast) enter it so.
 * @inline
 */
export function takesCallFast(h: Ec): bool {
  if (h.global || h.state !== State.BLOCKED || busy(h)) return false;
  if (h.callee !== null || h.helping !== null || h.parked !== null) return false;
  return u64(h.waitingOn) === 0 && activatesFast(h);
}

/**
 * Whether activate(e) needs nothing the IPC fast path may not do (klock.ts):
 * no zombie to free, no PCID to allocate, no recall to deliver on the way
 * out. True is the common case.
 * @inline
 */
export function activatesFast(e: Ec): bool {
  const cur = here();
  if (cur.zombie !== null || e.hazard !== 0) return false;
  const loaded = cur.pd;
  if (loaded === e.pd) return true;
  // Loading another PD unpins this one, whose memory the last pin of a dead PD frees: only
  // the slow path does that.
  const h = e.pd.hst;
  return (loaded === null || loaded.hdr.dead === 0) && h !== null && tlb.loadsFast(h);
}

/**
 * Makes `e` the running EC. The running EC takes no reference (a switch is
 * the hot path): destroyEc() leaves a running EC's memory alone and it is
 * released here, when the CPU switches away from it.
 */
function setRunning(cur: EcCpu, e: Ec | null): void {
  const old = running.get();
  if (old !== null) old.running = false;
  running.set(e);
  if (e !== null) e.running = true;
  const z = cur.zombie;
  if (z !== null && z !== e) {
    cur.zombie = null;
    z.running = false;
    releaseMemory(z);
  }
}

/**
 * Continuation of an idle local EC: it waits for the next call. (A call
 * replaces the continuation before the EC runs; reaching this means it ran
 * without one, a kernel bug.)
 */
export function waitForCalls(): never {
  panic("ec: local EC activated without a call");
}

/** Runs the next SC if one should run before `e` returns to ring 3 with `cont`. */
export function maybePreempt(e: Ec, cont: Cont): void {
  if (!sc.mustReschedule()) return;
  e.cont = cont;
  sc.preempt();
}

// ---- the FPU ----

/**
 * #NM from ring 3 (CR0.TS set): an EC with an FPU area gets the FPU (the
 * owner's state saved, its own restored or initialized); true then. False
 * for an EC without F: the #NM is its event.
 */
export function claimFpu(e: Ec): bool {
  if (u64(e.fpu) === 0) return false;
  const cur = here();
  clts();
  cur.tsSet = false;
  const owner = cur.fpuOwner;
  if (owner !== e) {
    if (owner !== null) {
      fpu.save(owner.fpu);
      owner.fpuSaved = true;
    }
    if (e.fpuSaved) fpu.restore(e.fpu);
    else fpu.restoreInitial();
    cur.fpuOwner = e;
  }
  return true;
}

// ---- idle ----

/**
 * The idle loop (no SC ready): the CPU halts with interrupts on, without
 * the kernel lock, until an SC of its own may be ready, then schedules.
 * Runs on a fresh stack; entered holding the slow path's lock.
 */
export function idle(): never {
  switchStack(here().stackTop, idleLoop);
}

/** An AP's first idle loop (smp.ts, once boot is over): it waits for work before it takes the lock. */
export function idleFirst(): never {
  switchStack(here().stackTop, idleWaitFirst);
}

function idleWaitFirst(): never {
  waitForWork();
  klock.enter();
  idleLoop();
}

function idleLoop(): never {
  setRunning(here(), null);
  sc.enterIdle();
  for (;;) {
    reap();
    if (sc.anyReady()) sc.schedule();
    klock.leave();
    waitForWork();
    klock.enter();
  }
}

/**
 * Halts until this CPU's scheduler has a ready SC. The look is a hint
 * without the lock (idleLoop checks again with it): whoever makes an SC
 * ready here does so before it sends the RESCHEDULE IPI that ends the halt,
 * and a timer that readies one does so in its interrupt. Interrupts are on
 * only across `sti; hlt` (sti's shadow), so no wake-up is lost between the
 * look and the halt. Idle CPUs thus take no lock at all: with many CPUs on
 * few host cores (an emulator), they would only delay the ones that work.
 */
function waitForWork(): void {
  do {
    sti();
    hlt();
    cli();
  } while (!sc.anyReady());
}

// ---- ctrl_ec (0x8, §4.9) ----

/** How long a strong recall waits for the other CPU (it answers an IPI within microseconds). */
const RECALL_WAIT_NS: u64 = 1_000_000_000;

/**
 * ctrl_ec (0x8, §4.9): the EC (CTRL) raises a RECALL event before it next
 * returns to ring 3. An EC running in ring 3 on another CPU is sent there
 * into the kernel by IPI; with S, the call returns once that CPU entered.
 */
export function ctrlEc(_f: ExceptionFrame, sel: u64, flags: u32): Status {
  const o = capObject(sel, Kind.EC, Kind.EC, Perm_ec.CTRL);
  if (o === null) return Status.BAD_CAP;
  const e = structAt<Ec>(structAddress(o));
  if (e.state === State.DEAD) return Status.SUCCESS;
  e.hazard |= u32(Hazard.RECALL);
  const c = e.cpu;
  if (c === percpu.cpuIndex.get() || !e.running || !klock.inUser(c)) return Status.SUCCESS;
  ipi.send(c, ipi.VECTOR_RESCHEDULE);
  if ((flags & EC_S) === 0) return Status.SUCCESS;
  // It enters without the kernel lock (klock.enterFromUser clears inUser first), so this
  // CPU can wait for it while it holds the lock.
  const end = rdtsc() + tsc.ticks(RECALL_WAIT_NS);
  while (klock.inUser(c) && rdtsc() < end) pause();
  if (klock.inUser(c)) log(`EC: strong recall: CPU ${c} did not enter the kernel in time`);
  return Status.SUCCESS;
}
