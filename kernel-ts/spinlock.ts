// A ticket spinlock: CPUs take a ticket and enter in ticket order, so none
// starves. The kernel runs with interrupts off (as NOVA), so a lock is never
// taken again by an interrupt handler on the CPU that holds it.

/**
 * Work a waiting CPU does between looks at the lock (klock.ts: answering
 * TLB shootdowns, the watchdog): `first` on the first call of a wait, and
 * the caller's `context`.
 */
export type Waiting = (first: bool, context: u32) => void;

export class Spinlock {
  /** The next ticket to hand out. */
  next: Atomic<u32>;
  /** The ticket now allowed in. */
  serving: Atomic<u32>;

  acquire(): void {
    const ticket = this.next.add(1);
    // Acquire: pairs with release(), so the previous holder's writes are visible.
    while (this.serving.load(Order.ACQUIRE) !== ticket) pause();
  }

  /**
   * Waits for `ticket` (taken from `next` by the caller) to be served,
   * running `waiting` meanwhile. klock.ts takes its ticket inline (every
   * slow-path entry takes one) and calls this only when the lock is held
   * elsewhere.
   */
  waitFor(ticket: u32, waiting: Waiting, context: u32): void {
    let first = true;
    while (this.serving.load(Order.ACQUIRE) !== ticket) {
      waiting(first, context);
      first = false;
      pause();
    }
  }

  /**
   * Only the holder writes `serving`, so a load and a release store (two
   * MOVs) serve the next ticket: no locked add, and the next holder's
   * acquire load sees everything written under the lock.
   */
  release(): void {
    this.serving.store(this.serving.load(Order.RELAXED) + 1, Order.RELEASE);
  }
}
