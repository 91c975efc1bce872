// Scheduling contexts and the scheduler (nova-abi.md §4.5, §4.10, §7), in
// the style of NOVA's Sc: an SC is a priority, a budget and the time it has
// consumed, bound for life to one EC on one CPU.
//
// The scheduler is per CPU: fixed priorities 0..127, a FIFO ring per
// priority and a bitmap of the non-empty ones. An SC is queued on its own
// CPU's scheduler only (SCs never migrate); another CPU may make it ready
// (a semaphore up, a reply... under the kernel lock) and sends that CPU a
// RESCHEDULE IPI when the SC outranks what runs there. The running SC is
// not in its ring. A preempted SC with budget left goes back to the head of
// its priority, one whose budget ran out is refilled and goes to the tail
// (NOVA's rule, §7.1).
//
// An SC runs the EC at the end of its EC's chain (ec.ts resolve(): a caller
// runs its callee, a helper runs the EC it helps). When that EC cannot run
// (blocked on a semaphore, waiting for calls, dead), the SC is parked on it
// and made ready again when the EC is released; that is how donation and
// helping both follow blocked servers without a second queue.
//
// Each CPU's idle SC (priority 0, in the NOVA object space at the CPU's
// number) accounts the time the CPU spends halted in idle(); it is never in
// a ring.

import { Perm_ec, Perm_pd, Perm_sc } from "../abi/perms.ts";
import {
  SCD_BUDGET_MASK,
  SCD_COS_MASK,
  SCD_COS_SHIFT,
  SCD_PRIO_MASK,
  SCD_PRIO_SHIFT,
} from "../abi/scd.ts";
import { Status } from "../abi/status.ts";
import { Kind } from "./capability.ts";
// ec.ts imports this file as well: an SC runs ECs, and ECs park and wake SCs. The cycle is
// the design's (ec.ts says why, at its import of this file).
import { Ec } from "./ec.ts";
import * as ec from "./ec.ts";
import * as vcpu from "./vcpu.ts";
import { ExceptionFrame } from "./frame.ts";
import {
  KObject,
  allocObject,
  destroyNow,
  freeObject,
  initObject,
  reap,
  ref,
  unref,
} from "./kobject.ts";
import { capObject, insertNew } from "./lookup.ts";
import * as ipi from "./ipi.ts";
import * as percpu from "./percpu.ts";
import * as timer from "./timer.ts";
import { Timer } from "./timer.ts";
import { Hazard } from "./hazard.ts";

/** The root SC (§9.4, NOVA's values): the highest priority, 1000 ms budget. */
export const ROOT_PRIORITY: u32 = 127;
export const ROOT_BUDGET_MS: u64 = 1000;

export class Sc {
  hdr: Inline<KObject>;
  /** The EC it is bound to (holds a reference). */
  ec: Ec;
  cpu: u32;
  prio: u32;
  /** Budget per round in TSC ticks, and what is left of the current round. */
  budget: u64;
  left: u64;
  /** TSC ticks consumed in total (ctrl_sc). */
  time: u64;
  /** Ring links while ready. */
  prev: Sc | null;
  next: Sc | null;
  ready: bool;
  /** The EC it is parked on (and the next SC parked there), or null. */
  parkedOn: Ec | null;
  nextParked: Sc | null;
  /** When it last became ready, if it is a vCPU's (its guest's time offsetting, vcpu.ts). */
  readySince: u64;
}

class Scheduler {
  /** The SC running now (null while idle or after the running SC was destroyed). */
  current: Sc | null;
  /** The TSC when `current` was last dispatched. */
  since: u64;
  /** Heads of the rings per priority (§7.1: 128; 0 is the idle SC's, user SCs have 1..127), and which are non-empty. */
  rings: Arr<Sc | null, 128>;
  nonEmpty: Arr<u64, 2>;
  /** This CPU's hazards (hazard.ts: SCHED), changed holding the kernel lock. */
  hazard: u32;
  budgetTimer: Inline<Timer>;
  idle: Sc | null;
}

/** One scheduler per CPU, by CPU number. */
const scheds = array<Inline<Scheduler>, 256>();

/** This CPU's entry (the index is one GS-relative load, in range by its type). */
function here(): Scheduler {
  return scheds[percpu.slot()];
}

/** The scheduler of CPU `cpu`. */
function of(cpu: u32): Scheduler {
  return scheds[usize(cpu)];
}

class Clock {
  /** Ticks per millisecond (budgets are given in ms). */
  ticksPerMs: u64;
}
const clock = new Clock();

/** Ticks per ms for SCD budgets; set once the TSC is calibrated. */
export function setTicksPerMs(t: u64): void {
  clock.ticksPerMs = t;
}

/** Budget in TSC ticks for `ms` milliseconds. */
export function budgetTicks(ms: u64): u64 {
  return ms * clock.ticksPerMs;
}

/** A new SC for `e` (not ready yet), or null when memory is out. */
export function create(e: Ec, prio: u32, budget: u64): Sc | null {
  const va = allocObject(sizeof<Sc>());
  if (u64(va) === 0) return null;
  const s = structAt<Sc>(va);
  initObject(s.hdr, Kind.SC, destroySc);
  ref(e.hdr);
  s.ec = e;
  s.cpu = e.cpu;
  s.prio = prio;
  s.budget = budget;
  s.left = budget;
  return s;
}

/** Starts this AP's accounting: its idle SC's time counts from now (smp.ts). */
export function initCpu(): void {
  here().since = rdtsc();
}

/** The SC running now on this CPU. */
export function current(): Sc | null {
  return here().current;
}

/** Consumed time including the part of the running round (ctrl_sc), on whichever CPU. */
export function consumed(s: Sc): u64 {
  const sched = of(s.cpu);
  if (s === sched.current) return s.time + (rdtsc() - sched.since);
  if (s === sched.idle && sched.current === null && sched.since !== 0)
    return s.time + (rdtsc() - sched.since);
  return s.time;
}

function setBit(sched: Scheduler, prio: u32, on: bool): void {
  const word = usize(prio >> 6);
  const bit = u64(1) << u64(prio & 63);
  if (on) sched.nonEmpty[word] |= bit;
  else sched.nonEmpty[word] &= ~bit;
}

/**
 * Puts `s` into its ring on its CPU: at the head (`front`) or the tail.
 * Flags a reschedule if it outranks the SC running there, and tells that
 * CPU by IPI if it is another.
 */
export function makeReady(s: Sc, front: bool): void {
  if (s.ready || s.hdr.dead !== 0) return;
  const sched = of(s.cpu);
  s.ready = true;
  if (s.ec.vcpu !== null) s.readySince = rdtsc();
  const p = usize(s.prio);
  const head = sched.rings[p];
  if (head === null) {
    s.prev = s;
    s.next = s;
    sched.rings[p] = s;
    setBit(sched, s.prio, true);
  } else {
    const tail = head.prev;
    if (tail === null) panic("sc: ring without a tail");
    s.next = head;
    s.prev = tail;
    tail.next = s;
    head.prev = s;
    if (front) sched.rings[p] = s;
  }
  const c = sched.current;
  if (c === null || s.prio > c.prio) kick(s.cpu);
}

/** CPU `cpu` should schedule again before it returns to ring 3 (or leaves its idle loop). */
function kick(cpu: u32): void {
  of(cpu).hazard |= u32(Hazard.SCHED);
  if (cpu !== percpu.cpuIndex.get()) ipi.send(cpu, ipi.VECTOR_RESCHEDULE);
}

function unready(s: Sc): void {
  if (!s.ready) return;
  const sched = of(s.cpu);
  s.ready = false;
  const p = usize(s.prio);
  const n = s.next;
  const pr = s.prev;
  if (n === s || n === null || pr === null) {
    sched.rings[p] = null;
    setBit(sched, s.prio, false);
  } else {
    pr.next = n;
    n.prev = pr;
    if (sched.rings[p] === s) sched.rings[p] = n;
  }
  s.next = null;
  s.prev = null;
}

/** The highest-priority ready SC, taken out of its ring; null when none is ready. */
function pickNext(): Sc | null {
  const sched = here();
  for (let w: i32 = 1; w >= 0; w--) {
    const bits = sched.nonEmpty[usize(w)];
    if (bits === 0) continue;
    let top: u32 = 63;
    while ((bits & (u64(1) << u64(top))) === 0) top--;
    const s = sched.rings[usize(u32(w) * 64 + top)];
    if (s === null) panic("sc: empty ring marked non-empty");
    unready(s);
    return s;
  }
  return null;
}

/** Parks `s` on `e`, which cannot run now; ec.release() readies it again. */
function park(s: Sc, e: Ec): void {
  s.parkedOn = e;
  s.nextParked = e.parked;
  e.parked = s;
}

/** Readies every SC parked on `e` (it can run again, or it is gone). */
export function unparkAll(e: Ec): void {
  let s = e.parked;
  e.parked = null;
  while (s !== null) {
    const n = s.nextParked;
    s.parkedOn = null;
    s.nextParked = null;
    makeReady(s, false);
    s = n;
  }
}

function unpark(s: Sc): void {
  const e = s.parkedOn;
  if (e === null) return;
  let prev: Sc | null = null;
  let at = e.parked;
  while (at !== null && at !== s) {
    prev = at;
    at = at.nextParked;
  }
  if (at === null) panic("sc: parked SC not on its EC's list");
  if (prev === null) e.parked = s.nextParked;
  else prev.nextParked = s.nextParked;
  s.parkedOn = null;
  s.nextParked = null;
}

/** Charges `sched`'s running SC (or its idle SC) for the time since it was dispatched. */
function account(sched: Scheduler, now: u64): void {
  const c = sched.current;
  const used = now - sched.since;
  sched.since = now;
  if (c === null) {
    const i = sched.idle;
    if (i !== null) i.time += used;
    return;
  }
  c.time += used;
  c.left = used >= c.left ? 0 : c.left - used;
}

function budgetExpired(_t: Timer, _now: u64): void {
  here().hazard |= u32(Hazard.SCHED);
}

/**
 * Whether a hypercall or interrupt should give the CPU to another SC before returning.
 * @inline
 */
export function mustReschedule(): bool {
  return (here().hazard & u32(Hazard.SCHED)) !== 0;
}

/**
 * This CPU's hazards (hazard.ts), for the way back to ring 3.
 * @inline
 */
export function hazards(): u32 {
  return here().hazard;
}

/**
 * Gives up the CPU: the running SC goes back to its ring (head with budget
 * left, refilled at the tail otherwise), and the highest-priority SC runs.
 */
export function preempt(): never {
  const sched = here();
  account(sched, rdtsc());
  const c = sched.current;
  sched.current = null;
  if (c !== null) {
    const front = c.left !== 0;
    if (!front) c.left = c.budget;
    makeReady(c, front);
  }
  schedule();
}

/**
 * The running SC cannot go on: its chain ends in `e`, which blocked. It is
 * parked there until `e` is released, and another SC runs.
 */
export function block(e: Ec): never {
  const sched = here();
  account(sched, rdtsc());
  const c = sched.current;
  sched.current = null;
  if (c !== null) park(c, e);
  schedule();
}

/**
 * Runs the highest-priority ready SC: resolves its EC chain and activates
 * the EC at the end, or parks the SC there if that EC cannot run; idles when
 * nothing is ready. Never returns.
 */
export function schedule(): never {
  // Objects whose last reference went in what ran before (a reply's unlink, a released
  // waiter, the previous running EC) are destroyed here, where nothing uses them any more.
  reap();
  here().hazard &= ~u32(Hazard.SCHED);
  for (;;) {
    const s = pickNext();
    if (s === null) ec.idle();
    const e = ec.resolve(s.ec);
    if (!ec.runnable(e)) {
      park(s, e);
      continue;
    }
    dispatchSc(s);
    ec.activate(e);
  }
}

function dispatchSc(s: Sc): void {
  const sched = here();
  const now = rdtsc();
  const v = s.ec.vcpu;
  if (v !== null) vcpu.waited(v, now - s.readySince);
  account(sched, now);
  sched.current = s;
  sched.since = now;
  timer.cancel(sched.budgetTimer);
  timer.add(sched.budgetTimer, now + s.left, budgetExpired, virt(0));
}

/** Called by the idle loop with interrupts off: whether an SC became ready. */
export function anyReady(): bool {
  const sched = here();
  return sched.nonEmpty[0] !== 0 || sched.nonEmpty[1] !== 0;
}

/** The idle loop's accounting: the CPU is idle from now on. */
export function enterIdle(): void {
  const sched = here();
  account(sched, rdtsc());
  sched.current = null;
  timer.cancel(sched.budgetTimer);
}

/** The last SC capability went: out of every queue, its EC reference dropped. */
function destroySc(o: KObject): void {
  const s = structAt<Sc>(structAddress(o));
  unready(s);
  unpark(s);
  const sched = of(s.cpu);
  if (sched.current === s) {
    // Running here (a hypercall took its last capability) or on another CPU, which then
    // must stop running its EC: it schedules again when it enters the kernel (IPI).
    account(sched, rdtsc());
    sched.current = null;
    kick(s.cpu);
  }
  unref(s.ec.hdr);
  freeObject(s.hdr, sizeof<Sc>());
}

// ---- hypercalls ----

/**
 * create_sc (0x4, §4.5): RSI the PD (SC permission), RDX a global EC
 * (BINDSC), RAX the SCD. NOVA's order: BAD_PAR (budget 0, priority 0, a COS
 * other than 0: QoS is not configured), BAD_CAP (PD, EC, a local EC),
 * ABORTED (a dead EC), MEM_OBJ, the slot. The new SC is ready at once.
 */
export function createSc(f: ExceptionFrame, sel: u64, _flags: u32): Status {
  const budget = f.rax & SCD_BUDGET_MASK;
  const prio = u32((f.rax >> SCD_PRIO_SHIFT) & SCD_PRIO_MASK);
  const cos = (f.rax >> SCD_COS_SHIFT) & SCD_COS_MASK;
  if (budget === 0 || prio === 0 || cos !== 0) return Status.BAD_PAR;
  if (capObject(f.rsi, Kind.PD, Kind.PD, Perm_pd.SC) === null) return Status.BAD_CAP;
  const eo = capObject(f.rdx, Kind.EC, Kind.EC, Perm_ec.BIND_SC);
  if (eo === null) return Status.BAD_CAP;
  const e = structAt<Ec>(structAddress(eo));
  if (!e.global) return Status.BAD_CAP;
  if (e.state === ec.State.DEAD) return Status.ABORTED;
  const s = create(e, prio, budgetTicks(budget));
  if (s === null) return Status.MEM_OBJ;
  const st = insertNew(sel, structAddress(s), Perm_sc.DEFINED);
  if (st !== Status.SUCCESS) {
    destroyNow(s.hdr);
    return st;
  }
  makeReady(s, false);
  return st;
}

/**
 * ctrl_sc (0x9, §4.10): RSI = the SC's consumed time in TSC ticks; needs CTRL.
 * @inline
 */
export function ctrlSc(f: ExceptionFrame, sel: u64, _flags: u32): Status {
  const o = capObject(sel, Kind.SC, Kind.SC, Perm_sc.CTRL);
  if (o === null) return Status.BAD_CAP;
  f.rsi = consumed(structAt<Sc>(structAddress(o)));
  return Status.SUCCESS;
}

/**
 * The idle SCs of CPUs 0..count-1 (the boot CPU, once the others are up):
 * priority 0, no EC, only their time counts (ctrl_sc on the NOVA object
 * space's selectors 0..CPUNUM-1). Panics when memory is out (at boot).
 */
export function createIdles(count: u32): void {
  for (let c: u32 = 0; c < count; c++) {
    const va = allocObject(sizeof<Sc>());
    if (u64(va) === 0) panic("sc: no memory for the idle SCs");
    const s = structAt<Sc>(va);
    initObject(s.hdr, Kind.SC, destroyIdle);
    s.cpu = c;
    of(c).idle = s;
  }
}

/** CPU `cpu`'s idle SC (createIdles made it). */
export function idleOf(cpu: u32): Sc {
  const s = of(cpu).idle;
  if (s === null) panic("sc: no idle SC for this CPU");
  return s;
}

function destroyIdle(_o: KObject): void {
  panic("sc: the idle SC is never destroyed");
}
