// Intel VT-d DMA remapping (Intel VT-d specification 4.x, chapters 3, 7, 9,
// 10), one driver for every remapping unit the ACPI DMAR table names
// (dmar.ts): legacy-mode root and context tables, the DMA spaces' tables as
// second-level tables (space_hst.ts), register-based invalidation, fault
// recording. docs/iommu.md has the picture.
//
// Boot (init): each unit's capability registers must offer 3- or 4-level
// second-level tables (SAGAW bit 1 or 2); the DMA spaces' width is the
// smallest of every unit's largest such width and its MGAW (so one space
// serves devices behind any unit). Each unit gets an empty root table (every
// device blocked: a request of a device without a context entry faults),
// RMRR devices a context entry into one kernel-owned space that maps their
// reserved regions 1:1, a global context-cache and IOTLB invalidation, and
// only then translation (GCMD.TE). A unit whose registers do not answer or
// whose tables cannot be made stays off, and then so does the whole IOMMU
// (enabled() false: create_pd OP 4 is BAD_FTR, no HIP bit).
//
// assign (assign_dev): the device's context entry points at the DMA space's
// tables with the space's domain id; the context cache and the IOTLB are
// invalidated globally before the call returns (an entry that was present may
// have been cached, and the old domain's translations with it). A destroyed
// DMA space first loses its devices (forget: blocked again, invalidated), so
// no unit walks tables that are being freed.
//
// iommu.ts decides when the IOTLB must be invalidated (invalidate: one
// domain or all, and waits for it) and hands out the domain ids.
//
// A unit that does not snoop the CPU's caches (ECAP.C clear) reads tables
// from memory: every table write is written back (WBINVD) before the
// invalidation that makes the unit look again, and before translation starts.
// Inserts into a DMA space are reported too (space_hst.ts), for those units
// and for units in caching mode (CAP.CM), which may cache not-present entries.
//
// Faults: the fault-event interrupt (FEDATA/FEADDR: VECTOR on the boot CPU)
// reads every fault record, logs it (source, address, reason, read/write)
// for the first LOGGED_FAULTS, counts all, and clears them; a storm costs one
// interrupt per burst and a counter, never a stop.

import * as interrupts from "./interrupts.ts";
import * as dmar from "./dmar.ts";
import * as kmem from "./kmem.ts";
import * as lapic from "./lapic.ts";
import * as memory from "./memory.ts";
import * as ptab from "./ptab.ts";
import { ALL_DOMAINS, NewSpace } from "./iommu_domain.ts";
import { Space_hst } from "./space_hst.ts";
import { Status } from "../abi/status.ts";
import * as space from "./space_kernel.ts";

// Register offsets (VT-d spec §11.4).
enum VtdReg {
  CAP = 0x08,
  ECAP = 0x10,
  GCMD = 0x18,
  GSTS = 0x1c,
  RTADDR = 0x20,
  CCMD = 0x28,
  FSTS = 0x34,
  FECTL = 0x38,
  FEDATA = 0x3c,
  FEADDR = 0x40,
  FEUADDR = 0x44,
}

// GCMD/GSTS: TE, SRTP/RTPS, QIE, IRE, CFI (§11.4.4); the persistent ones are kept on each write.
const GCMD_TE: u32 = 1 << 31;
const GCMD_SRTP: u32 = 1 << 30;
const GCMD_WBF: u32 = 1 << 27;
const GCMD_PERSISTENT: u32 = (1 << 31) | (1 << 26) | (1 << 25) | (1 << 23);
// CCMD: ICC, global invalidation (CIRG = 1). IOTLB register: IVT, IIRG global/domain, DR, DW.
const CCMD_ICC: u64 = u64(1) << 63;
const CCMD_GLOBAL: u64 = u64(1) << 61;
const IOTLB_IVT: u64 = u64(1) << 63;
const IOTLB_GLOBAL: u64 = u64(1) << 60;
const IOTLB_DOMAIN: u64 = u64(2) << 60;
const IOTLB_DR: u64 = u64(1) << 49;
const IOTLB_DW: u64 = u64(1) << 48;
const IOTLB_DID_SHIFT: u64 = 32;
// CAP fields (§11.4.2).
const CAP_RWBF: u64 = u64(1) << 4;
const CAP_CM: u64 = u64(1) << 7;
const CAP_DWD: u64 = u64(1) << 54;
const CAP_DRD: u64 = u64(1) << 55;
const ECAP_C: u64 = u64(1) << 0;
// FSTS: primary fault overflow, pending fault; fault record high word: F and T (1 = read).
const FSTS_PFO: u32 = 1 << 0;
const FSTS_PPF: u32 = 1 << 1;
const FRCD_F: u64 = u64(1) << 63;
const FRCD_T: u64 = u64(1) << 62;

/** A root-table entry (§9.1, legacy mode): context-table pointer | present. */
class RootEntry {
  lo: u64;
  hi: u64;
}
layout(RootEntry, { size: 16, offsets: { lo: 0, hi: 8 } });

/** A context entry (§9.3): lo = second-level table | TT 0 | present; hi = domain << 8 | AW. */
class ContextEntry {
  lo: u64;
  hi: u64;
}
layout(ContextEntry, { size: 16, offsets: { lo: 0, hi: 8 } });

const PRESENT: u64 = 1;
const ADDRESS: u64 = 0x000f_ffff_ffff_f000;
const DOMAIN_SHIFT: u64 = 8;

/** The fault-event vector (interrupt_sm.ts's vectors end below the timer's 0xef). */
export const VECTOR: u32 = 0xfd;
/** Faults logged one by one; later ones are only counted. */
const LOGGED_FAULTS: u64 = 16;
/** Domain ids handed out (at least 16 exist on every unit: CAP.ND = 0). */
const MAX_DOMAINS: u32 = 1024;
/** Register polls before a unit counts as not answering. */
const SPIN_LIMIT: u32 = 10_000_000;
const MAX_UNITS: usize = 16;

class VtdUnit {
  mmio: Virt;
  base: Phys;
  segment: u16;
  /** dmar.info.units index: the device scopes. */
  index: usize;
  cap: u64;
  ecap: u64;
  /** 3 or 4: the levels of the tables this unit walks. */
  levels: u32;
  /** The root table (one entry per bus). */
  rootTable: Phys;
  iotlb: u64;
  faultRecords: u64;
  faultCount: u32;
}

class VtdState {
  units: Arr<Inline<VtdUnit>, 16>;
  count: usize;
  enabled: bool;
  /** Every unit snoops the CPU's caches (ECAP.C): no write-back before an invalidation. */
  coherent: bool;
  /** DMA space width in bits (39 or 48). */
  width: u32;
  /** Domain ids below this exist on every unit. */
  domains: u32;
  faults: u64;
  invalidations: u64;
  /** The kernel's space for RMRR devices (identity maps), or null. */
  rmrr: Space_hst | null;
}
const state = new VtdState();

function read32(u: VtdUnit, reg: u64): u32 {
  return ptrFromVirt<u32>(u.mmio + reg).loadVolatile();
}
function write32(u: VtdUnit, reg: u64, v: u32): void {
  ptrFromVirt<u32>(u.mmio + reg).storeVolatile(v);
}
function read64(u: VtdUnit, reg: u64): u64 {
  return ptrFromVirt<u64>(u.mmio + reg).loadVolatile();
}
function write64(u: VtdUnit, reg: u64, v: u64): void {
  ptrFromVirt<u64>(u.mmio + reg).storeVolatile(v);
}

/** Waits until (64-bit register `reg` & mask) === want; false when the unit does not answer. */
function await64(u: VtdUnit, reg: u64, mask: u64, want: u64): bool {
  for (let i: u32 = 0; i < SPIN_LIMIT; i++) {
    if ((read64(u, reg) & mask) === want) return true;
    pause();
  }
  log(`VTD: unit at ${u.base}: register ${hex(reg)} did not settle`);
  return false;
}

/** A one-shot GCMD command (`bit`), the persistent enables kept; waits for GSTS to show `want`. */
function command(u: VtdUnit, bit: u32, set: bool): bool {
  const status = read32(u, VtdReg.GSTS) & GCMD_PERSISTENT;
  write32(u, VtdReg.GCMD, set ? status | bit : status & ~bit);
  for (let i: u32 = 0; i < SPIN_LIMIT; i++) {
    const s = read32(u, VtdReg.GSTS);
    // SRTP and WBF are one-shot: their status bit says done (RTPS set, WBFS clear).
    if (bit === GCMD_WBF ? (s & bit) === 0 : ((s & bit) !== 0) === set) return true;
    pause();
  }
  log(`VTD: unit at ${u.base}: GCMD ${hex(bit)} not acknowledged`);
  return false;
}

/** Table writes reach memory before a non-snooping unit is told to look (file comment). */
function writeBack(): void {
  if (!state.coherent) wbinvd();
}

/** Global context-cache invalidation (§6.5.1.1): after a context entry changed. */
function invalidateContexts(u: VtdUnit): bool {
  writeBack();
  write64(u, VtdReg.CCMD, CCMD_ICC | CCMD_GLOBAL);
  return await64(u, VtdReg.CCMD, CCMD_ICC, 0);
}

/** IOTLB invalidation (§6.5.1.2) of `domain` (ALL_DOMAINS: global), draining reads and writes. */
function invalidateIotlb(u: VtdUnit, domain: u32): bool {
  writeBack();
  if ((u.cap & CAP_RWBF) !== 0 && !command(u, GCMD_WBF, true)) return false;
  let v = IOTLB_IVT;
  if (domain === ALL_DOMAINS) v |= IOTLB_GLOBAL;
  else v |= IOTLB_DOMAIN | (u64(domain) << IOTLB_DID_SHIFT);
  if ((u.cap & CAP_DRD) !== 0) v |= IOTLB_DR;
  if ((u.cap & CAP_DWD) !== 0) v |= IOTLB_DW;
  write64(u, u.iotlb + 8, v);
  state.invalidations++;
  return await64(u, u.iotlb + 8, IOTLB_IVT, 0);
}

/** The levels a unit walks for `width`-bit DVAs: 3 if it can (39 bits), else 4; 0 if neither. */
function levelsFor(cap: u64, width: u32): u32 {
  const sagaw = (cap >> 8) & 0x1f;
  if (width <= 39 && (sagaw & 2) !== 0) return 3;
  if ((sagaw & 4) !== 0) return 4;
  return 0;
}

/** The widest DVA a unit translates with 3 or 4 levels (at most its MGAW); 0 if none. */
function widthOf(cap: u64): u32 {
  const sagaw = (cap >> 8) & 0x1f;
  const mgaw = u32((cap >> 16) & 0x3f) + 1;
  const levels: u32 = (sagaw & 4) !== 0 ? 48 : (sagaw & 2) !== 0 ? 39 : 0;
  return levels < mgaw ? levels : mgaw;
}

/** Maps a unit's registers and checks its capabilities; false (logged) if it cannot serve. */
function probe(u: VtdUnit, i: usize, allocate: ptab.TableAllocator): bool {
  const d = dmar.info.units[i];
  u.base = d.base;
  u.segment = d.segment;
  u.index = i;
  u.mmio = space.mapMmio(d.base, u64(0x1000) << u64(d.size), allocate);
  if (u64(u.mmio) === 0) {
    log(`VTD: unit at ${d.base}: no mapping for its registers`);
    return false;
  }
  u.cap = read64(u, VtdReg.CAP);
  u.ecap = read64(u, VtdReg.ECAP);
  u.iotlb = ((u.ecap >> 8) & 0x3ff) * 16;
  u.faultRecords = ((u.cap >> 24) & 0x3ff) * 16;
  u.faultCount = u32((u.cap >> 40) & 0xff) + 1;
  log(
    `VTD: unit at ${d.base} segment ${d.segment} version ${hex(read32(u, 0))} cap ${hex(u.cap)} ecap ${hex(u.ecap)}`,
  );
  if (widthOf(u.cap) < 39) {
    log(`VTD: unit at ${d.base}: no 3- or 4-level second-level tables (SAGAW), not used`);
    return false;
  }
  if ((read32(u, VtdReg.GSTS) & GCMD_TE) !== 0) command(u, GCMD_TE, false);
  u.rootTable = allocate();
  return u64(u.rootTable) !== 0;
}

/**
 * Brings up every DMAR unit (file comment); false when there is none or one
 * cannot be used (the IOMMU stays off then). `newSpace` makes the RMRR space.
 */
export function init(allocate: ptab.TableAllocator, newSpace: NewSpace): bool {
  const s = state;
  if (!dmar.info.valid || dmar.info.unitCount === 0) return false;
  s.width = 48;
  s.domains = MAX_DOMAINS;
  s.coherent = true;
  for (let i: usize = 0; i < dmar.info.unitCount && i < MAX_UNITS; i++) {
    const u = s.units[s.count];
    if (!probe(u, i, allocate)) return false;
    const w = widthOf(u.cap);
    if (w < s.width) s.width = w;
    if ((u.ecap & ECAP_C) === 0) s.coherent = false;
    // Domain 0 is reserved in caching mode (§11.4.2 CM); ids below 2^(4 + 2·ND) exist.
    const nd = u32(u.cap & 7);
    const ids: u32 = nd >= 3 ? MAX_DOMAINS : u32(1) << (4 + 2 * nd);
    if (ids < s.domains) s.domains = ids;
    s.count++;
  }
  for (let i: usize = 0; i < s.count; i++) {
    const u = s.units[i];
    u.levels = levelsFor(u.cap, s.width);
    if ((u.cap & CAP_CM) !== 0) log(`VTD: unit at ${u.base} caches not-present entries`);
  }
  if (!mapReservedRegions(newSpace)) return false;
  // The handler first: a fault may be recorded as soon as a unit translates.
  interrupts.register(VECTOR, faultInterrupt);
  for (let i: usize = 0; i < s.count; i++) if (!enable(s.units[i])) return false;
  s.enabled = true;
  log(
    `VTD: ${s.count} units translating, DMA spaces of ${s.width} bits, ${s.domains - 1} domains, unassigned devices blocked`,
  );
  return true;
}

/** Root table, invalidation, fault interrupt, then translation (the order matters: §10.4.4). */
function enable(u: VtdUnit): bool {
  writeBack();
  write64(u, VtdReg.RTADDR, u64(u.rootTable));
  if (!command(u, GCMD_SRTP, true)) return false;
  if (!invalidateContexts(u) || !invalidateIotlb(u, ALL_DOMAINS)) return false;
  const apic = lapic.id();
  if (apic < 256) {
    write32(u, VtdReg.FEDATA, VECTOR);
    write32(u, VtdReg.FEADDR, 0xfee0_0000 | (apic << 12));
    write32(u, VtdReg.FEUADDR, 0);
    write32(u, VtdReg.FECTL, 0);
  }
  return command(u, GCMD_TE, true);
}

/** The DVA width in bits every unit translates (after init). */
export function width(): u32 {
  return state.width;
}

/** Domain ids below this exist on every unit. */
export function domains(): u32 {
  return state.domains;
}

/** The unit whose registers are at `base`, or null. */
function unitAt(base: u64): VtdUnit | null {
  for (let i: usize = 0; i < state.count; i++) {
    const u = state.units[i];
    if (u64(u.base) === base) return u;
  }
  return null;
}

/** Whether `u` remaps requests of `bus:devfn` (listed endpoint, or INCLUDE_PCI_ALL). */
function covers(u: VtdUnit, bus: u32, devfn: u32): bool {
  const d = dmar.info.units[u.index];
  if ((d.flags & dmar.INCLUDE_PCI_ALL) !== 0) return true;
  for (let k: usize = 0; k < d.scopeCount; k++) {
    const sc = dmar.info.scopes[d.firstScope + k];
    // Endpoints one hop from their start bus; deeper paths need the bridges' bus numbers.
    if (sc.type === dmar.ScopeType.ENDPOINT && sc.pathLength === 1)
      if (u32(sc.startBus) === bus && u32(sc.path[0]) === devfn) return true;
  }
  return false;
}

/** The context entry of `bus:devfn` (its context table made when `make`), or null. */
function context(u: VtdUnit, bus: u32, devfn: u32, make: bool): ContextEntry | null {
  const r = structAt<RootEntry>(kmem.toVirt(u.rootTable) + u64(bus) * 16);
  if ((r.lo & PRESENT) === 0) {
    if (!make) return null;
    const t = memory.tablePage();
    if (u64(t) === 0) return null;
    r.lo = u64(t) | PRESENT;
  }
  return structAt<ContextEntry>(kmem.toVirt(phys(r.lo & ADDRESS)) + u64(devfn) * 16);
}

/** Points `c` at `sp`'s tables with its domain (hi first: the entry turns present last). */
function point(u: VtdUnit, c: ContextEntry, sp: Space_hst): void {
  c.lo = 0;
  c.hi = (u64(sp.domain) << DOMAIN_SHIFT) | u64(u.levels - 2);
  c.lo = u64(sp.dmaRoot(u.levels)) | PRESENT;
}

/**
 * assign_dev: the device `dad` (segment 31:16, bus 15:8, devfn 7:0) behind
 * the unit at `base` translates through `sp` from now on (file comment).
 * BAD_DEV: no unit there; BAD_PAR: the unit does not remap the device, or no
 * memory for its context table.
 */
export function assign(sp: Space_hst, base: u64, dad: u64): Status {
  const u = unitAt(base);
  if (u === null || !state.enabled) return Status.BAD_DEV;
  const segment = u32((dad >> 16) & 0xffff);
  const bus = u32((dad >> 8) & 0xff);
  const devfn = u32(dad & 0xff);
  if (segment !== u32(u.segment) || !covers(u, bus, devfn)) return Status.BAD_PAR;
  const c = context(u, bus, devfn, true);
  if (c === null) return Status.BAD_PAR;
  point(u, c, sp);
  invalidateContexts(u);
  invalidateIotlb(u, ALL_DOMAINS);
  return Status.SUCCESS;
}

/** A DMA space goes away: every device that uses it is blocked again before its tables go. */
export function forget(sp: Space_hst): void {
  for (let i: usize = 0; i < state.count; i++) {
    const u = state.units[i];
    let changed = false;
    for (let bus: u32 = 0; bus < 256; bus++) {
      const r = structAt<RootEntry>(kmem.toVirt(u.rootTable) + u64(bus) * 16);
      if ((r.lo & PRESENT) === 0) continue;
      const t = kmem.toVirt(phys(r.lo & ADDRESS));
      for (let devfn: u64 = 0; devfn < 256; devfn++) {
        const c = structAt<ContextEntry>(t + devfn * 16);
        if ((c.lo & PRESENT) === 0 || u32(c.hi >> DOMAIN_SHIFT) !== sp.domain) continue;
        c.lo = 0;
        c.hi = 0;
        changed = true;
      }
    }
    if (changed) {
      invalidateContexts(u);
      invalidateIotlb(u, sp.domain);
    }
  }
}

/** Invalidates the IOTLB entries of `domain` (ALL_DOMAINS: all) on every unit and waits. */
export function invalidate(domain: u32): void {
  for (let i: usize = 0; i < state.count; i++) invalidateIotlb(state.units[i], domain);
}

/** The end of the boot log: faults counted (all, not only the logged ones) and invalidations. */
export function report(): void {
  if (state.enabled)
    log(`VTD: ${state.faults} DMA faults, ${state.invalidations} IOTLB invalidations`);
}

/**
 * RMRR regions (§8.4): each listed endpoint translates through one kernel
 * space that maps the regions 1:1 (read/write) until assign_dev gives it
 * another. False only when memory is out.
 */
function mapReservedRegions(newSpace: NewSpace): bool {
  for (let m: usize = 0; m < dmar.info.rmrrCount; m++) {
    const r = dmar.info.rmrrs[m];
    for (let k: usize = 0; k < r.scopeCount; k++) {
      const sc = dmar.info.scopes[r.firstScope + k];
      if (sc.type !== dmar.ScopeType.ENDPOINT || sc.pathLength !== 1) {
        log(`VTD: RMRR ${m}: scope of type ${sc.type} path length ${sc.pathLength} not mapped`);
        continue;
      }
      if (!identity(r.segment, u32(sc.startBus), u32(sc.path[0]), r, newSpace)) return false;
    }
  }
  return true;
}

/** Maps RMRR `r` 1:1 for device bus:devfn on the unit that covers it. */
function identity(
  segment: u16,
  bus: u32,
  devfn: u32,
  r: dmar.ReservedRegion,
  newSpace: NewSpace,
): bool {
  let sp = state.rmrr;
  if (sp === null) {
    sp = newSpace();
    if (sp === null) return false;
    state.rmrr = sp;
  }
  for (let at = u64(r.base) & ~u64(0xfff); at < u64(r.end); at += 0x1000) {
    if (at >> 12 >= sp.selectors()) break;
    if (ptab.translate(sp.root, virt(at)) !== ptab.NOT_MAPPED) continue;
    if (!ptab.map(sp.root, virt(at), phys(at), ptab.ORDER_4K, ptab.WRITABLE, memory.tablePage))
      return false;
  }
  for (let i: usize = 0; i < state.count; i++) {
    const u = state.units[i];
    if (u.segment !== segment || !covers(u, bus, devfn)) continue;
    const c = context(u, bus, devfn, true);
    if (c === null) return false;
    point(u, c, sp);
    log(`VTD: RMRR ${r.base}-${r.end} mapped 1:1 for ${hex(bus)}:${hex(devfn >> 3)}.${devfn & 7}`);
  }
  return true;
}

/** The fault-event interrupt: every recorded fault read, reported (the first ones) and cleared. */
function faultInterrupt(_vector: u32): void {
  for (let i: usize = 0; i < state.count; i++) {
    const u = state.units[i];
    const status = read32(u, VtdReg.FSTS);
    if ((status & FSTS_PPF) !== 0) {
      for (let k: u32 = 0; k < u.faultCount; k++) {
        const at = u.faultRecords + u64(k) * 16;
        const hi = read64(u, at + 8);
        if ((hi & FRCD_F) === 0) continue;
        const address = read64(u, at) & ~u64(0xfff);
        state.faults++;
        if (state.faults <= LOGGED_FAULTS) {
          const sid = u32(hi & 0xffff);
          const reason = u32((hi >> 32) & 0xff);
          const kind = (hi & FRCD_T) !== 0 ? "read" : "write";
          log(
            `VTD: DMA fault ${state.faults}: device ${hex(sid >> 8)}:${hex((sid >> 3) & 0x1f)}.${sid & 7} ${kind} at ${hex(address)} reason ${hex(reason)}`,
          );
        }
        // F is write-1-to-clear (the high dword of the record's upper half).
        write32(u, at + 12, u32(FRCD_F >> 32));
      }
    }
    if ((status & FSTS_PFO) !== 0) state.faults++;
    write32(u, VtdReg.FSTS, status & FSTS_PFO);
  }
}
