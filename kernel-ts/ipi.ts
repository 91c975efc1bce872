// Inter-processor interrupts between online CPUs (docs/smp.md): fixed
// vectors above the interrupt semaphores' (0x20-0xee) and the timer's (0xef).
//
// RESCHEDULE only makes the target enter the kernel: what it finds there
// (a higher-priority SC made ready, its running SC destroyed, a recall) is
// already recorded by the sender, under the kernel lock. The handler does
// nothing; the way back to ring 3 (event.ts userInterrupted) or the idle
// loop looks. SHOOTDOWN is answered without the kernel lock (tlb.ts), since
// its sender holds it while it waits.

import * as interrupts from "./interrupts.ts";
import * as lapic from "./lapic.ts";
import { MAX_CPUS } from "./cpuset.ts";

export const VECTOR_RESCHEDULE: u32 = 0xf0;
export const VECTOR_SHOOTDOWN: u32 = 0xf1;

/** ICR: fixed delivery, level assert (SDM Vol. 3A §11.6.1), the vector in bits 7:0. */
const FIXED_ASSERT: u32 = 1 << 14;

class Targets {
  /** CPUs 0..online-1 are online: the boot CPU, then all of them (smp.ts, after the bring-up). */
  online: u32;
  apicIds: Arr<u32, 256>;
  /** IPIs sent, per vector (the log and tests). */
  sent: Arr<u64, 256>;
}
const targets = new Targets();

/** Records CPU `cpu`'s APIC id (smp.ts, as each CPU comes online). */
export function setApicId(cpu: u32, apicId: u32): void {
  if (cpu < MAX_CPUS) targets.apicIds[usize(cpu)] = apicId;
}

/** CPUs 0..n-1 are online (smp.ts). */
export function setOnline(n: u32): void {
  targets.online = n;
}

/** How many CPUs are online (0 before the bring-up). */
export function online(): u32 {
  return targets.online;
}

/** CPU `cpu`'s APIC id. */
export function apicIdOf(cpu: u32): u32 {
  return targets.apicIds[usize(cpu)];
}

/** Sends `vector` to CPU `cpu`. */
export function send(cpu: u32, vector: u32): void {
  targets.sent[usize(vector & 0xff)]++;
  lapic.sendIpi(targets.apicIds[usize(cpu)], FIXED_ASSERT | vector);
}

/** How many IPIs with `vector` this kernel sent. */
export function sentCount(vector: u32): u64 {
  return targets.sent[usize(vector & 0xff)];
}

function reschedule(_vector: u32): void {}

export function init(): void {
  targets.online = 1;
  interrupts.register(VECTOR_RESCHEDULE, reschedule);
}
