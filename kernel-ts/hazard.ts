// The work the slow path's way out may owe, as one word (docs/smp.md): each
// bit is raised where the work arises and cleared where it is done, so the
// way out tests one word instead of asking every module, and the common case,
// nothing owed, costs one load.
//
// - REAP: an object's last reference went (kobject.ts unref, on any path and
//   any CPU); kobject.reap destroys it.
// - TLB: a host space lost entries (tlb.ts flushed); tlb.sync shoots them
//   down before the lock goes.
// - IO_BITMAP: a PIO space's bitmap changed (space_pio.ts); every CPU reloads
//   its running PD's bitmap before the lock goes (tlb.settleIoBitmaps).
// - KSTAT: the statistics page is on (kstat.ts); it is rewritten after every
//   hypercall. Raised once, never cleared.
// - HOOK: a test hook waits for the next hypercall (fault=sysret, syscall.ts).
//
// The per-CPU and per-EC conditions (a reschedule, a recall) stay with their
// scheduler and EC. Only the slow path clears bits and raises all but REAP
// (raiseLocked), holding the kernel lock, which also excludes every fast path:
// plain loads and stores. REAP may also be raised by fast paths, by an atomic
// OR, which another CPU's fast path may do at the same time. A bit already
// set is not raised again, so the common raise is a load.

export enum Hazard {
  REAP = 0x1,
  TLB = 0x2,
  IO_BITMAP = 0x4,
  KSTAT = 0x8,
  HOOK = 0x10,
}

class Word {
  bits: Atomic<u32>;
}
const word = new Word();

/** Work is owed: `h` is raised, from any path (a fast path too: an atomic OR). */
export function raise(h: Hazard): void {
  // RELAXED: the work itself is published by the lock or by its own atomic (the dead list).
  if ((word.bits.load(Order.RELAXED) & u32(h)) === 0) word.bits.or(u32(h), Order.RELAXED);
}

/**
 * raise() from the slow path, holding the kernel lock: no fast path runs meanwhile (klock.ts),
 * so nobody else changes the word and a plain load and store do.
 */
export function raiseLocked(h: Hazard): void {
  const bits = word.bits.load(Order.RELAXED);
  if ((bits & u32(h)) === 0) word.bits.store(bits | u32(h), Order.RELAXED);
}

/** The bits raised (0: nothing owed). */
export function pending(): u32 {
  return word.bits.load(Order.RELAXED);
}

/** Whether `h` is raised. */
export function has(h: Hazard): bool {
  return (pending() & u32(h)) !== 0;
}

/**
 * `h` is done: the slow path, holding the kernel lock (a plain store, as raiseLocked), before
 * it does the work, so that a raise while it works stays.
 */
export function clear(h: Hazard): void {
  word.bits.store(word.bits.load(Order.RELAXED) & ~u32(h), Order.RELAXED);
}
