// Semaphores (nova-abi.md §4.7, §4.12): a kernel object with a 64-bit
// counter and a FIFO queue of waiting ECs, in the style of NOVA's Sm.
//
// up: wakes the first waiter, else increments (OVRFLOW at 2^64-1). down:
// decrements a counter > 0 (or sets it to 0 with Z); else the EC waits until
// an up wakes it (SUCCESS) or the TSC reaches its absolute timeout (TIMEOUT,
// through timer.ts; 0 = no timeout). A waiting EC blocks (ec.ts): its SC is
// parked and another runs; the up, the timeout or the semaphore's
// destruction (ABORTED) releases it with the status in its RDI.
//
// create_sm is here; ctrl_sm is in ctrl_sm.ts: interrupt semaphores
// (interrupt_sm.ts) are Sms too, built on this file, and ctrl_sm's down
// acknowledges their interrupt first, so here it would import
// interrupt_sm.ts, which imports this file.

import { Perm_pd, Perm_sm } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind } from "./capability.ts";
import * as ec from "./ec.ts";
import { Ec } from "./ec.ts";
import * as event from "./event.ts";
import { KObject, allocObject, destroyNow, freeObject, initObject, ref, unref } from "./kobject.ts";
import { ExceptionFrame } from "./frame.ts";
import { capObject, insertNew } from "./lookup.ts";
import * as timer from "./timer.ts";
import { Timer } from "./timer.ts";

export class Sm {
  hdr: Inline<KObject>;
  /**
   * Changed by fast paths on several CPUs at once (ctrl_sm.ts ctrlSmFast), so only by atomic operations.
   * The slow path excludes them: its accesses need no order (RELAXED).
   */
  counter: Atomic<u64>;
  /** FIFO of waiting ECs (linked through Ec.nextWaiter; each holds a reference): the head is woken first. */
  head: Ec | null;
  tail: Ec | null;

  /** A new semaphore with `counter` (no references yet), or null when memory is out. */
  static create(counter: u64): Sm | null {
    const va = allocObject(sizeof<Sm>());
    if (u64(va) === 0) return null;
    const s = structAt<Sm>(va);
    initObject(s.hdr, Kind.SM, destroySm);
    s.counter.store(counter, Order.RELAXED);
    return s;
  }

  enqueue(e: Ec): void {
    ref(e.hdr);
    e.nextWaiter = null;
    e.waitingOn = structAddress(this);
    const t = this.tail;
    if (t === null) this.head = e;
    else t.nextWaiter = e;
    this.tail = e;
  }

  /** Takes `e` out of the queue (it must be in it); the caller wakes it. */
  dequeue(e: Ec): void {
    let prev: Ec | null = null;
    let at = this.head;
    while (at !== null && at !== e) {
      prev = at;
      at = at.nextWaiter;
    }
    assert(at !== null, "sm: dequeue of an EC not in the queue");
    if (prev === null) this.head = e.nextWaiter;
    else prev.nextWaiter = e.nextWaiter;
    if (this.tail === e) this.tail = prev;
    e.nextWaiter = null;
    e.waitingOn = virt(0);
  }

  /** ctrl_sm up: wakes the first waiter, else increments; OVRFLOW at 2^64-1. Also from interrupt handlers. */
  up(): u32 {
    const e = this.head;
    if (e !== null) {
      this.dequeue(e);
      wake(e, Status.SUCCESS);
      return Status.SUCCESS;
    }
    const c = this.counter.load(Order.RELAXED);
    if (c === u64.MAX) return Status.OVRFLOW;
    this.counter.store(c + 1, Order.RELAXED);
    return Status.SUCCESS;
  }

  /**
   * ctrl_sm down for the running EC `e`: SUCCESS at once when the counter is
   * above 0 (decremented, or 0 with `zero`); else `e` blocks until an up
   * (SUCCESS) or until the TSC reaches `timeout` (TIMEOUT; 0 waits forever,
   * a deadline already passed is TIMEOUT at once). Interrupts off.
   */
  down(e: Ec, zero: bool, timeout: u64): u32 {
    const n = this.counter.load(Order.RELAXED);
    if (n > 0) {
      this.counter.store(zero ? 0 : n - 1, Order.RELAXED);
      return Status.SUCCESS;
    }
    if (timeout !== 0 && timeout <= rdtsc()) return Status.TIMEOUT;
    this.enqueue(e);
    if (timeout !== 0) timer.add(e.timeout, timeout, timedOut, structAddress(e));
    ec.block(e, event.retUserSysret);
  }
}

/** `e`, which waits on `s`, died (pd_end.ts): it leaves the queue and is not woken. */
export function abandon(e: Ec): void {
  const s = structAt<Sm>(e.waitingOn);
  s.dequeue(e);
  timer.cancel(e.timeout);
  unref(e.hdr);
}

/** `e` left a queue with `status` (its hypercall's result): it runs again. */
function wake(e: Ec, status: u32): void {
  timer.cancel(e.timeout);
  e.regs.rdi = u64(status);
  ec.release(e, event.retUserSysret);
  unref(e.hdr);
}

function timedOut(t: Timer, _now: u64): void {
  const e = structAt<Ec>(t.context);
  if (u64(e.waitingOn) === 0) return;
  const s = structAt<Sm>(e.waitingOn);
  s.dequeue(e);
  wake(e, Status.TIMEOUT);
}

/** The last capability went: waiters get ABORTED. */
function destroySm(o: KObject): void {
  const s = structAt<Sm>(structAddress(o));
  let e = s.head;
  while (e !== null) {
    s.dequeue(e);
    wake(e, Status.ABORTED);
    e = s.head;
  }
  freeObject(s.hdr, sizeof<Sm>());
}

/**
 * create_sm (0x6, §4.7): RSI the PD capability (SM permission), RDX the counter. The
 * semaphore is built before the slot is tried (NOVA's order, §4): an occupied
 * slot (or one ≥ SELNUM) is BAD_CAP and the new object is destroyed again.
 */
export function createSm(f: ExceptionFrame, sel: u64, _flags: u32): Status {
  if (capObject(f.rsi, Kind.PD, Kind.PD, Perm_pd.SM) === null) return Status.BAD_CAP;
  const s = Sm.create(f.rdx);
  if (s === null) return Status.MEM_OBJ;
  const st = insertNew(sel, structAddress(s), Perm_sm.DEFINED);
  if (st !== Status.SUCCESS) destroyNow(s.hdr);
  return st;
}
