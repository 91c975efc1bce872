// Semaphores (nova-abi.md §4.7 create_sm, §4.12 ctrl_sm): a kernel object
// with a 64-bit counter and a FIFO queue of waiting ECs, in the style of
// NOVA's Sm.
//
// up: wakes the first waiter, else increments (OVRFLOW at 2^64-1). down:
// decrements a counter > 0 (or sets it to 0 with Z); else the EC waits until
// an up wakes it (SUCCESS) or the TSC reaches its absolute timeout (TIMEOUT,
// through timer.ts; 0 = no timeout). Only the root EC exists today, so a
// waiting EC means the CPU idles in the kernel (`sti; hlt; cli`) on the
// hypercall's stack until its waiter record leaves the queue: by an up from
// an interrupt handler (no interrupt signals a semaphore yet) or by its
// timer. The waiter records are per EC; the root EC's is `rootWaiter`.

import { Kind, Status } from "./capability.ts";
import { KObject, allocObject, freeObject, initObject } from "./kobject.ts";
import * as timer from "./timer.ts";

/** An EC's place in a semaphore's queue while it waits in down(). */
export class Waiter {
  next: Waiter | null;
  /** The semaphore it waits on (null when it waits on none). */
  sm: Sm | null;
  /** Set when it leaves the queue: SUCCESS (up), TIMEOUT or ABORTED (semaphore destroyed). */
  waiting: bool;
  status: u32;
}

export class Sm {
  hdr: Inline<KObject>;
  counter: u64;
  /** FIFO of waiters: the head is woken first. */
  head: Waiter | null;
  tail: Waiter | null;

  /** A new semaphore with `counter` (no references yet), or null when memory is out. */
  static create(counter: u64): Sm | null {
    const va = allocObject(sizeof<Sm>());
    if (u64(va) === 0) return null;
    const s = structAt<Sm>(va);
    initObject(s.hdr, Kind.SM, destroySm);
    s.counter = counter;
    return s;
  }

  enqueue(w: Waiter): void {
    w.next = null;
    w.sm = this;
    w.waiting = true;
    const t = this.tail;
    if (t === null) this.head = w;
    else t.next = w;
    this.tail = w;
  }

  /** Takes `w` out of the queue (it must be in it) with `status`. */
  dequeue(w: Waiter, status: u32): void {
    let prev: Waiter | null = null;
    let at = this.head;
    while (at !== null && at !== w) {
      prev = at;
      at = at.next;
    }
    assert(at !== null, "sm: dequeue of a waiter not in the queue");
    if (prev === null) this.head = w.next;
    else prev.next = w.next;
    if (this.tail === w) this.tail = prev;
    w.next = null;
    w.sm = null;
    w.waiting = false;
    w.status = status;
  }

  /** ctrl_sm up: wakes the first waiter, else increments; OVRFLOW at 2^64-1. */
  up(): u32 {
    const w = this.head;
    if (w !== null) {
      this.dequeue(w, Status.SUCCESS);
      return Status.SUCCESS;
    }
    if (this.counter === u64.MAX) return Status.OVRFLOW;
    this.counter++;
    return Status.SUCCESS;
  }

  /**
   * ctrl_sm down for waiter `w`: SUCCESS at once when the counter is above 0
   * (decremented, or 0 with `zero`); else waits for an up (SUCCESS) or until
   * the TSC reaches `timeout` (TIMEOUT; 0 waits forever). Interrupts off.
   */
  down(w: Waiter, zero: bool, timeout: u64): u32 {
    if (this.counter > 0) {
      this.counter = zero ? 0 : this.counter - 1;
      return Status.SUCCESS;
    }
    this.enqueue(w);
    if (timeout !== 0) {
      const ok = timer.add(timeout, waiterId(w), timedOut);
      assert(ok, "sm: timer queue full");
    }
    // Interrupts only across `sti; hlt` (sti's shadow): an interrupt that
    // wakes the waiter between the check and hlt cannot be lost.
    while (w.waiting) {
      sti();
      hlt();
      cli();
    }
    if (timeout !== 0) timer.cancel(waiterId(w), timedOut);
    return w.status;
  }
}

/** The root EC's waiter record (the only EC today). */
export const rootWaiter = new Waiter();

/** Timer ids name waiters; there is one waiter, the root EC's. */
function waiterId(w: Waiter): u32 {
  assert(w === rootWaiter, "sm: waiter of an EC that does not exist");
  return 0;
}

function timedOut(_id: u32, _now: u64): void {
  const w = rootWaiter;
  const s = w.sm;
  if (w.waiting && s !== null) s.dequeue(w, Status.TIMEOUT);
}

/** The last capability went: waiters (none can exist while the only EC is the caller) get ABORTED. */
function destroySm(o: KObject): void {
  const s = structAt<Sm>(structAddress(o));
  let w = s.head;
  while (w !== null) {
    s.dequeue(w, Status.ABORTED);
    w = s.head;
  }
  freeObject(s.hdr, sizeof<Sm>());
}
