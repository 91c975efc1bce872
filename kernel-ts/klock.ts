// The kernel's locks (docs/smp.md "The kernel lock"): one global ticket lock
// for the slow path and one reader flag per CPU for the hypercalls' fast paths, a
// reader-writer scheme in which the fast paths are the readers.
//
// - The fast paths (FastHandler: ipc.ts fastCall/fastReply, ctrl_sm.ts ctrlSmFast,
//   pt.ts ctrlPt, sc.ts ctrlSc; and event.ts deliverFast after a VM exit) only raise their own CPU's `reading` flag and look whether
//   a slow path is `writing`; if one is, they lower the flag and take the
//   slow path instead (they never wait). They touch the calling CPU's
//   scheduler and ECs, read capability tables, portals and semaphores, and
//   change shared state only through atomics (reference counts, the dead
//   list, host spaces' CPU sets, semaphore counters, portal IDs and MTDs).
//   Fast paths on different CPUs run in parallel and share no lock.
// - Everything else (the slow path: every other hypercall, faults,
//   interrupts, the idle loop, boot) takes the global lock, raises
//   `writing`, and waits until no online CPU is `reading`. Then it excludes
//   every fast path, so the object, capability, mapping and scheduling code
//   stays what it was on one CPU, and it may change another CPU's scheduler
//   or ECs. Its cost grows by one load per online CPU, not one lock.
//
// Ordering: a fast path stores `reading`, then loads `writing`; a slow path
// stores `writing`, then loads every `reading`. Both stores are sequentially
// consistent (XCHG), so of two that race at least one sees the other: the
// fast path backs off, or the slow path waits for it. A store then a load of
// another location is the one reordering x86 does, so these two stores, and
// the loads that follow them, are the lock's only SEQ_CST accesses. The
// stores that let go (`reading` and `writing` lowered, the ticket served)
// are RELEASE: what the fast or slow path wrote is visible to whoever sees
// the store, through its acquire (or SEQ_CST) load. The rest (`inUser`,
// `holder`, `waitsFor`) is ordered by the lock itself or only reported.
//
// Taken: on every entry from ring 3 (syscall.ts entries, exceptions.ts for
// faults and interrupts taken in ring 3), by an interrupt that wakes the idle
// loop, by the idle loop itself, and by the boot CPU for all of boot. Let go:
// on every way back to ring 3 (leaveToUser: event.ts retUserSysret/retUserIret,
// the returns of the hypercall entries and exceptions.ts), and across the idle loop's HLT.
// The kernel runs with interrupts off, so a CPU never takes a lock twice.
//
// A CPU waiting for the global lock or for a reader answers TLB shootdowns:
// the holder may be waiting for exactly that CPU (tlb.ts). One that waits far
// too long reports the CPU it waits for (watchdog.ts). `inUser` tells
// ctrl_ec's strong recall (ec.ts) whether a CPU has entered the kernel since
// the recall was sent.

import { MAX_CPUS } from "./cpuset.ts";
import { ExceptionFrame } from "./frame.ts";
import * as percpu from "./percpu.ts";
import { Spinlock } from "./spinlock.ts";
import * as tlb from "./tlb.ts";
import * as watchdog from "./watchdog.ts";

const NOBODY: u32 = u32.MAX;

/** What a fast handler returns for a case it leaves to the slow path, having changed nothing. */
export const SLOW: u32 = u32.MAX;

/**
 * A hypercall's fast path (syscall.ts withFast): it runs as a reader, with only this CPU's
 * `reading` flag up, and answers the common cases of its hypercall (the status, which the
 * hypercall returns) or returns SLOW for the rest. Rules: docs/smp.md "The kernel lock".
 */
export type FastHandler = (f: ExceptionFrame, sel: u64, flags: u32) => u32;

class CpuEntry {
  /** In a fast path (a reader): a slow path waits until this is false. */
  reading: Atomic<bool>;
  /** Between leaving the kernel for ring 3 and entering it again. */
  inUser: Atomic<bool>;
  index: u32;
  /** Returns to ring 3 from the fast path and entries into the slow path (the boot log's KLOCK line). */
  fastReturns: u64;
  slowEntries: u64;
}
// A cache line per CPU: a fast path writes only its own CPU's line.
layout(CpuEntry, { align: 64, size: 64 });

class KernelLock {
  global: Inline<Spinlock>;
  /** The global lock's holder is in (or on its way into) the slow path: fast paths back off. */
  writing: Atomic<bool>;
  holder: Atomic<u32>;
  /** The CPU whose fast path the holder waits for (NOBODY: none): the one to blame if it takes too long. */
  waitsFor: Atomic<u32>;
  /** CPUs whose readers the slow path waits for (smp.ts counts them in, holding the lock). */
  online: u32;
  cpus: Arr<Inline<CpuEntry>, 256>;
}
const k = new KernelLock();

export function init(): void {
  k.holder.store(NOBODY, Order.RELAXED);
  k.waitsFor.store(NOBODY, Order.RELAXED);
  k.online = 1;
  for (let c: u32 = 0; c < MAX_CPUS; c++) k.cpus[usize(c)].index = c;
}

/** CPUs 0..n-1 are online (smp.ts, while the boot CPU holds the lock). */
export function setOnline(n: u32): void {
  k.online = n;
}

/**
 * What this CPU is in: the fast path (reading), or the slow path (holding the global lock).
 * `reading` tells the same; this per-CPU copy is for this CPU's own way out, one GS-relative
 * load.
 */
const fast = perCpu<bool>(false);

/** When this CPU began its current wait (the watchdog's measure). */
const waitingSince = perCpu<u64>(0);

/**
 * While waiting for the global lock (`cpu` NOBODY: its holder is to blame)
 * or for CPU `cpu` to leave its fast path: shootdown requests answered, and
 * the watchdog's report after too long.
 */
function whileWaiting(first: bool, cpu: u32): void {
  if (first) waitingSince.set(rdtsc());
  tlb.answer();
  if (!watchdog.overdue(waitingSince.get())) return;
  // A holder that waits for a fast path is not the one stuck: that fast path's CPU is.
  // Only reported: a value a moment old names the CPU just as well.
  const reader = cpu !== NOBODY ? cpu : k.waitsFor.load(Order.RELAXED);
  if (reader !== NOBODY) watchdog.stuck(reader, "the end of a fast path");
  watchdog.stuck(k.holder.load(Order.RELAXED), "a kernel lock");
}

/** Waits until CPU `c` has left its fast path. */
function waitForReader(c: CpuEntry): void {
  // `waitsFor` is only for the watchdog's report.
  k.waitsFor.store(c.index, Order.RELAXED);
  let first = true;
  // `writing` is up and was seen before this reader (enter), so a fast path
  // that starts again backs off: this waits only for the one in progress.
  // Acquire: pairs with its release of `reading`, so what it did is visible.
  while (c.reading.load(Order.ACQUIRE)) {
    whileWaiting(first, c.index);
    first = false;
    pause();
  }
  k.waitsFor.store(NOBODY, Order.RELAXED);
}

/** The slow path: the global lock, then every fast path out. */
export function enter(): void {
  // The uncontended ticket is taken inline: every slow-path entry comes here.
  // A LOCK XADD whatever its order. The acquire load of `serving` pairs with the release in leave().
  const ticket = k.global.next.add(1);
  if (k.global.serving.load(Order.ACQUIRE) !== ticket)
    k.global.waitFor(ticket, whileWaiting, NOBODY);
  // heldHere compares it with this CPU's own index, and a CPU always reads its
  // own last store; other CPUs read it only for the watchdog's report.
  k.holder.store(percpu.cpuIndex.get(), Order.RELAXED);
  // Dekker's pattern with enterFast: this store must be visible before the
  // loads of `reading` below; only a SEQ_CST store (XCHG) orders that on x86.
  k.writing.store(true);
  const n = k.online;
  for (let c: u32 = 0; c < n; c++) {
    const e = k.cpus[usize(c)];
    if (e.reading.load()) waitForReader(e);
  }
}

/** Lets the slow path's lock go; TLB and I/O bitmap changes are settled first. */
export function leave(): void {
  // Each tests its own hazard bit first (hazard.ts).
  tlb.sync();
  tlb.settleIoBitmaps();
  // Release: a fast path that sees `writing` down (its load is SEQ_CST, an
  // acquire) sees everything the slow path wrote. No later load of this CPU
  // has to wait for it.
  k.writing.store(false, Order.RELEASE);
  k.holder.store(NOBODY, Order.RELAXED);
  k.global.release();
}

/**
 * A long slow-path operation's safe point (mdb.ts: between the slots of a ctrl_pd range): if
 * another CPU waits for the global lock, this CPU lets it go (with what leave() settles) and
 * queues for it again behind the waiters, so that no wait grows with the size of an operation
 * (docs/smp.md). The caller holds nothing across it that another slow path could free: what it
 * uses after it, it holds references on, and it finds everything else again.
 */
export function yieldIfWanted(): void {
  // The holder's ticket is `serving`, and `next` is one beyond the last ticket taken: more
  // than one apart, someone waits (a u32 difference, right across the wrap).
  const taken = k.global.next.load(Order.RELAXED) - k.global.serving.load(Order.RELAXED);
  if (taken <= 1) return;
  leave();
  enter();
}

/** Whether this CPU holds the global lock. */
export function heldHere(): bool {
  return k.holder.load() === percpu.cpuIndex.get();
}

/**
 * This CPU's entry (the index is one GS-relative load, in range by its type).
 * @inline
 */
function here(): CpuEntry {
  return k.cpus[percpu.slot()];
}

/** @inline */
function recordEntry(): CpuEntry {
  const c = here();
  // ctrl_ec reads `inUser` holding the lock, which this CPU takes after this
  // store (the release of the SEQ_CST `reading` store or ticket XADD that
  // follows keeps it before them); read too early, it costs a few more polls.
  c.inUser.store(false, Order.RELEASE);
  return c;
}

/** An entry from ring 3 into the slow path: counted and recorded, then the lock. */
export function enterFromUser(): void {
  const c = recordEntry();
  fast.set(false);
  c.slowEntries++;
  enter();
}

/**
 * A hypercall's entry into the fast path: true if it may go on there; false
 * if a slow path is in the kernel (then the caller takes the slow path,
 * enterFromUser, and queues for the global lock in ticket order).
 * @inline
 */
export function enterFast(): bool {
  const c = recordEntry();
  // Dekker's pattern with enter: `reading` must be visible before `writing`
  // is loaded, a store-load order that only a SEQ_CST store (XCHG) gives.
  c.reading.store(true);
  if (!k.writing.load()) {
    fast.set(true);
    return true;
  }
  // Backing off changed nothing: the slow path need only see it eventually.
  c.reading.store(false, Order.RELEASE);
  return false;
}

/**
 * The fast path cannot go on (ipc.ts found a case it leaves to the slow
 * path, before it changed anything): it stops reading and takes the slow
 * path's lock instead.
 */
export function fastToSlow(): void {
  const c = here();
  fast.set(false);
  c.slowEntries++;
  // Release, as on the way out of a fast path (this one changed nothing yet).
  c.reading.store(false, Order.RELEASE);
  enter();
}

/**
 * The way back to ring 3: recorded, then whatever this CPU holds goes.
 * @inline
 */
export function leaveToUser(): void {
  const c = here();
  // Before the lock goes (whose release orders it): ctrl_ec, holding the lock
  // after this CPU, sees it and sends the IPI that a recall needs.
  c.inUser.store(true, Order.RELEASE);
  if (fast.get()) {
    fast.set(false);
    c.fastReturns++;
    // Release: the slow path that sees the fast path out (acquire) sees all it wrote.
    c.reading.store(false, Order.RELEASE);
  } else leave();
}

/** Whether CPU `cpu` runs in ring 3 (or is on its way there) now. */
export function inUser(cpu: u32): bool {
  // Ordered by the kernel lock, as the stores are: an acquire is enough.
  return cpu < MAX_CPUS && k.cpus[usize(cpu)].inUser.load(Order.ACQUIRE);
}

/** Logs how many entries took the fast path and the slow one, over all CPUs (root.ts, at the end). */
export function logCounts(): void {
  let fast: u64 = 0;
  let slow: u64 = 0;
  for (let c: u32 = 0; c < k.online; c++) {
    fast += k.cpus[usize(c)].fastReturns;
    slow += k.cpus[usize(c)].slowEntries;
  }
  log(`KLOCK: ${fast} fast paths, ${slow} slow-path entries from ring 3 on ${k.online} CPUs`);
}
