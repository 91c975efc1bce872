// A ticket spinlock: CPUs take a ticket and enter in ticket order, so none
// starves. The kernel runs with interrupts off (as NOVA), so a lock is never
// taken again by an interrupt handler on the CPU that holds it.

/** Work a waiting CPU does between looks at the lock (klock.ts: answering TLB shootdowns). */
export type Waiting = () => void;

export class Spinlock {
  /** The next ticket to hand out. */
  next: Atomic<u32>;
  /** The ticket now allowed in. */
  serving: Atomic<u32>;

  acquire(): void {
    const ticket = this.next.add(1);
    while (this.serving.load() !== ticket) pause();
  }

  /** acquire(), running `waiting` while the lock is held elsewhere. */
  acquireWhile(waiting: Waiting): void {
    const ticket = this.next.add(1);
    while (this.serving.load() !== ticket) {
      waiting();
      pause();
    }
  }

  release(): void {
    this.serving.add(1);
  }
}
