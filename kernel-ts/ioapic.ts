// The I/O APICs (82093AA datasheet; ACPI MADT): every input masked at boot,
// then routed one GSI at a time to a vector on a chosen CPU, with the MADT's
// interrupt source overrides applied to the ISA IRQs.

import * as interrupts from "./interrupts.ts";
import * as lapic from "./lapic.ts";
import * as madt from "./madt.ts";
import * as pit from "./pit.ts";
import * as ptab from "./ptab.ts";
import * as space from "./space_kernel.ts";

// Indirect registers: write the index to IOREGSEL, then read/write IOWIN.
const IOREGSEL: u64 = 0x00;
const IOWIN: u64 = 0x10;
const REG_ID: u32 = 0x00;
const REG_VERSION: u32 = 0x01;
const REG_REDIRECTION: u32 = 0x10;

const REDIRECT_MASKED: u64 = 1 << 16;
const REDIRECT_LEVEL: u64 = 1 << 15;
const REDIRECT_ACTIVE_LOW: u64 = 1 << 13;

// MPS INTI flags of an override (ACPI Table 5.50): polarity bits 1:0, trigger bits 3:2.
const POLARITY_ACTIVE_LOW: u16 = 0x3;
const TRIGGER_LEVEL: u16 = 0xc;

class Unit {
  id: u8;
  mmio: Virt;
  gsiBase: u32;
  inputs: u32;
}
export const MAX_UNITS: usize = 32;
class Units {
  count: usize;
  list: Arr<Inline<Unit>, 32>;
}
const units = new Units();

function read(u: Unit, reg: u32): u32 {
  ptrFromVirt<u32>(u.mmio + IOREGSEL).storeVolatile(reg);
  return ptrFromVirt<u32>(u.mmio + IOWIN).loadVolatile();
}

function write(u: Unit, reg: u32, v: u32): void {
  ptrFromVirt<u32>(u.mmio + IOREGSEL).storeVolatile(reg);
  ptrFromVirt<u32>(u.mmio + IOWIN).storeVolatile(v);
}

function writeEntry(u: Unit, input: u32, entry: u64): void {
  // Mask first, then the upper half (destination), then the lower half (unmasks last).
  write(u, REG_REDIRECTION + input * 2, u32(REDIRECT_MASKED));
  write(u, REG_REDIRECTION + input * 2 + 1, u32(entry >> 32));
  write(u, REG_REDIRECTION + input * 2, u32(entry));
}

/** Maps every MADT I/O APIC and masks all their inputs; logs one line per unit. */
export function init(allocate: ptab.TableAllocator): void {
  for (let i: usize = 0; i < madt.info.ioapicCount && units.count < MAX_UNITS; i++) {
    const m = madt.info.ioapics[i];
    const u = units.list[units.count];
    u.id = m.id;
    u.gsiBase = m.gsiBase;
    u.mmio = space.mapMmio(m.address, 0x1000, allocate);
    if (u64(u.mmio) === 0) {
      log(`IOAPIC: id ${m.id} at ${m.address}: no mapping (out of memory)`);
      continue;
    }
    u.inputs = ((read(u, REG_VERSION) >> 16) & 0xff) + 1;
    for (let input: u32 = 0; input < u.inputs; input++) writeEntry(u, input, REDIRECT_MASKED);
    log(
      `IOAPIC: id ${u.id} hardware id ${(read(u, REG_ID) >> 24) & 0xf} at ${m.address} gsi ${u.gsiBase}-${u.gsiBase + u.inputs - 1} version ${hex(read(u, REG_VERSION) & 0xff)} masked`,
    );
    units.count++;
  }
}

/** The GSI an ISA IRQ arrives on, and its trigger/polarity, after the MADT overrides. */
export function isaGsi(irq: u8): u32 {
  for (let i: usize = 0; i < madt.info.overrideCount; i++) {
    const o = madt.info.overrides[i];
    if (o.bus === 0 && o.source === irq) return o.gsi;
  }
  return u32(irq);
}

function isaFlags(gsi: u32): u16 {
  for (let i: usize = 0; i < madt.info.overrideCount; i++) {
    const o = madt.info.overrides[i];
    if (o.bus === 0 && o.gsi === gsi) return o.flags;
  }
  return 0; // ISA default: edge-triggered, active high
}

/**
 * Routes `gsi` to `vector` on the CPU with APIC id `apicId` (physical
 * destination, fixed delivery). ISA IRQs take the overrides' trigger and
 * polarity; other GSIs are level-triggered, active low (PCI). False when no
 * I/O APIC has that input.
 */
export function route(gsi: u32, vector: u8, apicId: u8, isa: bool): bool {
  const flags = isa ? isaFlags(gsi) : POLARITY_ACTIVE_LOW | TRIGGER_LEVEL;
  const low = (flags & 0x3) === POLARITY_ACTIVE_LOW;
  return program(gsi, vector, apicId, (flags & 0xc) === TRIGGER_LEVEL, low, false);
}

/**
 * Writes the whole redirection entry of `gsi`: `vector` on APIC id `apicId`
 * (physical destination, fixed delivery) with the given trigger, polarity
 * and mask. False when no I/O APIC has that input.
 */
export function program(
  gsi: u32,
  vector: u8,
  apicId: u8,
  level: bool,
  activeLow: bool,
  masked: bool,
): bool {
  for (let i: usize = 0; i < units.count; i++) {
    const u = units.list[i];
    if (gsi < u.gsiBase || gsi >= u.gsiBase + u.inputs) continue;
    let entry = u64(vector) | (u64(apicId) << 56);
    if (activeLow) entry |= REDIRECT_ACTIVE_LOW;
    if (level) entry |= REDIRECT_LEVEL;
    if (masked) entry |= REDIRECT_MASKED;
    writeEntry(u, gsi - u.gsiBase, entry);
    return true;
  }
  return false;
}

/** One past the highest GSI any I/O APIC has (HIP INTPIN): GSIs 0…pins()-1. */
export function pins(): u32 {
  let n: u32 = 0;
  for (let i: usize = 0; i < units.count; i++) {
    const u = units.list[i];
    if (u.gsiBase + u.inputs > n) n = u.gsiBase + u.inputs;
  }
  return n;
}

export function mask(gsi: u32): void {
  for (let i: usize = 0; i < units.count; i++) {
    const u = units.list[i];
    if (gsi >= u.gsiBase && gsi < u.gsiBase + u.inputs)
      writeEntry(u, gsi - u.gsiBase, REDIRECT_MASKED);
  }
}

// The routing self-test: the PIT's IRQ 0 through its override to a vector.
const TEST_VECTOR: u32 = 0x30;
const TEST_INTERRUPTS: u64 = 20;
let testCount: u64 = 0;

function testInterrupt(_vector: u32): void {
  testCount++;
}

/**
 * Routes ISA IRQ 0 (the PIT) to TEST_VECTOR on this CPU, lets the PIT tick at
 * 1 kHz until TEST_INTERRUPTS arrived (or 1 s of TSC time passed), then masks
 * it again. `ticksPerMs` is the TSC rate. Logs and returns the result.
 */
export function selfTest(ticksPerMs: u64): bool {
  const gsi = isaGsi(0);
  interrupts.register(TEST_VECTOR, testInterrupt);
  if (!route(gsi, u8(TEST_VECTOR), u8(lapic.id()), true)) {
    log(`IOAPIC: no I/O APIC input for GSI ${gsi}`);
    return false;
  }
  pit.start(1000);
  const t0 = rdtsc();
  sti();
  while (testCount < TEST_INTERRUPTS && rdtsc() - t0 < 1000 * ticksPerMs) hlt();
  cli();
  const ms = (rdtsc() - t0) / ticksPerMs;
  pit.stop();
  mask(gsi);
  const ok = testCount >= TEST_INTERRUPTS;
  log(
    `IOAPIC: ISA IRQ 0 -> GSI ${gsi} -> vector ${hex(TEST_VECTOR)}: ${testCount} interrupts in ${ms} ms${ok ? "" : " (too few)"}`,
  );
  return ok;
}
