// The SMP watchdog (docs/smp.md "Watchdog"): no kernel path holds the kernel
// lock, or leaves a TLB shootdown unanswered, for more than microseconds. A
// CPU that has waited STUCK_NS for either names the CPU it waits for and
// sends it an NMI; that CPU prints where it is stuck (its RIP, registers and
// stack walk: exceptions.ts) and halts, and the waiting CPU stops the kernel
// with the panic exit. A stuck CPU thus shows up as a report, never as a
// silent hang of the whole machine.

import * as ipi from "./ipi.ts";
import * as lapic from "./lapic.ts";
import * as percpu from "./percpu.ts";
import * as power from "./power.ts";
import * as tsc from "./tsc.ts";

const STUCK_NS: u64 = 5_000_000_000;
/** How long the stuck CPU gets to print its report. */
const REPORT_NS: u64 = 2_000_000_000;
const NOBODY: u32 = u32.MAX;

class Dog {
  /** The CPU asked for a report (NOBODY: none). */
  target: Atomic<u32>;
  /** Set once a CPU reports (only one report per boot). */
  reporting: Atomic<bool>;
  reported: Atomic<bool>;
  stuckTicks: u64;
  /** When arm() ran: boot holds the kernel lock for as long as it takes, so waits count from here. */
  armedAt: u64;
}
const dog = new Dog();

export function init(): void {
  dog.target.store(NOBODY);
}

/**
 * Starts watching (init.ts, when boot is over and the root EC is about to
 * run): the APs wait for the kernel lock during all of boot, which may take
 * long on a loaded emulator.
 */
export function arm(): void {
  dog.armedAt = rdtsc();
  dog.stuckTicks = tsc.ticks(STUCK_NS);
}

/** Whether a wait that began at TSC `since` has gone on for too long (never before arm()). */
export function overdue(since: u64): bool {
  if (dog.stuckTicks === 0) return false;
  const from = since > dog.armedAt ? since : dog.armedAt;
  return rdtsc() - from > dog.stuckTicks;
}

/** This CPU waited too long for CPU `cpu` (for `what`): its report, then the panic exit. */
export function stuck(cpu: u32, what: str): never {
  if (dog.reporting.exchange(true)) {
    // Another CPU is reporting already; it ends the run.
    for (;;) pause();
  }
  // The stuck CPU may hold the console (stuck inside a log line).
  logTakeOver();
  log(
    `WATCHDOG: CPU ${percpu.cpuIndex.get()} waited ${STUCK_NS / 1_000_000} ms for ${what} of CPU ${cpu}: NMI to CPU ${cpu}`,
  );
  dog.target.store(cpu);
  lapic.sendIpi(ipi.apicIdOf(cpu), lapic.DELIVERY_NMI);
  const end = rdtsc() + tsc.ticks(REPORT_NS);
  while (!dog.reported.load() && rdtsc() < end) pause();
  if (!dog.reported.load()) log(`WATCHDOG: CPU ${cpu} did not answer the NMI`);
  power.exit(power.EXIT_PANIC);
}

/** Whether an NMI on this CPU is the watchdog's request for a report (exceptions.ts). */
export function isTarget(): bool {
  return dog.target.load() === percpu.cpuIndex.get();
}

/** This CPU's report is out (exceptions.ts, after printing it); the waiting CPU ends the run. */
export function reported(): never {
  dog.reported.store(true);
  for (;;) hlt();
}
