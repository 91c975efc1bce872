// The time-stamp counter's frequency: from CPUID leaf 0x15 (crystal ratio)
// or 0x16 (base frequency) when the CPU reports them, else measured against
// the ACPI PM timer (3.579545 MHz, FADT), else against the PIT (1.193182 MHz).

import * as fadt from "./fadt.ts";
import { scale } from "./scale.ts";

/** Ticks per second, once init() ran. */
let hz: u64 = 0;
let source: str = "none";

const PM_TIMER_HZ: u64 = 3_579_545;
const PIT_HZ: u64 = 1_193_182;
/** Calibration windows: ~10 ms. */
const PM_TICKS: u64 = 35_795;
const PIT_TICKS: u16 = 11_932;

function fromCpuid(): u64 {
  const r = array<u32, 4>();
  cpuid(0, 0, r);
  const max = r[0];
  if (max >= 0x15) {
    cpuid(0x15, 0, r);
    // EAX/EBX = TSC/crystal ratio; ECX = crystal Hz (0 if not enumerated).
    if (r[0] !== 0 && r[1] !== 0 && r[2] !== 0) {
      source = "cpuid 0x15";
      return (u64(r[2]) * r[1]) / r[0];
    }
  }
  if (max >= 0x16) {
    cpuid(0x16, 0, r);
    if ((r[0] & 0xffff) !== 0) {
      source = "cpuid 0x16";
      return u64(r[0] & 0xffff) * 1_000_000;
    }
  }
  return 0;
}

function pmTimer(): u64 {
  return u64(inl(u16(fadt.info.pmTimer.address)));
}

function fromPmTimer(): u64 {
  if (!fadt.info.pmTimerPresent || fadt.info.pmTimer.space !== 1) return 0;
  const mask: u64 = fadt.info.pmTimerBits === 32 ? 0xffff_ffff : 0xff_ffff;
  const start = pmTimer();
  const t0 = rdtsc();
  let elapsed: u64 = 0;
  while (elapsed < PM_TICKS) elapsed = (pmTimer() - start) & mask;
  const t1 = rdtsc();
  source = "ACPI PM timer";
  return ((t1 - t0) * PM_TIMER_HZ) / elapsed;
}

/** PIT channel 2 in one-shot mode, gated by port 0x61, polled for its output. */
function fromPit(): u64 {
  const gate = inb(0x61);
  outb(0x61, (gate & 0xfd) | 0x01); // gate on, speaker off
  outb(0x43, 0xb0); // channel 2, lobyte/hibyte, mode 0
  outb(0x42, u8(PIT_TICKS & 0xff));
  outb(0x42, u8(PIT_TICKS >> 8));
  const t0 = rdtsc();
  while ((inb(0x61) & 0x20) === 0) pause();
  const t1 = rdtsc();
  outb(0x61, gate);
  source = "PIT";
  return ((t1 - t0) * PIT_HZ) / u64(PIT_TICKS);
}

export function init(): void {
  hz = fromCpuid();
  if (hz === 0) hz = fromPmTimer();
  if (hz === 0) hz = fromPit();
}

export function frequency(): u64 {
  return hz;
}

export function frequencySource(): str {
  return source;
}

/** TSC ticks in `ns` nanoseconds (exact up to an 18 GHz TSC: scale.ts). */
export function ticks(ns: u64): u64 {
  return scale(ns, hz, 1_000_000_000);
}

/** Milliseconds in `t` TSC ticks (for the boot log). */
export function ms(t: u64): u64 {
  return scale(t, 1000, hz);
}
