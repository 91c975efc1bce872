// IVRS, the I/O Virtualization Reporting Structure (AMD I/O Virtualization
// Technology (IOMMU) Specification 48882 rev 3.08 §5.2, signature "IVRS"):
// each IOMMU (IVHD block: its PCI id, MMIO base, features) with the device
// entries that say which requester ids it translates for, the IOAPICs and
// HPETs behind it, and the memory definitions (IVMD) for unity-mapped
// ranges. IVHD types 10h, 11h and 40h may describe the same IOMMU; all are
// kept with their type, the IOMMU driver picks one. A block or device entry
// whose length does not fit, an unknown variable-length entry or an
// unterminated range rejects the table.

import * as sdt from "./sdt.ts";

export const MAX_IVHDS: usize = 16;
export const MAX_DEVICES: usize = 256;
export const MAX_IVMDS: usize = 16;

class IvrsHeader {
  header: Inline<sdt.SdtHeader>;
  /** Bits 15:8 physical and 22:16 virtual address size, 7:5 guest VA size, 0 EFR supported. */
  ivinfo: u32;
  reserved: u64;
}
layout(IvrsHeader, { packed: true, size: 48, offsets: { ivinfo: 36 } });

/** The common start of every block: type, flags, length. */
class BlockHeader {
  type: u8;
  flags: u8;
  length: u16;
}
layout(BlockHeader, { packed: true, size: 4, offsets: { type: 0, flags: 1, length: 2 } });

export enum BlockType {
  IVHD_10 = 0x10,
  IVHD_11 = 0x11,
  IVHD_40 = 0x40,
  IVMD_ALL = 0x20,
  IVMD_SELECT = 0x21,
  IVMD_RANGE = 0x22,
}

/** IVHD type 10h; types 11h and 40h continue with the extended feature register. */
class IvhdBlock {
  type: u8;
  flags: u8;
  length: u16;
  deviceId: u16;
  capabilityOffset: u16;
  base: u64;
  segment: u16;
  info: u16;
  /** Type 10h: IOMMU feature reporting; 11h/40h: IOMMU attributes. */
  feature: u32;
}
layout(IvhdBlock, {
  packed: true,
  size: 24,
  offsets: { deviceId: 4, capabilityOffset: 6, base: 8, segment: 16, info: 18, feature: 20 },
});

class IvhdExtension {
  efr: u64;
  reserved: u64;
}
layout(IvhdExtension, { packed: true, size: 16, offsets: { efr: 0 } });

class IvmdBlock {
  type: u8;
  flags: u8;
  length: u16;
  deviceId: u16;
  auxData: u16;
  reserved: u64;
  start: u64;
  memoryLength: u64;
}
layout(IvmdBlock, {
  packed: true,
  size: 32,
  offsets: { deviceId: 4, auxData: 6, start: 16, memoryLength: 24 },
});

/** Device entry types (Table 95); 0-63 are 4 bytes, 64-127 are 8, 0xf0 is variable. */
export enum EntryType {
  PAD = 0,
  ALL = 1,
  SELECT = 2,
  RANGE_START = 3,
  RANGE_END = 4,
  ALIAS_SELECT = 66,
  ALIAS_RANGE = 67,
  EXT_SELECT = 70,
  EXT_RANGE = 71,
  SPECIAL = 72,
  ACPI_HID = 0xf0,
}

/** The fixed part of an ACPI HID entry: type, device id, data, HID, CID, UID format and length. */
const ACPI_HID_FIXED: u32 = 22;

/** Special device variety (entry type 72). */
export const VARIETY_IOAPIC: u8 = 1;
export const VARIETY_HPET: u8 = 2;

export class Ivhd {
  type: u8;
  flags: u8;
  /** The IOMMU's own PCI requester id. */
  deviceId: u16;
  capabilityOffset: u16;
  base: Phys;
  segment: u16;
  info: u16;
  feature: u32;
  /** Types 11h and 40h only. */
  efr: u64;
  firstDevice: usize;
  deviceCount: usize;
}

/**
 * One device entry: SELECT, RANGE_START (first to last), ALL, ALIAS_SELECT,
 * ALIAS_RANGE (requests appear as `alias`), EXT_SELECT, EXT_RANGE (extData),
 * SPECIAL (an IOAPIC or HPET `handle` at requester id `first`) or ACPI_HID.
 */
export class IvrsDevice {
  ivhd: u8;
  type: u8;
  /** DTE setting bits (INITPass, EIntPass, NMIPass, SysMgt, Lint0Pass, Lint1Pass). */
  data: u8;
  handle: u8;
  variety: u8;
  first: u16;
  last: u16;
  alias: u16;
  extData: u32;
}

export class Ivmd {
  type: u8;
  flags: u8;
  first: u16;
  last: u16;
  start: u64;
  length: u64;
}

export class IvrsInfo {
  valid: bool;
  ivinfo: u32;
  ivhdCount: usize;
  ivhds: Arr<Inline<Ivhd>, 16>;
  ivhdsDropped: usize;
  deviceCount: usize;
  devices: Arr<Inline<IvrsDevice>, 256>;
  devicesDropped: usize;
  ivmdCount: usize;
  ivmds: Arr<Inline<Ivmd>, 16>;
  ivmdsDropped: usize;
  /** Blocks of unknown type: skipped. */
  otherCount: usize;
}

export const info = new IvrsInfo();

function reset(): void {
  info.valid = false;
  info.ivinfo = 0;
  info.ivhdCount = 0;
  info.ivhdsDropped = 0;
  info.deviceCount = 0;
  info.devicesDropped = 0;
  info.ivmdCount = 0;
  info.ivmdsDropped = 0;
  info.otherCount = 0;
}

function reject(reason: str, at: u32): bool {
  log(`IVRS: table rejected: ${reason} (offset ${at})`);
  reset();
  return false;
}

/** Appends a device entry when `store` and there is room; returns whether it was stored. */
function addDevice(
  store: bool,
  ivhd: usize,
  type: u8,
  first: u16,
  last: u16,
  data: u8,
): IvrsDevice | null {
  if (!store) return null;
  if (info.deviceCount === MAX_DEVICES) {
    info.devicesDropped++;
    return null;
  }
  const d = info.devices[info.deviceCount];
  info.deviceCount++;
  d.ivhd = u8(ivhd);
  d.type = type;
  d.first = first;
  d.last = last;
  d.data = data;
  d.handle = 0;
  d.variety = 0;
  d.alias = 0;
  d.extData = 0;
  return d;
}

/** The length of the device entry of `type` at `at`, or 0 when it cannot be known. */
function entryLength(va: Virt, at: u32, end: u32, type: u8): u32 {
  if (type < 0x40) return 4;
  if (type < 0x80) return 8;
  if (type === EntryType.ACPI_HID && end - at >= ACPI_HID_FIXED)
    return ACPI_HID_FIXED + u32(sdt.u8At(va, at + 21));
  return 0;
}

/** Checks the device entries in [from, to) of IVHD number `index`, storing them when `store`. */
function devices(va: Virt, from: u32, to: u32, store: bool, index: usize): bool {
  let at = from;
  // An open range: its start entry's offset, type, first id, data and alias or ext data.
  let rangeAt: u32 = 0;
  let rangeType: u8 = 0;
  let rangeFirst: u16 = 0;
  let rangeData: u8 = 0;
  let rangeExtra: u32 = 0;
  while (at < to) {
    const type = sdt.u8At(va, at);
    const length = entryLength(va, at, to, type);
    if (length === 0) return reject("device entry of unknown length", at);
    if (length > to - at) return reject("device entry runs past its IVHD", at);
    const id = sdt.u16At(va, at + 1);
    const data = sdt.u8At(va, at + 3);
    if (rangeType !== 0 && type !== EntryType.RANGE_END && type !== EntryType.PAD)
      return reject("device range start not followed by its end", rangeAt);
    if (type === EntryType.ALL) addDevice(store, index, type, 0, 0xffff, data);
    else if (type === EntryType.SELECT) addDevice(store, index, type, id, id, data);
    else if (
      type === EntryType.RANGE_START ||
      type === EntryType.ALIAS_RANGE ||
      type === EntryType.EXT_RANGE
    ) {
      rangeAt = at;
      rangeType = type;
      rangeFirst = id;
      rangeData = data;
      rangeExtra =
        type === EntryType.ALIAS_RANGE
          ? u32(sdt.u16At(va, at + 5))
          : type === EntryType.EXT_RANGE
            ? sdt.u32At(va, at + 4)
            : 0;
    } else if (type === EntryType.RANGE_END) {
      if (rangeType === 0) return reject("device range end without a start", at);
      if (id < rangeFirst) return reject("device range ends below its start", at);
      const d = addDevice(store, index, rangeType, rangeFirst, id, rangeData);
      if (d !== null && rangeType === EntryType.ALIAS_RANGE) d.alias = u16(rangeExtra);
      if (d !== null && rangeType === EntryType.EXT_RANGE) d.extData = rangeExtra;
      rangeType = 0;
    } else if (type === EntryType.ALIAS_SELECT) {
      const d = addDevice(store, index, type, id, id, data);
      if (d !== null) d.alias = sdt.u16At(va, at + 5);
    } else if (type === EntryType.EXT_SELECT) {
      const d = addDevice(store, index, type, id, id, data);
      if (d !== null) d.extData = sdt.u32At(va, at + 4);
    } else if (type === EntryType.SPECIAL) {
      const variety = sdt.u8At(va, at + 7);
      if (variety !== VARIETY_IOAPIC && variety !== VARIETY_HPET)
        return reject("special device neither IOAPIC nor HPET", at);
      const source = sdt.u16At(va, at + 5);
      const d = addDevice(store, index, type, source, source, data);
      if (d !== null) {
        d.handle = sdt.u8At(va, at + 4);
        d.variety = variety;
      }
    } else if (type === EntryType.ACPI_HID) addDevice(store, index, type, id, id, data);
    at += length;
  }
  if (rangeType !== 0) return reject("device range start not followed by its end", rangeAt);
  return true;
}

function ivhd(va: Virt, at: u32, length: u32): bool {
  const b = structAt<IvhdBlock>(va + at);
  const extended = b.type !== BlockType.IVHD_10;
  const fixed = u32(sizeof<IvhdBlock>()) + (extended ? u32(sizeof<IvhdExtension>()) : 0);
  if (length < fixed) return reject("IVHD too short for its type", at);
  if (b.base === 0 || (b.base & 0x3fff) !== 0)
    return reject("IOMMU base not a non-zero multiple of 16 KiB", at);
  const store = info.ivhdCount < MAX_IVHDS;
  const first = info.deviceCount;
  if (!devices(va, at + fixed, at + length, store, info.ivhdCount)) return false;
  if (!store) {
    info.ivhdsDropped++;
    return true;
  }
  const h = info.ivhds[info.ivhdCount];
  info.ivhdCount++;
  h.type = b.type;
  h.flags = b.flags;
  h.deviceId = b.deviceId;
  h.capabilityOffset = b.capabilityOffset;
  h.base = phys(b.base);
  h.segment = b.segment;
  h.info = b.info;
  h.feature = b.feature;
  h.efr = extended ? structAt<IvhdExtension>(va + at + u32(sizeof<IvhdBlock>())).efr : 0;
  h.firstDevice = first;
  h.deviceCount = info.deviceCount - first;
  return true;
}

function ivmd(va: Virt, at: u32, length: u32): bool {
  if (length < u32(sizeof<IvmdBlock>())) return reject("IVMD shorter than 32 bytes", at);
  const b = structAt<IvmdBlock>(va + at);
  if (b.memoryLength > u64.MAX - b.start) return reject("IVMD range wraps around", at);
  let first = b.deviceId;
  let last = b.deviceId;
  if (b.type === BlockType.IVMD_ALL) {
    first = 0;
    last = 0xffff;
  } else if (b.type === BlockType.IVMD_RANGE) {
    if (b.auxData < b.deviceId) return reject("IVMD device range ends below its start", at);
    last = b.auxData;
  }
  if (info.ivmdCount === MAX_IVMDS) {
    info.ivmdsDropped++;
    return true;
  }
  const m = info.ivmds[info.ivmdCount];
  info.ivmdCount++;
  m.type = b.type;
  m.flags = b.flags;
  m.first = first;
  m.last = last;
  m.start = b.start;
  m.length = b.memoryLength;
  return true;
}

/** Parses the IVRS at `va` with `avail` readable bytes into `info`; false after logging why not. */
export function parse(va: Virt, avail: u32): bool {
  reset();
  const n = sdt.check(va, avail, "IVRS", u32(sizeof<IvrsHeader>()), "IVRS", "table");
  if (n === 0) return false;
  info.ivinfo = structAt<IvrsHeader>(va).ivinfo;
  let at = u32(sizeof<IvrsHeader>());
  while (at < n) {
    if (n - at < u32(sizeof<BlockHeader>()))
      return reject("block header cut off by the table end", at);
    const b = structAt<BlockHeader>(va + at);
    const length = u32(b.length);
    if (length < u32(sizeof<BlockHeader>())) return reject("block length below 4", at);
    if (length > n - at) return reject("block runs past the table end", at);
    const type = b.type;
    if (type === BlockType.IVHD_10 || type === BlockType.IVHD_11 || type === BlockType.IVHD_40) {
      if (length < u32(sizeof<IvhdBlock>())) return reject("IVHD too short for its type", at);
      if (!ivhd(va, at, length)) return false;
    } else if (
      type === BlockType.IVMD_ALL ||
      type === BlockType.IVMD_SELECT ||
      type === BlockType.IVMD_RANGE
    ) {
      if (!ivmd(va, at, length)) return false;
    } else info.otherCount++;
    at += length;
  }
  info.valid = true;
  return true;
}

/** "device bb:dd.f" or "devices bb:dd.f to bb:dd.f", for the log. */
function span(first: u16, last: u16, a: Arr<u8, 8>, b: Arr<u8, 8>): str {
  sdt.bdf(u8(first >> 8), u8(first), a);
  sdt.bdf(u8(last >> 8), u8(last), b);
  return first === last ? "device" : "devices";
}

function logDevice(d: IvrsDevice): void {
  const a = array<u8, 8>();
  const b = array<u8, 8>();
  const c = array<u8, 8>();
  const what = span(d.first, d.last, a, b);
  const first = strFromBytes(a);
  // " to <last>" for ranges only.
  const to = d.first === d.last ? "" : " to ";
  const last = d.first === d.last ? "" : strFromBytes(b);
  const i = d.ivhd;
  if (d.type === EntryType.ALL) log(`IVRS: IVHD ${i} all devices data ${hex(d.data)}`);
  else if (d.type === EntryType.ALIAS_SELECT || d.type === EntryType.ALIAS_RANGE) {
    const alias = sdt.bdf(u8(d.alias >> 8), u8(d.alias), c);
    log(`IVRS: IVHD ${i} ${what} ${first}${to}${last} as ${alias} data ${hex(d.data)}`);
  } else if (d.type === EntryType.EXT_SELECT || d.type === EntryType.EXT_RANGE)
    log(
      `IVRS: IVHD ${i} ${what} ${first}${to}${last} data ${hex(d.data)} extended ${hex(d.extData)}`,
    );
  else if (d.type === EntryType.SPECIAL)
    log(
      `IVRS: IVHD ${i} ${d.variety === VARIETY_IOAPIC ? "IOAPIC" : "HPET"} ${d.handle} is ${first} data ${hex(d.data)}`,
    );
  else if (d.type === EntryType.ACPI_HID)
    log(`IVRS: IVHD ${i} ACPI device ${first} data ${hex(d.data)}`);
  else log(`IVRS: IVHD ${i} ${what} ${first}${to}${last} data ${hex(d.data)}`);
}

/** Logs what parse() found, one line per fact (docs/boot-log.md). */
export function report(): void {
  log(
    `IVRS: IVinfo ${hex(info.ivinfo)}: ${(info.ivinfo >> 8) & 0x7f}-bit physical, ${(info.ivinfo >> 16) & 0x7f}-bit virtual addresses`,
  );
  const a = array<u8, 8>();
  for (let i: usize = 0; i < info.ivhdCount; i++) {
    const h = info.ivhds[i];
    const iommu = sdt.bdf(u8(h.deviceId >> 8), u8(h.deviceId), a);
    if (h.type === BlockType.IVHD_10)
      log(
        `IVRS: IVHD ${i} type ${hex(h.type)} IOMMU ${iommu} at ${h.base} segment ${h.segment} flags ${hex(h.flags)} capability ${hex(h.capabilityOffset)} features ${hex(h.feature)}, ${h.deviceCount} device entries`,
      );
    else
      log(
        `IVRS: IVHD ${i} type ${hex(h.type)} IOMMU ${iommu} at ${h.base} segment ${h.segment} flags ${hex(h.flags)} capability ${hex(h.capabilityOffset)} attributes ${hex(h.feature)} EFR ${hex(h.efr)}, ${h.deviceCount} device entries`,
      );
    for (let j = h.firstDevice; j < h.firstDevice + h.deviceCount && j < info.deviceCount; j++)
      logDevice(info.devices[j]);
  }
  if (info.ivhdsDropped !== 0) log(`IVRS: ${info.ivhdsDropped} more IVHDs ignored (table full)`);
  if (info.devicesDropped !== 0)
    log(`IVRS: ${info.devicesDropped} more device entries ignored (table full)`);
  for (let i: usize = 0; i < info.ivmdCount; i++) {
    const m = info.ivmds[i];
    const b = array<u8, 8>();
    log(
      `IVRS: IVMD ${i} type ${hex(m.type)} ${hex(m.start)}-${hex(m.start + m.length)} devices ${sdt.bdf(u8(m.first >> 8), u8(m.first), a)} to ${sdt.bdf(u8(m.last >> 8), u8(m.last), b)} flags ${hex(m.flags)}`,
    );
  }
  if (info.ivmdsDropped !== 0) log(`IVRS: ${info.ivmdsDropped} more IVMDs ignored (table full)`);
  if (info.otherCount !== 0) log(`IVRS: ${info.otherCount} blocks of other types skipped`);
}
