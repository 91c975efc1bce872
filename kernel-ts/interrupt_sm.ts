// Interrupt semaphores and assign_int (nova-abi.md §9.3, §10.3, §4.12): one
// semaphore per I/O APIC pin (GSI 0…INTPIN-1) and per MSI slot
// (INTMSI of them), created at boot and held in the NOVA object space at
// 0x10000 + n with ASSIGN|CTRLDN (0x12). Interrupt n arrives on vector
// 0x20 + n, as in NOVA: the PICs are remapped to 0x20-0x2f (pic.ts) but
// masked and LINT0 is masked (lapic.ts), so no PIC interrupt reaches those
// vectors. Pins and MSIs share the range 0x20…0xee, below the local APIC's
// timer (0xef), error (0xfe) and spurious (0xff) vectors: INTPIN + INTMSI =
// 0xef - 0x20 = 207, every vector the kernel does not use itself (NOVA's
// 217 reaches 0xf8, which would cross our timer vector). With one CPU each
// MSI slot needs a vector of its own, so INTMSI is what the pins leave.
//
// The handler masks a level-triggered pin (its line stays asserted until the
// driver has serviced the device) and does up on the semaphore; ctrl_sm down
// unmasks it again before it waits (§4.12: down acknowledges the previous
// interrupt). Without interrupt remapping an MSI is addressed straight to
// the local APIC: 0xfee00000 | APIC id << 12, data = the vector.

import { INT_M, INT_P, INT_T } from "../abi/hypercall.ts";
import { Perm_sm } from "../abi/perms.ts";
import { NOVA_OBJ_INT_SM } from "../abi/selectors.ts";
import { Status } from "../abi/status.ts";
import { Kind, make } from "./capability.ts";
import { ExceptionFrame } from "./frame.ts";
import * as interrupts from "./interrupts.ts";
import * as ioapic from "./ioapic.ts";
import { KObject, ref } from "./kobject.ts";
import * as lapic from "./lapic.ts";
import { capObject } from "./lookup.ts";
import * as mdb from "./mdb.ts";
import * as ipi from "./ipi.ts";
import * as percpu from "./percpu.ts";
import { Sm } from "./sm.ts";
import { Space_obj } from "./space_obj.ts";

/** Interrupt n arrives on FIRST_VECTOR + n. */
export const FIRST_VECTOR: u32 = 0x20;
/** Vectors FIRST_VECTOR…below the local APIC timer's: INTPIN + INTMSI. */
export const MAX_INTERRUPTS: u32 = lapic.VECTOR_TIMER - FIRST_VECTOR;

/** §10.3 without interrupt remapping: the local APIC's MSI window. */
const MSI_ADDRESS: u64 = 0xfee0_0000;

/** One interrupt: its semaphore and what assign_int last configured. */
class Interrupt {
  sm: Sm | null;
  /** Target CPU (§10.3: [SRC] CPU 0 until assigned). */
  cpu: u32;
  level: bool;
  activeLow: bool;
  /** M: a masked pin stays masked in the I/O APIC; a masked MSI is dropped. */
  masked: bool;
}

class Table {
  pins: u32;
  msis: u32;
  list: Arr<Inline<Interrupt>, 256>;
}
const table = new Table();

/** HIP INTPIN: pin-based interrupts with a semaphore. */
export function pins(): u32 {
  return table.pins;
}

/** HIP INTMSI: message-signalled interrupts with a semaphore. */
export function msis(): u32 {
  return table.msis;
}

function vectorOf(n: u32): u8 {
  return u8(FIRST_VECTOR + n);
}

/** Writes pin n's redirection entry from its table state, masked or not. */
function programPin(n: u32, masked: bool): bool {
  const e = table.list[n];
  return ioapic.program(n, vectorOf(n), u8(ipi.apicIdOf(e.cpu)), e.level, e.activeLow, masked);
}

/** The vectors' handler: mask a level-triggered pin, drop a masked MSI, up on the semaphore. */
function arrived(vector: u32): void {
  const n = vector - FIRST_VECTOR;
  if (n >= table.pins + table.msis) return;
  const e = table.list[n];
  if (n < table.pins && e.level) programPin(n, true);
  if (n >= table.pins && e.masked) return;
  const s = e.sm;
  if (s !== null) s.up();
}

/**
 * Creates the interrupt semaphores (counter 0, masked, edge, active high,
 * CPU 0), puts their capabilities (0x12) into `nova` at NOVA_OBJ_INT_SM + n and
 * registers the vectors. One per I/O APIC input, capped at MAX_INTERRUPTS;
 * the MSI slots take the vectors that are left.
 */
export function create(nova: Space_obj): void {
  const p = ioapic.pins();
  table.pins = p > MAX_INTERRUPTS ? MAX_INTERRUPTS : p;
  table.msis = MAX_INTERRUPTS - table.pins;
  for (let n: u32 = 0; n < MAX_INTERRUPTS; n++) {
    const s = Sm.create(0);
    if (s === null) panic("interrupts: no memory for an interrupt semaphore");
    s.hdr.kind = Kind.SM_INT;
    ref(s.hdr);
    table.list[n].sm = s;
    const cap = make(structAddress(s), Perm_sm.DEFINED_INT);
    const st = mdb.insertRoot(nova, NOVA_OBJ_INT_SM + u64(n), cap);
    if (st !== Status.SUCCESS) panic("interrupts: no memory for the NOVA object space");
    interrupts.register(FIRST_VECTOR + n, arrived);
  }
  log(
    `INT: ${table.pins} pin and ${table.msis} MSI semaphores at NOVA object space ${hex(NOVA_OBJ_INT_SM)}-${hex(NOVA_OBJ_INT_SM + u64(MAX_INTERRUPTS) - 1)}, vectors ${hex(FIRST_VECTOR)}-${hex(FIRST_VECTOR + MAX_INTERRUPTS - 1)}`,
  );
}

/** The interrupt number of an interrupt semaphore (MAX_INTERRUPTS for any other object). */
function indexOf(o: KObject): u32 {
  for (let n: u32 = 0; n < MAX_INTERRUPTS; n++) {
    const s = table.list[n].sm;
    if (s !== null && structAddress(s) === structAddress(o)) return n;
  }
  return MAX_INTERRUPTS;
}

/**
 * assign_int, 0xd (§10.3): RSI[15:0] the CPU (checked first: BAD_CPU), then
 * `sel` must name an interrupt semaphore with ASSIGN (else BAD_CAP), flags
 * M/T/P (G ignored, as NOVA on x86). A pin gets its redirection entry and
 * returns RSI = RDX = 0; an MSI returns the address and data to program into
 * the device.
 */
export function assignInt(f: ExceptionFrame, sel: u64, flags: u32): Status {
  const o = capObject(sel, Kind.SM_INT, Kind.SM_INT, Perm_sm.ASSIGN);
  const cpu = f.rsi & 0xffff;
  // ipi.online(): smp.count() once the bring-up is over, without importing the bring-up.
  if (cpu >= u64(ipi.online())) return Status.BAD_CPU;
  if (o === null) return Status.BAD_CAP;
  const n = indexOf(o);
  if (n === MAX_INTERRUPTS) return Status.BAD_CAP;
  const e = table.list[n];
  e.cpu = u32(cpu);
  e.masked = (flags & INT_M) !== 0;
  e.level = (flags & INT_T) !== 0;
  e.activeLow = (flags & INT_P) !== 0;
  if (n < table.pins) {
    // A GSI between two I/O APICs' ranges has a semaphore but no input.
    if (!programPin(n, e.masked)) return Status.BAD_PAR;
    f.rsi = 0;
    f.rdx = 0;
    return Status.SUCCESS;
  }
  f.rsi = MSI_ADDRESS | (u64(ipi.apicIdOf(e.cpu)) << 12);
  f.rdx = u64(vectorOf(n));
  return Status.SUCCESS;
}

/**
 * ctrl_sm down on an interrupt semaphore (ctrl_sm.ts ctrlSm), before the
 * down itself (§4.12): BAD_CPU on a CPU other than the interrupt's; a
 * level-triggered pin that is not masked by assign_int is unmasked (the
 * handler masked it). SUCCESS: go on with the down.
 */
export function beforeDown(o: KObject): u32 {
  const n = indexOf(o);
  if (n === MAX_INTERRUPTS) return Status.SUCCESS;
  const e = table.list[n];
  if (e.cpu !== percpu.cpuIndex.get()) return Status.BAD_CPU;
  if (n < table.pins && e.level && !e.masked) programPin(n, false);
  return Status.SUCCESS;
}
