// The work the way back to ring 3 may owe, as bits (docs/smp.md): each is
// raised where the work arises and cleared where it is done, so the way out
// tests the bits once, `pending() | sc.hazards() | e.hazard` (as NOVA tests
// its CPU's and its EC's hazards), instead of asking every module; nothing
// owed costs three loads and one test. The bits live in three words, by whose
// they are:
//
// The kernel's (pending()), done by whichever CPU's slow path comes next:
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
// This CPU's (sc.hazards(), in its scheduler):
// - SCHED: the CPU schedules again before it returns to ring 3 (a
//   higher-priority SC became ready, here or by another CPU that then sends
//   an IPI, or the budget ran out).
//
// The running EC's (Ec.hazard, ec.ts; it moves with the EC):
// - RECALL: ctrl_ec recalled it; its RECALL event comes first (event.ts).
// - DEAD: it died (event.ts kill, its PD's end); it never goes back, and the
//   fast paths leave it to the slow path, which schedules instead.
//
// Only the slow path clears bits and raises all but REAP, holding the kernel
// lock, which also excludes every fast path: plain loads and stores (a fast
// path only reads SCHED and RECALL). REAP may also be raised by fast paths,
// by an atomic OR, which another CPU's fast path may do at the same time. A
// bit already set is not raised again, so the common raise is a load.

export enum Hazard {
  REAP = 0x1,
  TLB = 0x2,
  IO_BITMAP = 0x4,
  KSTAT = 0x8,
  HOOK = 0x10,
  SCHED = 0x20,
  RECALL = 0x40,
  DEAD = 0x80,
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
