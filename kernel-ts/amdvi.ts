// AMD-Vi DMA remapping (AMD I/O Virtualization Technology (IOMMU)
// Specification 48882, chapters 2 and 3), one driver for every IOMMU the ACPI
// IVRS table names (ivrs.ts; IVHD types 10h, 11h and 40h may describe one
// IOMMU more than once: the first block of each register base counts).
// docs/iommu.md has the picture.
//
// Boot (init): one device table for all 2^16 device ids (2 MiB), shared by
// every IOMMU, whose entries start valid with translation on, mode 0 and
// neither IR nor IW: every device is blocked (its interrupts pass, IV = 0).
// Each IOMMU gets a command buffer and an event log of 4 KiB (256 entries) and
// is enabled (commands run only then); a completion wait proves the command
// buffer runs, or the IOMMU counts as failed. DMA spaces are 48-bit: the I/O page tables walk 4 levels (mode 4),
// which every IOMMU has (EFR.HATS = 0 means 4 levels). Their format is set in
// space_hst.ts (setDmaFormat): a table entry holds the next level in bits
// 11:9 and IR/IW (bits 61, 62) for the whole range below it, a leaf IR and,
// with W, IW.
//
// assign: the device's entry points at the space's PML4 with its domain id,
// IR and IW; then INVALIDATE_DEVTAB_ENTRY and INVALIDATE_IOMMU_PAGES of the
// domain, and a completion wait, before the call returns. invalidate (from
// iommu.ts after changed pages) invalidates one domain's pages or everything.
//
// The event log (IO_PAGE_FAULT and the rest) is read after each completion
// wait and at the end of boot: the first LOGGED_EVENTS are logged, all
// counted, the head moved past them. QEMU 7.2 writes no events.

import { Status } from "../abi/status.ts";
import * as ivrs from "./ivrs.ts";
import { ALL_DOMAINS } from "./iommu_domain.ts";
import * as kmem from "./kmem.ts";
import * as memory from "./memory.ts";
import * as ptab from "./ptab.ts";
import * as hst from "./space_hst.ts";
import { Space_hst } from "./space_hst.ts";
import * as space from "./space_kernel.ts";

// MMIO registers (§3.4).
enum AmdviReg {
  DEVICE_TABLE = 0x0000,
  COMMAND_BUFFER = 0x0008,
  EVENT_LOG = 0x0010,
  CONTROL = 0x0018,
  EXTENDED_FEATURES = 0x0030,
  COMMAND_HEAD = 0x2000,
  COMMAND_TAIL = 0x2008,
  EVENT_HEAD = 0x2010,
  EVENT_TAIL = 0x2018,
  STATUS = 0x2020,
}

const CONTROL_IOMMU_EN: u64 = 1 << 0;
const CONTROL_EVENT_LOG_EN: u64 = 1 << 2;
const CONTROL_CMD_BUF_EN: u64 = 1 << 12;
/** EFR: INVALIDATE_IOMMU_ALL supported. */
const EFR_IA: u64 = 1 << 6;
/** 256 entries of 16 bytes: the length field (log2 of the entries) in bits 59:56. */
const RING_BYTES: u64 = 0x1000;
const RING_LENGTH: u64 = u64(8) << 56;
/** The device table for every id: 2^16 entries of 32 bytes, Size = 511 (512 pages). */
const DEVICE_IDS: u64 = 0x1_0000;
const DEVICE_TABLE_ORDER: u32 = 9;
const DEVICE_TABLE_SIZE: u64 = 511;

/** A device table entry (§2.2.2.1): V, TV, mode, page table root, IR, IW; domain id. */
class Dte {
  q0: u64;
  q1: u64;
  q2: u64;
  q3: u64;
}
layout(Dte, { size: 32, offsets: { q0: 0, q1: 8, q2: 16, q3: 24 } });

const DTE_V: u64 = 1 << 0;
const DTE_TV: u64 = 1 << 1;
const DTE_MODE_SHIFT: u64 = 9;
const IR: u64 = u64(1) << 61;
const IW: u64 = u64(1) << 62;
const DOMAIN_MASK: u64 = 0xffff;
const LEVELS: u32 = 4;
/** I/O page table entries (§2.2.3): the next level in bits 11:9. */
const NEXT_LEVEL_SHIFT: u64 = 9;

/** A command (§2.4): four dwords, the opcode in bits 31:28 of the second. */
class Command {
  d0: u32;
  d1: u32;
  d2: u32;
  d3: u32;
}
layout(Command, { size: 16, offsets: { d0: 0, d1: 4, d2: 8, d3: 12 } });

enum Opcode {
  COMPLETION_WAIT = 0x1,
  INVALIDATE_DEVTAB_ENTRY = 0x2,
  INVALIDATE_IOMMU_PAGES = 0x3,
  INVALIDATE_IOMMU_ALL = 0x8,
}
/** INVALIDATE_IOMMU_PAGES of a whole domain: S and PDE, address 0x7fff_ffff_ffff_f000. */
const ALL_PAGES_LOW: u32 = 0xffff_f000 | 0x3;
const ALL_PAGES_HIGH: u32 = 0x7fff_ffff;

const LOGGED_EVENTS: u64 = 16;
const SPIN_LIMIT: u32 = 10_000_000;
const MAX_UNITS: usize = 16;

class AmdviUnit {
  mmio: Virt;
  base: Phys;
  segment: u16;
  /** ivrs.info.ivhds index: the device entries. */
  index: usize;
  efr: u64;
  commands: Phys;
  tail: u64;
  events: Phys;
}

class AmdviState {
  units: Arr<Inline<AmdviUnit>, 16>;
  count: usize;
  enabled: bool;
  deviceTable: Phys;
  /** The completion-wait store target: the first word of this page. */
  wait: Phys;
  events: u64;
  invalidations: u64;
}
const state = new AmdviState();

function read64(u: AmdviUnit, reg: u64): u64 {
  return ptrFromVirt<u64>(u.mmio + reg).loadVolatile();
}
function write64(u: AmdviUnit, reg: u64, v: u64): void {
  ptrFromVirt<u64>(u.mmio + reg).storeVolatile(v);
}

function dte(devid: u64): Dte {
  return structAt<Dte>(kmem.toVirt(state.deviceTable) + devid * 32);
}

/** An I/O page-table entry above a leaf: the next level, and IR/IW for everything below. */
function tableBits(level: u32): u64 {
  return ptab.PRESENT | (u64(level) << NEXT_LEVEL_SHIFT) | IR | IW;
}

/** Queues a command and moves the tail; false if the buffer stays full. */
function submit(u: AmdviUnit, d0: u32, d1: u32, d2: u32, d3: u32): bool {
  const next = (u.tail + 16) % RING_BYTES;
  let spins: u32 = 0;
  while (read64(u, AmdviReg.COMMAND_HEAD) === next) {
    if (spins === SPIN_LIMIT) return false;
    spins++;
    pause();
  }
  const c = structAt<Command>(kmem.toVirt(u.commands) + u.tail);
  c.d0 = d0;
  c.d1 = d1;
  c.d2 = d2;
  c.d3 = d3;
  u.tail = next;
  write64(u, AmdviReg.COMMAND_TAIL, next);
  return true;
}

/** COMPLETION_WAIT with a store: returns when every command before it is done (false: timeout). */
function complete(u: AmdviUnit): bool {
  const word = ptrFromVirt<u64>(kmem.toVirt(state.wait));
  word.storeVolatile(0);
  const pa = u64(state.wait);
  const d0 = u32(pa & 0xffff_fff8) | 1;
  const d1 = u32((pa >> 32) & 0xf_ffff) | (Opcode.COMPLETION_WAIT << 28);
  if (!submit(u, d0, d1, 1, 0)) return false;
  for (let i: u32 = 0; i < SPIN_LIMIT; i++) {
    if (word.loadVolatile() === 1) {
      readEvents(u);
      return true;
    }
    pause();
  }
  log(`AMDVI: IOMMU at ${u.base}: completion wait timed out`);
  return false;
}

/** Invalidates the cached pages of `domain` (ALL_DOMAINS: every cached translation). */
function invalidatePages(u: AmdviUnit, domain: u32): void {
  state.invalidations++;
  if (domain === ALL_DOMAINS && (u.efr & EFR_IA) !== 0) {
    submit(u, 0, Opcode.INVALIDATE_IOMMU_ALL << 28, 0, 0);
    return;
  }
  const first = domain === ALL_DOMAINS ? u32(1) : domain;
  const last = domain === ALL_DOMAINS ? u32(0xffff) : domain;
  for (let d = first; d <= last; d++)
    submit(u, 0, d | (Opcode.INVALIDATE_IOMMU_PAGES << 28), ALL_PAGES_LOW, ALL_PAGES_HIGH);
}

/** The IVHD blocks' distinct register bases, mapped and checked; false if one cannot serve. */
function probe(allocate: ptab.TableAllocator): bool {
  const s = state;
  for (let i: usize = 0; i < ivrs.info.ivhdCount; i++) {
    const h = ivrs.info.ivhds[i];
    let seen = false;
    for (let k: usize = 0; k < s.count; k++) if (s.units[k].base === h.base) seen = true;
    if (seen || s.count === MAX_UNITS) continue;
    const u = s.units[s.count];
    u.base = h.base;
    u.segment = h.segment;
    u.index = i;
    u.mmio = space.mapMmio(h.base, 0x4000, allocate);
    u.commands = allocate();
    u.events = allocate();
    if (u64(u.mmio) === 0 || u64(u.commands) === 0 || u64(u.events) === 0) {
      log(`AMDVI: IOMMU at ${h.base}: no memory for its registers or buffers`);
      return false;
    }
    u.efr = read64(u, AmdviReg.EXTENDED_FEATURES);
    log(`AMDVI: IOMMU at ${h.base} segment ${h.segment} features ${hex(u.efr)}`);
    s.count++;
  }
  return s.count > 0;
}

/** Tables, buffers, a completion wait, then translation; false (logged) if it does not answer. */
function enable(u: AmdviUnit): bool {
  write64(u, AmdviReg.CONTROL, 0);
  write64(u, AmdviReg.DEVICE_TABLE, u64(state.deviceTable) | DEVICE_TABLE_SIZE);
  write64(u, AmdviReg.COMMAND_BUFFER, u64(u.commands) | RING_LENGTH);
  write64(u, AmdviReg.EVENT_LOG, u64(u.events) | RING_LENGTH);
  write64(u, AmdviReg.COMMAND_HEAD, 0);
  write64(u, AmdviReg.COMMAND_TAIL, 0);
  write64(u, AmdviReg.EVENT_HEAD, 0);
  write64(u, AmdviReg.EVENT_TAIL, 0);
  u.tail = 0;
  // Commands run only while the IOMMU is enabled (QEMU too); every device is blocked already.
  write64(u, AmdviReg.CONTROL, CONTROL_CMD_BUF_EN | CONTROL_EVENT_LOG_EN | CONTROL_IOMMU_EN);
  invalidatePages(u, ALL_DOMAINS);
  return complete(u);
}

/** Brings up every IOMMU of the IVRS (file comment); false when there is none or one fails. */
export function init(allocate: ptab.TableAllocator): bool {
  const s = state;
  if (!ivrs.info.valid || ivrs.info.ivhdCount === 0) return false;
  if (!probe(allocate)) return false;
  s.deviceTable = memory.allocKernel(DEVICE_TABLE_ORDER);
  s.wait = allocate();
  if (u64(s.deviceTable) === 0 || u64(s.wait) === 0) return false;
  for (let id: u64 = 0; id < DEVICE_IDS; id++) {
    const e = dte(id);
    e.q1 = 0;
    e.q2 = 0;
    e.q3 = 0;
    e.q0 = DTE_V | DTE_TV;
  }
  hst.setDmaFormat(IR, IW, tableBits);
  for (let i: usize = 0; i < s.count; i++) if (!enable(s.units[i])) return false;
  s.enabled = true;
  log(`AMDVI: ${s.count} IOMMUs translating, DMA spaces of 48 bits, unassigned devices blocked`);
  return true;
}

/** The DVA width of every DMA space (4-level I/O page tables). */
export function width(): u32 {
  return 48;
}

/** Domain ids: 16 bits (iommu.ts hands out at most its own maximum). */
export function domains(): u32 {
  return 0x1_0000;
}

/** The IOMMU at `base`, or null. */
function unitAt(base: u64): AmdviUnit | null {
  for (let i: usize = 0; i < state.count; i++)
    if (u64(state.units[i].base) === base) return state.units[i];
  return null;
}

/** Whether the IVHD of `u` lists device id `id` (a select entry, a range, or all). */
function covers(u: AmdviUnit, id: u32): bool {
  for (let k: usize = 0; k < ivrs.info.deviceCount; k++) {
    const d = ivrs.info.devices[k];
    if (usize(d.ivhd) === u.index && id >= u32(d.first) && id <= u32(d.last)) return true;
  }
  return false;
}

/** Invalidates device `id`'s table entry and the domain's pages on `u`, and waits. */
function settleDevice(u: AmdviUnit, id: u32, domain: u32): void {
  submit(u, id, Opcode.INVALIDATE_DEVTAB_ENTRY << 28, 0, 0);
  invalidatePages(u, domain);
  complete(u);
}

/**
 * assign_dev: device `dad` (segment 31:16, requester id 15:0) behind the IOMMU
 * at `base` translates through `sp` from now on. BAD_DEV: no IOMMU there;
 * BAD_PAR: the IOMMU's IVHD does not list the device.
 */
export function assign(sp: Space_hst, base: u64, dad: u64): Status {
  const u = unitAt(base);
  if (u === null || !state.enabled) return Status.BAD_DEV;
  const id = u32(dad & 0xffff);
  if (u32((dad >> 16) & 0xffff) !== u32(u.segment) || !covers(u, id)) return Status.BAD_PAR;
  const e = dte(u64(id));
  const old = u32(e.q1 & DOMAIN_MASK);
  // Blocked while it changes: the domain first, then the root and mode with IR/IW.
  e.q0 = DTE_V | DTE_TV;
  e.q1 = u64(sp.domain);
  e.q0 = DTE_V | DTE_TV | (u64(LEVELS) << DTE_MODE_SHIFT) | u64(sp.dmaRoot(LEVELS)) | IR | IW;
  if (old !== 0 && old !== sp.domain) invalidatePages(u, old);
  settleDevice(u, id, sp.domain);
  return Status.SUCCESS;
}

/** A DMA space goes away: its devices are blocked again before its tables go. */
export function forget(sp: Space_hst): void {
  for (let id: u64 = 0; id < DEVICE_IDS; id++) {
    const e = dte(id);
    if ((e.q0 & IR) === 0 || u32(e.q1 & DOMAIN_MASK) !== sp.domain) continue;
    e.q0 = DTE_V | DTE_TV;
    e.q1 = 0;
    for (let i: usize = 0; i < state.count; i++) settleDevice(state.units[i], u32(id), sp.domain);
  }
}

/** Invalidates `domain`'s pages (ALL_DOMAINS: all) on every IOMMU and waits. */
export function invalidate(domain: u32): void {
  for (let i: usize = 0; i < state.count; i++) {
    invalidatePages(state.units[i], domain);
    complete(state.units[i]);
  }
}

/** Reads the event log from head to tail: logs the first events, counts all, moves the head. */
function readEvents(u: AmdviUnit): void {
  let head = read64(u, AmdviReg.EVENT_HEAD) % RING_BYTES;
  const tail = read64(u, AmdviReg.EVENT_TAIL) % RING_BYTES;
  while (head !== tail) {
    const e = structAt<Command>(kmem.toVirt(u.events) + head);
    state.events++;
    if (state.events <= LOGGED_EVENTS) {
      const address = (u64(e.d3) << 32) | u64(e.d2);
      log(
        `AMDVI: event ${state.events}: code ${hex(e.d1 >> 28)} device ${hex(e.d0 & 0xffff)} domain ${hex(e.d1 & 0xffff)} flags ${hex((e.d1 >> 16) & 0xfff)} address ${hex(address)}`,
      );
    }
    head = (head + 16) % RING_BYTES;
  }
  write64(u, AmdviReg.EVENT_HEAD, head);
}

/** The end of the boot log: events (all counted) and invalidations. */
export function report(): void {
  if (!state.enabled) return;
  for (let i: usize = 0; i < state.count; i++) readEvents(state.units[i]);
  log(`AMDVI: ${state.events} events, ${state.invalidations} invalidations`);
}
