// The kernel's locks (docs/smp.md "Locks"): a big-reader scheme of one
// global ticket lock and one ticket lock per CPU.
//
// - The IPC fast path (ipc.ts fastCall/fastReply) takes only its own CPU's
//   lock: it touches the calling CPU's scheduler and ECs, reads capability
//   tables and portals, and changes shared state only through atomics
//   (reference counts, the dead list, host spaces' CPU sets). Fast paths on
//   different CPUs run in parallel and take no global lock.
// - Everything else (the slow path: every other hypercall, faults,
//   interrupts, the idle loop, boot) takes the global lock and then every
//   online CPU's lock, in CPU order. Holding all of them, it excludes every
//   fast path, so the object, capability, mapping and scheduling code stays
//   what it was on one CPU, and it may change another CPU's scheduler or ECs.
//
// Taken: on every entry from ring 3 (syscall.ts dispatch, exceptions.ts for
// faults and interrupts taken in ring 3), by an interrupt that wakes the idle
// loop, by the idle loop itself, and by the boot CPU for all of boot. Let go:
// on every way back to ring 3 (leaveToUser: ec.ts retUserSysret/retUserIret,
// the returns of dispatch and exceptions.ts), and across the idle loop's HLT.
// The kernel runs with interrupts off, so a CPU never takes a lock twice.
//
// A CPU waiting for a lock answers TLB shootdowns: the holder may be waiting
// for exactly that CPU (tlb.ts). One that waits far too long reports the
// holder (watchdog.ts). `inUser` tells ctrl_ec's strong recall (ec.ts)
// whether a CPU has entered the kernel since the recall was sent.

import { MAX_CPUS } from "./cpuset.ts";
import * as percpu from "./percpu.ts";
import { Spinlock } from "./spinlock.ts";
import * as tlb from "./tlb.ts";
import * as watchdog from "./watchdog.ts";

const NOBODY: u32 = u32.MAX;

class CpuEntry {
  /** This CPU's lock (the fast path's; the slow path takes every CPU's). */
  lock: Inline<Spinlock>;
  /** Between leaving the kernel for ring 3 and entering it again. */
  inUser: Atomic<bool>;
  /** What this CPU holds: only its own lock (the fast path), or the global one and all. */
  fast: bool;
  index: u32;
  /** Returns to ring 3 from the fast path and entries into the slow path (the boot log's KLOCK line). */
  fastReturns: u64;
  slowEntries: u64;
}

class KernelLock {
  global: Inline<Spinlock>;
  holder: Atomic<u32>;
  /** CPUs whose locks the slow path takes (smp.ts counts them in). */
  online: u32;
  /** How many CPU locks the global lock's holder took (online may grow while it holds them). */
  taken: u32;
  cpus: Arr<Inline<CpuEntry>, 256>;
}
const k = new KernelLock();

export function init(): void {
  k.holder.store(NOBODY);
  k.online = 1;
  for (let c: u32 = 0; c < MAX_CPUS; c++) k.cpus[usize(c)].index = c;
}

/** CPUs 0..n-1 are online (smp.ts, while the boot CPU holds the locks). */
export function setOnline(n: u32): void {
  k.online = n;
}

/** When this CPU began its current wait for a lock (the watchdog's measure). */
const waitingSince = perCpu<u64>(0);

/**
 * While waiting for a lock: shootdown requests answered, and the watchdog's
 * report after too long. `cpu` is the CPU whose lock it is (NOBODY: the
 * global lock); its holder is that CPU (a fast path) or the global lock's.
 */
function whileWaiting(first: bool, cpu: u32): void {
  if (first) waitingSince.set(rdtsc());
  tlb.answer();
  if (!watchdog.overdue(waitingSince.get())) return;
  // A CPU lock is held by its CPU in a fast path, else by the global lock's holder.
  const fastHolder = cpu !== NOBODY && k.cpus[usize(cpu)].fast;
  watchdog.stuck(fastHolder ? cpu : k.holder.load(), "a kernel lock");
}

/**
 * Takes `l` (a ticket lock), waiting with whileWaiting for `cpu`'s lock.
 * The uncontended case is inline here: every kernel entry takes two or more
 * of these, and a call into spinlock.ts per lock is most of their cost.
 */
function take(l: Spinlock, cpu: u32): void {
  const ticket = l.next.add(1);
  if (l.serving.load() !== ticket) l.waitFor(ticket, whileWaiting, cpu);
}

/** The slow path's locks: the global one, then every online CPU's. */
export function enter(): void {
  take(k.global, NOBODY);
  k.holder.store(percpu.cpuIndex.get());
  const n = k.online;
  for (let c: u32 = 0; c < n; c++) take(k.cpus[usize(c)].lock, c);
  k.taken = n;
}

/** Lets the slow path's locks go; TLB changes are settled first. */
export function leave(): void {
  tlb.sync();
  const n = k.taken;
  k.taken = 0;
  for (let c: u32 = 0; c < n; c++) k.cpus[usize(c)].lock.serving.add(1);
  k.holder.store(NOBODY);
  k.global.serving.add(1);
}

/** Whether this CPU holds the global lock. */
export function heldHere(): bool {
  return k.holder.load() === percpu.cpuIndex.get();
}

/** This CPU's entry (the index is one GS-relative load). */
function here(): CpuEntry {
  return k.cpus[usize(percpu.cpuIndex.get())];
}

function recordEntry(): CpuEntry {
  const c = here();
  c.inUser.store(false);
  return c;
}

/** An entry from ring 3 into the slow path: counted and recorded, then the locks. */
export function enterFromUser(): void {
  const c = recordEntry();
  c.fast = false;
  c.slowEntries++;
  enter();
}

/** A hypercall's entry into the fast path: counted and recorded, then this CPU's lock only. */
export function enterFast(): void {
  const c = recordEntry();
  take(c.lock, c.index);
  c.fast = true;
}

/**
 * The fast path cannot go on (ipc.ts found a case it leaves to the slow
 * path, before it changed anything): this CPU's lock goes, and the slow
 * path's locks are taken instead.
 */
export function fastToSlow(): void {
  const c = here();
  c.fast = false;
  c.slowEntries++;
  c.lock.serving.add(1);
  enter();
}

/** The way back to ring 3: recorded, then whatever this CPU holds goes. */
export function leaveToUser(): void {
  const c = here();
  c.inUser.store(true);
  if (c.fast) {
    c.fast = false;
    c.fastReturns++;
    c.lock.serving.add(1);
  } else leave();
}

/** Whether CPU `cpu` runs in ring 3 (or is on its way there) now. */
export function inUser(cpu: u32): bool {
  return cpu < MAX_CPUS && k.cpus[usize(cpu)].inUser.load();
}

/** Logs how many entries took the fast path and the slow one, over all CPUs (root.ts, at the end). */
export function logCounts(): void {
  let fast: u64 = 0;
  let slow: u64 = 0;
  for (let c: u32 = 0; c < k.online; c++) {
    fast += k.cpus[usize(c)].fastReturns;
    slow += k.cpus[usize(c)].slowEntries;
  }
  log(`KLOCK: ${fast} IPC fast paths, ${slow} slow-path entries from ring 3 on ${k.online} CPUs`);
}
