// ctrl_sm (nova-abi.md §4.12) and its fast path, for semaphores (sm.ts) and
// interrupt semaphores (interrupt_sm.ts, which builds them as Sms): a down
// there first acknowledges the interrupt. In a file of its own, named after
// the hypercall, so that sm.ts need not import interrupt_sm.ts, which
// imports sm.ts.

import { SM_D, SM_Z } from "../abi/hypercall.ts";
import { Perm_sm } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind } from "./capability.ts";
import * as ec from "./ec.ts";
import { ExceptionFrame } from "./frame.ts";
import * as intsm from "./interrupt_sm.ts";
import { SLOW } from "./klock.ts";
import { capObject } from "./lookup.ts";
import { Sm } from "./sm.ts";

/**
 * 0xb (§4.12): up (CTRLUP) or down (CTRLDN) with the absolute TSC timeout
 * in RSI (0: none). A down that waits blocks its EC (Sm.down).
 */
export function ctrlSm(f: ExceptionFrame, sel: u64, flags: u32): Status {
  const down = (flags & SM_D) !== 0;
  const need = down ? u32(Perm_sm.CTRL_DN) : u32(Perm_sm.CTRL_UP);
  const o = capObject(sel, Kind.SM, Kind.SM_INT, need);
  if (o === null) return Status.BAD_CAP;
  const s = structAt<Sm>(structAddress(o));
  if (!down) return s.up();
  if (o.kind === Kind.SM_INT) {
    const st = intsm.beforeDown(o);
    if (st !== Status.SUCCESS) return st;
  }
  return s.down(ec.current(), (flags & SM_Z) !== 0, f.rsi);
}

/**
 * ctrl_sm as a fast path (klock.ts FastHandler): an up with no EC waiting and a down of a
 * counter above 0, each one atomic operation on the counter; BAD_CAP for a selector without
 * the right capability. SLOW for the rest (a wake-up, a wait, an interrupt semaphore, or an EC
 * that must take the slow path's way out). Waiters are queued and dequeued only by the slow
 * path, which excludes every fast path, so `head` does not change meanwhile; fast paths on
 * other CPUs may change the counter between the load and the exchange, which then retries.
 * @inline
 */
export function ctrlSmFast(_f: ExceptionFrame, sel: u64, flags: u32): u32 {
  const down = (flags & SM_D) !== 0;
  const need = down ? u32(Perm_sm.CTRL_DN) : u32(Perm_sm.CTRL_UP);
  const o = capObject(sel, Kind.SM, Kind.SM_INT, need);
  if (o === null) return Status.BAD_CAP;
  if (o.kind !== Kind.SM || !ec.continuesFast(ec.current())) return SLOW;
  const s = structAt<Sm>(structAddress(o));
  if (!down) {
    if (s.head !== null) return SLOW;
    for (;;) {
      const c = s.counter.load(Order.RELAXED);
      if (c === u64.MAX) return Status.OVRFLOW;
      // Release: what the EC wrote before its up is visible to the EC whose down takes it.
      if (s.counter.compareExchange(c, c + 1, Order.RELEASE, Order.RELAXED)) return Status.SUCCESS;
    }
  }
  const zero = (flags & SM_Z) !== 0;
  for (;;) {
    const c = s.counter.load(Order.RELAXED);
    if (c === 0) return SLOW;
    // Acquire: pairs with the up's release.
    if (s.counter.compareExchange(c, zero ? 0 : c - 1, Order.ACQUIRE, Order.RELAXED))
      return Status.SUCCESS;
  }
}
