// The local APIC (Intel SDM Vol. 3A ch. 11): xAPIC through its MMIO page,
// x2APIC through MSRs when CPUID reports it (Bochs has it; QEMU 7.2 TCG does
// not). Spurious and error vectors, EOI, and the timer in TSC-deadline mode
// when the CPU has it, else one-shot mode counting down the bus clock.

import { IA32_APIC_BASE, IA32_TSC_DEADLINE, X2APIC_MSRS } from "../abi/msr.ts";
import * as ptab from "./ptab.ts";
import * as space from "./space_kernel.ts";
import * as tsc from "./tsc.ts";

// Register offsets in the xAPIC page; the x2APIC MSR is X2APIC_MSRS + offset / 16.
const ID: u32 = 0x20;
const VERSION: u32 = 0x30;
const TPR: u32 = 0x80;
const EOI: u32 = 0xb0;
const SVR: u32 = 0xf0;
const ESR: u32 = 0x280;
const LVT_TIMER: u32 = 0x320;
const LVT_LINT0: u32 = 0x350;
const LVT_LINT1: u32 = 0x360;
const LVT_ERROR: u32 = 0x370;
const TIMER_INITIAL: u32 = 0x380;
const TIMER_CURRENT: u32 = 0x390;
const TIMER_DIVIDE: u32 = 0x3e0;
const ICR_LOW: u32 = 0x300;
const ICR_HIGH: u32 = 0x310;
const ICR_PENDING: u32 = 1 << 12;

const APIC_BASE_ENABLE: u64 = 1 << 11;
const APIC_BASE_X2APIC: u64 = 1 << 10;
const APIC_BASE_ADDRESS: u64 = 0x000f_ffff_ffff_f000;

const CPUID1_ECX_X2APIC: u32 = 1 << 21;
const CPUID1_ECX_TSC_DEADLINE: u32 = 1 << 24;

const SVR_ENABLE: u32 = 1 << 8;
const LVT_MASKED: u32 = 1 << 16;
const LVT_TIMER_TSC_DEADLINE: u32 = 2 << 17;
/** Divide configuration 0b1011: divide by 1. */
const DIVIDE_BY_1: u32 = 0xb;

export const VECTOR_TIMER: u32 = 0xef;
export const VECTOR_ERROR: u32 = 0xfe;
export const VECTOR_SPURIOUS: u32 = 0xff;

class LapicState {
  x2apic: bool;
  tscDeadline: bool;
  mmio: Virt;
  /** One-shot mode: APIC timer ticks per TSC tick, as a 32.32 fixed-point ratio. */
  ticksPerTsc: u64;
}
export const state = new LapicState();

function read(reg: u32): u32 {
  if (state.x2apic) return u32(rdmsr(X2APIC_MSRS + (reg >> 4)));
  return ptrFromVirt<u32>(state.mmio + u64(reg)).loadVolatile();
}

function write(reg: u32, v: u32): void {
  if (state.x2apic) wrmsr(X2APIC_MSRS + (reg >> 4), u64(v));
  else ptrFromVirt<u32>(state.mmio + u64(reg)).storeVolatile(v);
}

/** The running CPU's APIC id (all 32 bits in x2APIC mode, bits 31:24 in xAPIC mode). */
export function id(): u32 {
  const v = read(ID);
  return state.x2apic ? v : v >> 24;
}

export function version(): u32 {
  return read(VERSION) & 0xff;
}

export function eoi(): void {
  write(EOI, 0);
}

/**
 * Sets up the boot CPU's local APIC: x2APIC mode when the CPU has it (unless
 * `allowX2apic` is false), else xAPIC with its page mapped uncached (every
 * CPU sees its own APIC at that address), then enables it (enableLocal()).
 */
export function init(allowX2apic: bool, allocate: ptab.TableAllocator): bool {
  const r = array<u32, 4>();
  cpuid(1, 0, r);
  state.tscDeadline = (r[2] & CPUID1_ECX_TSC_DEADLINE) !== 0;
  state.x2apic = allowX2apic && (r[2] & CPUID1_ECX_X2APIC) !== 0;
  if (!state.x2apic) {
    state.mmio = space.mapMmio(phys(rdmsr(IA32_APIC_BASE) & APIC_BASE_ADDRESS), 0x1000, allocate);
    if (u64(state.mmio) === 0) return false;
  }
  enableLocal();
  return true;
}

/**
 * Enables the running CPU's local APIC in the mode init() chose (the boot
 * CPU, then each AP: smp.ts). LINT0/1 stay masked (ExtINT and NMI wiring
 * comes with the MADT's NMI entries), the timer masked, errors on VECTOR_ERROR.
 */
export function enableLocal(): void {
  let base = rdmsr(IA32_APIC_BASE) | APIC_BASE_ENABLE;
  if (state.x2apic) {
    wrmsr(IA32_APIC_BASE, base); // xAPIC first: x2APIC is entered from the enabled state
    base |= APIC_BASE_X2APIC;
  } else if ((base & APIC_BASE_X2APIC) !== 0) {
    // x2APIC -> xAPIC is not a legal transition (#GP): disable the APIC first (SDM §11.12.5).
    wrmsr(IA32_APIC_BASE, base & ~(APIC_BASE_X2APIC | APIC_BASE_ENABLE));
    base &= ~APIC_BASE_X2APIC;
  }
  wrmsr(IA32_APIC_BASE, base);
  write(TPR, 0);
  write(LVT_LINT0, LVT_MASKED);
  write(LVT_LINT1, LVT_MASKED);
  write(LVT_TIMER, LVT_MASKED);
  write(LVT_ERROR, VECTOR_ERROR);
  write(ESR, 0);
  write(SVR, SVR_ENABLE | VECTOR_SPURIOUS);
}

/** The APIC error vector: log the error status and go on (SDM Vol. 3A §11.5.3). */
export function errorInterrupt(_vector: u32): void {
  log(`LAPIC: error interrupt, ESR ${hex(errorStatus())}`);
}

/** Error status (write, then read, as the SDM asks). */
export function errorStatus(): u32 {
  write(ESR, 0);
  return read(ESR);
}

/**
 * One-shot mode only: measures the APIC timer against the TSC once, so
 * deadlines given in TSC ticks can be converted.
 */
export function calibrate(): void {
  if (state.tscDeadline || tsc.frequency() === 0) return;
  write(TIMER_DIVIDE, DIVIDE_BY_1);
  write(LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
  write(TIMER_INITIAL, 0xffff_ffff);
  const t0 = rdtsc();
  while (rdtsc() - t0 < tsc.ticks(1_000_000)) pause(); // 1 ms
  const counted = u64(0xffff_ffff - read(TIMER_CURRENT));
  const elapsed = rdtsc() - t0;
  write(TIMER_INITIAL, 0);
  state.ticksPerTsc = (counted << 32) / elapsed;
}

/** Arms the timer to fire VECTOR_TIMER once at TSC value `deadline` (0 disarms). */
export function setDeadline(deadline: u64): void {
  if (state.tscDeadline) {
    write(LVT_TIMER, VECTOR_TIMER | LVT_TIMER_TSC_DEADLINE);
    mfence(); // the LVT write must be seen before the deadline MSR write (SDM §11.5.4.1)
    wrmsr(IA32_TSC_DEADLINE, deadline);
    return;
  }
  write(LVT_TIMER, VECTOR_TIMER);
  if (deadline === 0) {
    write(TIMER_INITIAL, 0);
    return;
  }
  const now = rdtsc();
  // Far deadlines are capped (the timer fires early, timer.ts finds nothing due and re-arms):
  // delta · ticksPerTsc must not overflow 64 bits.
  const far: u64 = u64(1) << 31;
  const delta = deadline <= now ? 1 : deadline - now > far ? far : deadline - now;
  let count = (delta * state.ticksPerTsc) >> 32;
  if (count === 0) count = 1;
  write(TIMER_INITIAL, count > 0xffff_ffff ? 0xffff_ffff : u32(count));
}

/** ICR delivery mode NMI, level assert (SDM Vol. 3A §11.6.1). */
export const DELIVERY_NMI: u32 = (4 << 8) | (1 << 14);
/** ICR delivery mode INIT, level assert (SDM Vol. 3A §11.6.1, §8.4.4.1). */
export const DELIVERY_INIT: u32 = (5 << 8) | (1 << 14);
/** ICR delivery mode start-up (SIPI), level assert; the vector (bits 7:0) is the start page. */
export const DELIVERY_STARTUP: u32 = (6 << 8) | (1 << 14);

/** Sends an IPI to the CPU with `apicId` (physical destination, no shorthand). */
export function sendIpi(apicId: u32, command: u32): void {
  if (state.x2apic) {
    // WRMSR to the x2APIC ICR is not serializing: without the fences the IPI may arrive before
    // the stores it announces are visible to the target (SDM Vol. 3A §11.12.3).
    mfence();
    lfence();
    wrmsr(X2APIC_MSRS + (ICR_LOW >> 4), (u64(apicId) << 32) | u64(command));
    return;
  }
  write(ICR_HIGH, apicId << 24);
  write(ICR_LOW, command);
  while ((read(ICR_LOW) & ICR_PENDING) !== 0) pause();
}

export function timerMode(): str {
  return state.tscDeadline ? "TSC-deadline" : "one-shot";
}
