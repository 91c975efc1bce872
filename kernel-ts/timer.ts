// Kernel timers: deadlines in TSC ticks, kept sorted, with the local APIC
// timer armed for the earliest (TSC-deadline mode, or one-shot mode
// converted from TSC ticks). The interrupt handler runs every expired timer
// and re-arms. selfTest() checks the order and the lateness of a batch.
//
// One queue per CPU, for its own local APIC timer: add() queues on the
// running CPU (an EC's semaphore timeout on its own CPU, an SC's budget). A
// timer may be cancelled from another CPU (a semaphore up there released the
// EC): it is taken out of its CPU's queue, whose APIC timer then fires for
// nothing at the old deadline and re-arms. All of it under the kernel lock.

import * as interrupts from "./interrupts.ts";
import * as lapic from "./lapic.ts";
import * as percpu from "./percpu.ts";
import { scale } from "./scale.ts";
import * as tsc from "./tsc.ts";

/** What a timer does when it expires: gets the timer and the TSC when it ran. */
export type Expiry = (t: Timer, now: u64) => void;

/**
 * A timer, owned by whoever waits on it (an EC embeds one for its timed
 * semaphore waits): the queue is a sorted list through `next`, so it never
 * fills up and adding takes no memory.
 */
export class Timer {
  deadline: u64;
  expiry: Expiry;
  /** What the expiry function needs to find its owner (an EC's address). */
  context: Virt;
  next: Timer | null;
  queued: bool;
  /** The CPU whose queue holds it. */
  cpu: u32;
}

class Queue {
  head: Timer | null;
}
const queues = array<Inline<Queue>, 256>();

function local(): Queue {
  return queues[percpu.slot()];
}

function arm(q: Queue): void {
  const h = q.head;
  lapic.setDeadline(h === null ? 0 : h.deadline);
}

/** Queues `t` on this CPU to run `expiry` at the TSC value `deadline`. Interrupts must be off. */
export function add(t: Timer, deadline: u64, expiry: Expiry, context: Virt): void {
  assert(!t.queued, "timer: added twice");
  const queue = local();
  t.cpu = percpu.cpuIndex.get();
  t.deadline = deadline;
  t.expiry = expiry;
  t.context = context;
  t.queued = true;
  let prev: Timer | null = null;
  let at = queue.head;
  while (at !== null && at.deadline <= deadline) {
    prev = at;
    at = at.next;
  }
  t.next = at;
  if (prev === null) {
    queue.head = t;
    arm(queue);
  } else prev.next = t;
}

/** Takes `t` out of the queue if it is still there (true then). Interrupts must be off. */
export function cancel(t: Timer): bool {
  if (!t.queued) return false;
  const queue = queues[usize(t.cpu)];
  let prev: Timer | null = null;
  let at = queue.head;
  while (at !== null && at !== t) {
    prev = at;
    at = at.next;
  }
  assert(at !== null, "timer: queued timer not in the queue");
  if (prev === null) {
    queue.head = t.next;
    if (t.cpu === percpu.cpuIndex.get()) arm(queue);
  } else prev.next = t.next;
  t.next = null;
  t.queued = false;
  return true;
}

function expired(_vector: u32): void {
  const queue = local();
  let now = rdtsc();
  let t = queue.head;
  while (t !== null && t.deadline <= now) {
    queue.head = t.next;
    t.next = null;
    t.queued = false;
    t.expiry(t, now);
    now = rdtsc();
    t = queue.head;
  }
  arm(queue);
}

export function init(): void {
  interrupts.register(lapic.VECTOR_TIMER, expired);
}

// The self-test: deadlines added out of order must run in deadline order, none early.
const TEST_TIMERS: u32 = 8;
class TestLog {
  timers: Arr<Inline<Timer>, 8>;
  fired: u32;
  ids: Arr<u32, 8>;
  lateness: Arr<u64, 8>;
  deadlines: Arr<u64, 8>;
}
const testLog = new TestLog();

function testExpiry(t: Timer, now: u64): void {
  const id = u32(u64(t.context));
  const n = usize(testLog.fired);
  if (n < 8) {
    testLog.ids[n] = id;
    testLog.lateness[n] = now - testLog.deadlines[usize(id)];
  }
  testLog.fired++;
}

/** Runs the self-test with interrupts enabled; logs the result, returns whether it passed. */
export function selfTest(): bool {
  const ms = tsc.ticks(1_000_000);
  // Offsets in ms, deliberately out of order: 7 3 5 1 8 2 6 4.
  const order = array<u32, 8>();
  order[0] = 7;
  order[1] = 3;
  order[2] = 5;
  order[3] = 1;
  order[4] = 8;
  order[5] = 2;
  order[6] = 6;
  order[7] = 4;
  const start = rdtsc() + ms;
  for (let i: usize = 0; i < 8; i++) {
    const id = order[i] - 1;
    testLog.deadlines[usize(id)] = start + u64(order[i]) * ms;
    add(testLog.timers[usize(id)], testLog.deadlines[usize(id)], testExpiry, virt(u64(id)));
  }
  const limit = rdtsc() + 1000 * ms;
  // Interrupts are enabled only across `sti; hlt` (sti's one-instruction shadow): the last
  // timer firing between the check and a plain hlt would leave hlt waiting for an
  // interrupt that never comes, with no timer armed.
  while (testLog.fired < TEST_TIMERS && rdtsc() < limit) {
    sti();
    hlt();
    cli();
  }
  let inOrder = testLog.fired === TEST_TIMERS;
  let worst: u64 = 0;
  for (let i: usize = 0; i < 8 && i < usize(testLog.fired); i++) {
    if (testLog.ids[i] !== u32(i)) inOrder = false;
    if (testLog.lateness[i] > worst) worst = testLog.lateness[i];
  }
  log(
    `TIMER: ${testLog.fired} of ${TEST_TIMERS} deadlines fired ${inOrder ? "in order" : "OUT OF ORDER"}, worst lateness ${scale(worst, 1000, ms)} us (${lapic.timerMode()} mode)`,
  );
  return inOrder;
}
