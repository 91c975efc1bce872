// Kernel timers: deadlines in TSC ticks, kept sorted, with the local APIC
// timer armed for the earliest (TSC-deadline mode, or one-shot mode
// converted from TSC ticks). The interrupt handler runs every expired timer
// and re-arms. selfTest() checks the order and the lateness of a batch.

import * as interrupts from "./interrupts.ts";
import * as lapic from "./lapic.ts";
import * as tsc from "./tsc.ts";

export const MAX_TIMERS: usize = 32;

/** What a timer does when it expires: gets its id and the TSC when it ran. */
export type Expiry = (id: u32, now: u64) => void;

class Timer {
  deadline: u64;
  id: u32;
  expiry: Expiry;
}

class Queue {
  count: usize;
  timers: Arr<Inline<Timer>, 32>;
}
const queue = new Queue();

function arm(): void {
  lapic.setDeadline(queue.count === 0 ? 0 : queue.timers[0].deadline);
}

/** Adds a timer; false when the queue is full. Interrupts must be off. */
export function add(deadline: u64, id: u32, expiry: Expiry): bool {
  if (queue.count === MAX_TIMERS) return false;
  let at = queue.count;
  while (at > 0 && queue.timers[at - 1].deadline > deadline) {
    const to = queue.timers[at];
    const from = queue.timers[at - 1];
    to.deadline = from.deadline;
    to.id = from.id;
    to.expiry = from.expiry;
    at--;
  }
  const t = queue.timers[at];
  t.deadline = deadline;
  t.id = id;
  t.expiry = expiry;
  queue.count++;
  arm();
  return true;
}

/** Removes the timer with `id` and `expiry` if it is still queued (true then). Interrupts must be off. */
export function cancel(id: u32, expiry: Expiry): bool {
  for (let i: usize = 0; i < queue.count; i++) {
    const t = queue.timers[i];
    if (t.id !== id || t.expiry !== expiry) continue;
    for (let k = i + 1; k < queue.count; k++) {
      const to = queue.timers[k - 1];
      const from = queue.timers[k];
      to.deadline = from.deadline;
      to.id = from.id;
      to.expiry = from.expiry;
    }
    queue.count--;
    arm();
    return true;
  }
  return false;
}

function expired(_vector: u32): void {
  let now = rdtsc();
  while (queue.count !== 0 && queue.timers[0].deadline <= now) {
    const first = queue.timers[0];
    const id = first.id;
    const expiry = first.expiry;
    for (let i: usize = 1; i < queue.count; i++) {
      const to = queue.timers[i - 1];
      const from = queue.timers[i];
      to.deadline = from.deadline;
      to.id = from.id;
      to.expiry = from.expiry;
    }
    queue.count--;
    expiry(id, now);
    now = rdtsc();
  }
  arm();
}

export function init(): void {
  interrupts.register(lapic.VECTOR_TIMER, expired);
}

// The self-test: deadlines added out of order must run in deadline order, none early.
const TEST_TIMERS: u32 = 8;
class TestLog {
  fired: u32;
  ids: Arr<u32, 8>;
  lateness: Arr<u64, 8>;
  deadlines: Arr<u64, 8>;
}
const testLog = new TestLog();

function testExpiry(id: u32, now: u64): void {
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
    add(testLog.deadlines[usize(id)], id, testExpiry);
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
    `TIMER: ${testLog.fired} of ${TEST_TIMERS} deadlines fired ${inOrder ? "in order" : "OUT OF ORDER"}, worst lateness ${(worst * 1000) / ms} us (${lapic.timerMode()} mode)`,
  );
  return inOrder;
}
