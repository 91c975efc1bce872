// The kernel lock (docs/smp.md "Locks"): one ticket lock that every CPU
// holds while it runs kernel code on kernel objects, so the object, IPC,
// scheduling and mapping code stays what it was on one CPU. What runs
// without it: the entry and exit paths around it, the idle loop's HLT, the
// TLB shootdown answer (tlb.ts) and the fault report.
//
// Taken: on every entry from ring 3 (syscall.ts dispatch, exceptions.ts for
// faults and interrupts taken in ring 3), by an interrupt that wakes the idle
// loop, by the idle loop itself, and by the boot CPU for all of boot. Let go:
// on every way back to ring 3 (ec.ts retUserSysret/retUserIret, and the
// returns of dispatch and exceptions.ts), and across the idle loop's HLT.
// The kernel runs with interrupts off, so a CPU never takes it twice.
//
// A CPU waiting for it answers TLB shootdowns: the holder may be waiting for
// exactly that CPU (tlb.ts). One that waits far too long reports the holder
// (watchdog.ts). `inUser` tells ctrl_ec's strong recall (ec.ts)
// whether a CPU has entered the kernel since the recall was sent.

import { MAX_CPUS } from "./cpuset.ts";
import * as percpu from "./percpu.ts";
import { Spinlock } from "./spinlock.ts";
import * as tlb from "./tlb.ts";
import * as watchdog from "./watchdog.ts";

const NOBODY: u32 = u32.MAX;

class CpuEntry {
  /** Between leaving the kernel for ring 3 and entering it again. */
  inUser: Atomic<bool>;
  /** Entries from ring 3 (a recall's proof that the CPU entered). */
  entries: Atomic<u64>;
}

class KernelLock {
  lock: Inline<Spinlock>;
  holder: Atomic<u32>;
  cpus: Arr<Inline<CpuEntry>, 256>;
}
const k = new KernelLock();

export function init(): void {
  k.holder.store(NOBODY);
}

/** When this CPU began to wait for the lock (the watchdog's measure). */
const waitingSince = perCpu<u64>(0);

/** Takes the lock (answering shootdowns while it waits). */
export function enter(): void {
  waitingSince.set(rdtsc());
  k.lock.acquireWhile(whileWaiting);
  k.holder.store(percpu.index());
}

function whileWaiting(): void {
  tlb.answer();
  if (watchdog.overdue(waitingSince.get())) watchdog.stuck(k.holder.load(), "the kernel lock");
}

/** Lets the lock go; TLB changes are settled first. */
export function leave(): void {
  tlb.sync();
  k.holder.store(NOBODY);
  k.lock.release();
}

/** Whether this CPU holds the lock. */
export function heldHere(): bool {
  return k.holder.load() === percpu.index();
}

/** An entry from ring 3: counted and recorded, then the lock. */
export function enterFromUser(): void {
  const c = k.cpus[usize(percpu.index())];
  c.inUser.store(false);
  c.entries.add(1);
  enter();
}

/** The way back to ring 3: recorded, then the lock goes. */
export function leaveToUser(): void {
  k.cpus[usize(percpu.index())].inUser.store(true);
  leave();
}

/** Whether CPU `cpu` runs in ring 3 (or is on its way there) now. */
export function inUser(cpu: u32): bool {
  return cpu < MAX_CPUS && k.cpus[usize(cpu)].inUser.load();
}

/** How often CPU `cpu` entered the kernel from ring 3. */
export function entries(cpu: u32): u64 {
  return k.cpus[usize(cpu)].entries.load();
}
