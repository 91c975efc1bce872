// DMAR, the DMA Remapping Reporting table (Intel VT-d 4.1 §8, signature
// "DMAR"): the host address width, each remapping hardware unit (DRHD) with
// the devices it translates for, and the reserved memory regions (RMRR)
// that devices keep using for DMA. Device scopes of both are collected into
// one list. Other structures (ATSR, RHSA, ANDD, SATC, SIDP) are checked and
// counted; a structure or device scope whose length does not fit rejects the
// table.

import * as sdt from "./sdt.ts";

export const MAX_UNITS: usize = 16;
export const MAX_RMRRS: usize = 16;
export const MAX_SCOPES: usize = 128;
/** Bridges a device scope path may cross (the spec sets no limit; firmware uses 1 to 3). */
export const MAX_PATH: u32 = 8;

/** DRHD flags: the unit covers every PCI device of its segment not listed under another unit. */
export const INCLUDE_PCI_ALL: u8 = 1 << 0;
/** DMAR flags. */
export const INTR_REMAP: u8 = 1 << 0;
export const X2APIC_OPT_OUT: u8 = 1 << 1;

class DmarHeader {
  header: Inline<sdt.SdtHeader>;
  /** The host address width minus one. */
  hostAddressWidth: u8;
  flags: u8;
  reserved: Arr<u8, 10>;
}
layout(DmarHeader, { packed: true, size: 48, offsets: { hostAddressWidth: 36, flags: 37 } });

enum Structure {
  DRHD = 0,
  RMRR = 1,
  ATSR = 2,
  RHSA = 3,
  ANDD = 4,
  SATC = 5,
  SIDP = 6,
}

class RemapHeader {
  type: u16;
  length: u16;
}
layout(RemapHeader, { packed: true, size: 4, offsets: { type: 0, length: 2 } });

class DrhdStruct {
  type: u16;
  length: u16;
  flags: u8;
  /** VT-d 3.0 and later: the register set is 2^size 4 KiB pages. */
  size: u8;
  segment: u16;
  base: u64;
}
layout(DrhdStruct, {
  packed: true,
  size: 16,
  offsets: { flags: 4, size: 5, segment: 6, base: 8 },
});

class RmrrStruct {
  type: u16;
  length: u16;
  reserved: u16;
  segment: u16;
  base: u64;
  /** Inclusive. */
  limit: u64;
}
layout(RmrrStruct, { packed: true, size: 24, offsets: { segment: 6, base: 8, limit: 16 } });

/** ATSR, SATC and SIDP: flags, segment, then device scopes at offset 8. */
class ScopedStruct {
  type: u16;
  length: u16;
  flags: u8;
  reserved: u8;
  segment: u16;
}
layout(ScopedStruct, { packed: true, size: 8, offsets: { flags: 4, segment: 6 } });

const RHSA_LENGTH: u32 = 20;
const ANDD_MIN_LENGTH: u32 = 8;

class ScopeHeader {
  type: u8;
  length: u8;
  flags: u8;
  reserved: u8;
  enumerationId: u8;
  startBus: u8;
}
layout(ScopeHeader, {
  packed: true,
  size: 6,
  offsets: { type: 0, length: 1, flags: 2, enumerationId: 4, startBus: 5 },
});

export enum ScopeType {
  ENDPOINT = 1,
  BRIDGE = 2,
  IOAPIC = 3,
  HPET = 4,
  NAMESPACE = 5,
}

export enum Owner {
  DRHD = 0,
  RMRR = 1,
}

export class DeviceScope {
  /** Owner.DRHD or Owner.RMRR, and the index in units or rmrrs. */
  owner: u8;
  ownerIndex: u8;
  type: u8;
  /** IOAPIC id, HPET number or ACPI device number (ANDD) for those types. */
  enumerationId: u8;
  startBus: u8;
  /** Hops from startBus: path[0] on startBus, each next one behind the bridge before it. */
  pathLength: u8;
  /** device << 3 | function per hop. */
  path: Arr<u8, 8>;
}

export class RemapUnit {
  base: Phys;
  segment: u16;
  flags: u8;
  /** Register set size: 2^size pages of 4 KiB. */
  size: u8;
  firstScope: usize;
  scopeCount: usize;
}

export class ReservedRegion {
  base: Phys;
  /** Exclusive (the table's limit plus one). */
  end: Phys;
  segment: u16;
  firstScope: usize;
  scopeCount: usize;
}

export class DmarInfo {
  valid: bool;
  /** In bits (the table stores it minus one). */
  hostAddressWidth: u32;
  flags: u8;
  unitCount: usize;
  units: Arr<Inline<RemapUnit>, 16>;
  unitsDropped: usize;
  rmrrCount: usize;
  rmrrs: Arr<Inline<ReservedRegion>, 16>;
  rmrrsDropped: usize;
  scopeCount: usize;
  scopes: Arr<Inline<DeviceScope>, 128>;
  scopesDropped: usize;
  /** ATSR, RHSA, ANDD, SATC, SIDP and unknown structures: checked, not used. */
  otherCount: usize;
}

export const info = new DmarInfo();

function reset(): void {
  info.valid = false;
  info.hostAddressWidth = 0;
  info.flags = 0;
  info.unitCount = 0;
  info.unitsDropped = 0;
  info.rmrrCount = 0;
  info.rmrrsDropped = 0;
  info.scopeCount = 0;
  info.scopesDropped = 0;
  info.otherCount = 0;
}

function reject(reason: str, at: u32): bool {
  log(`DMAR: table rejected: ${reason} (offset ${at})`);
  reset();
  return false;
}

function fail(reason: str, at: u32): i64 {
  reject(reason, at);
  return -1;
}

/**
 * Checks the device scopes in [from, to) of the structure and, when `store`,
 * appends them to info.scopes for `owner` number `index`. Returns how many
 * it stored, or -1 after rejecting the table.
 */
function scopes(va: Virt, from: u32, to: u32, store: bool, owner: u32, index: usize): i64 {
  let stored: i64 = 0;
  let at = from;
  while (at < to) {
    if (to - at < u32(sizeof<ScopeHeader>()))
      return fail("device scope header cut off by its structure's end", at);
    const s = structAt<ScopeHeader>(va + at);
    const length = u32(s.length);
    if (length < u32(sizeof<ScopeHeader>()) + 2 || (length & 1) !== 0)
      return fail("device scope length not 6 plus a non-empty path", at);
    if (length > to - at) return fail("device scope runs past its structure", at);
    const hops = (length - u32(sizeof<ScopeHeader>())) / 2;
    if (hops > MAX_PATH) return fail("device scope path longer than 8 hops", at);
    for (let h: u32 = 0; h < hops; h++) {
      const dev = sdt.u8At(va, at + 6 + 2 * h);
      const fn = sdt.u8At(va, at + 7 + 2 * h);
      if (dev > 31 || fn > 7)
        return fail("device scope path names device > 31 or function > 7", at);
    }
    if (store && s.type >= ScopeType.ENDPOINT && s.type <= ScopeType.NAMESPACE) {
      if (info.scopeCount === MAX_SCOPES) info.scopesDropped++;
      else {
        const d = info.scopes[info.scopeCount];
        info.scopeCount++;
        d.owner = u8(owner);
        d.ownerIndex = u8(index);
        d.type = s.type;
        d.enumerationId = s.enumerationId;
        d.startBus = s.startBus;
        d.pathLength = u8(hops);
        for (let h: u32 = 0; h < hops; h++)
          d.path[h] = (sdt.u8At(va, at + 6 + 2 * h) << 3) | sdt.u8At(va, at + 7 + 2 * h);
        stored++;
      }
    }
    at += length;
  }
  return stored;
}

function drhd(va: Virt, at: u32, length: u32): bool {
  const d = structAt<DrhdStruct>(va + at);
  if (d.base === 0 || (d.base & 0xfff) !== 0)
    return reject("DRHD register base not a non-zero multiple of 4 KiB", at);
  const store = info.unitCount < MAX_UNITS;
  const first = info.scopeCount;
  const n = scopes(
    va,
    at + u32(sizeof<DrhdStruct>()),
    at + length,
    store,
    Owner.DRHD,
    info.unitCount,
  );
  if (n < 0) return false;
  if (!store) {
    info.unitsDropped++;
    return true;
  }
  const u = info.units[info.unitCount];
  info.unitCount++;
  u.base = phys(d.base);
  u.segment = d.segment;
  u.flags = d.flags;
  u.size = d.size;
  u.firstScope = first;
  u.scopeCount = usize(n);
  return true;
}

function rmrr(va: Virt, at: u32, length: u32): bool {
  const r = structAt<RmrrStruct>(va + at);
  if (
    (r.base & 0xfff) !== 0 ||
    r.limit < r.base ||
    (r.limit & 0xfff) !== 0xfff ||
    r.limit === u64.MAX
  )
    return reject("RMRR not a 4 KiB-aligned range", at);
  const store = info.rmrrCount < MAX_RMRRS;
  const first = info.scopeCount;
  const n = scopes(
    va,
    at + u32(sizeof<RmrrStruct>()),
    at + length,
    store,
    Owner.RMRR,
    info.rmrrCount,
  );
  if (n < 0) return false;
  if (!store) {
    info.rmrrsDropped++;
    return true;
  }
  const m = info.rmrrs[info.rmrrCount];
  info.rmrrCount++;
  m.base = phys(r.base);
  m.end = phys(r.limit + 1);
  m.segment = r.segment;
  m.firstScope = first;
  m.scopeCount = usize(n);
  return true;
}

/** The smallest length a structure of `type` may have. */
function minLength(type: u16): u32 {
  switch (u32(type)) {
    case Structure.DRHD:
      return u32(sizeof<DrhdStruct>());
    case Structure.RMRR:
      return u32(sizeof<RmrrStruct>());
    case Structure.ATSR:
    case Structure.SATC:
    case Structure.SIDP:
      return u32(sizeof<ScopedStruct>());
    case Structure.RHSA:
      return RHSA_LENGTH;
    case Structure.ANDD:
      return ANDD_MIN_LENGTH;
  }
  return u32(sizeof<RemapHeader>());
}

/** Parses the DMAR at `va` with `avail` readable bytes into `info`; false after logging why not. */
export function parse(va: Virt, avail: u32): bool {
  reset();
  const n = sdt.check(va, avail, "DMAR", u32(sizeof<DmarHeader>()), "DMAR", "table");
  if (n === 0) return false;
  const h = structAt<DmarHeader>(va);
  info.hostAddressWidth = u32(h.hostAddressWidth) + 1;
  info.flags = h.flags;
  let at = u32(sizeof<DmarHeader>());
  while (at < n) {
    if (n - at < u32(sizeof<RemapHeader>()))
      return reject("structure header cut off by the table end", at);
    const r = structAt<RemapHeader>(va + at);
    const length = u32(r.length);
    if (length < minLength(r.type)) return reject("structure too short for its type", at);
    if (length > n - at) return reject("structure runs past the table end", at);
    if (r.type === Structure.DRHD) {
      if (!drhd(va, at, length)) return false;
    } else if (r.type === Structure.RMRR) {
      if (!rmrr(va, at, length)) return false;
    } else {
      if (r.type === Structure.ATSR || r.type === Structure.SATC || r.type === Structure.SIDP) {
        const from = at + u32(sizeof<ScopedStruct>());
        if (scopes(va, from, at + length, false, 0, 0) < 0) return false;
      }
      info.otherCount++;
    }
    at += length;
  }
  info.valid = true;
  return true;
}

function scopeName(type: u8): str {
  if (type === ScopeType.ENDPOINT) return "endpoint";
  if (type === ScopeType.BRIDGE) return "bridge";
  if (type === ScopeType.IOAPIC) return "IOAPIC";
  if (type === ScopeType.HPET) return "HPET";
  return "ACPI device";
}

function reportScopes(owner: str, index: usize, first: usize, count: usize): void {
  const b = array<u8, 8>();
  for (let i = first; i < first + count && i < info.scopeCount; i++) {
    const s = info.scopes[i];
    const where = sdt.bdf(s.startBus, s.path[0], b);
    const type = scopeName(s.type);
    if (s.type === ScopeType.ENDPOINT || s.type === ScopeType.BRIDGE)
      log(`DMAR: ${owner} ${index} scope ${type} ${where} path length ${s.pathLength}`);
    else
      log(
        `DMAR: ${owner} ${index} scope ${type} ${s.enumerationId} at ${where} path length ${s.pathLength}`,
      );
  }
}

/** Logs what parse() found, one line per fact (docs/boot-log.md). */
export function report(): void {
  log(`DMAR: host address width ${info.hostAddressWidth} flags ${hex(info.flags)}`);
  for (let i: usize = 0; i < info.unitCount; i++) {
    const u = info.units[i];
    log(
      `DMAR: DRHD ${i} at ${u.base} segment ${u.segment} flags ${hex(u.flags)}${(u.flags & INCLUDE_PCI_ALL) !== 0 ? " (all other devices)" : ""}, ${u.scopeCount} device scopes`,
    );
    reportScopes("DRHD", i, u.firstScope, u.scopeCount);
  }
  if (info.unitsDropped !== 0) log(`DMAR: ${info.unitsDropped} more DRHDs ignored (table full)`);
  for (let i: usize = 0; i < info.rmrrCount; i++) {
    const m = info.rmrrs[i];
    log(`DMAR: RMRR ${i} ${m.base}-${m.end} segment ${m.segment}, ${m.scopeCount} device scopes`);
    reportScopes("RMRR", i, m.firstScope, m.scopeCount);
  }
  if (info.rmrrsDropped !== 0) log(`DMAR: ${info.rmrrsDropped} more RMRRs ignored (table full)`);
  if (info.scopesDropped !== 0)
    log(`DMAR: ${info.scopesDropped} more device scopes ignored (table full)`);
  if (info.otherCount !== 0) log(`DMAR: ${info.otherCount} other structures not used`);
}
