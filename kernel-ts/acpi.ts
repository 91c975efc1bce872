// ACPI discovery: the RSDP (the multiboot2 copy, else the EBDA's first KiB,
// else the BIOS area 0xe0000-0xfffff), the RSDT or XSDT it points to, and a
// directory of every table those list (plus the DSDT from the FADT), each
// checked for length and checksum. init() then runs the table parsers
// (madt, fadt, mcfg, hpet, dmar, ivrs) on the tables present and logs what
// they found. Physical memory below 4 GiB is identity-mapped at boot, which
// is where firmware keeps its tables; a table elsewhere is skipped.
//
// parseRsdp() and parseRoot() read only the bytes they are given, like the
// table parsers: test/acpi/ runs all of them on mutated tables under ASan.

import * as boot from "./boot.ts";
import * as cmdline from "./cmdline.ts";
import * as dmar from "./dmar.ts";
import * as fadt from "./fadt.ts";
import * as hpet from "./hpet.ts";
import * as ivrs from "./ivrs.ts";
import * as madt from "./madt.ts";
import * as mcfg from "./mcfg.ts";
import * as kmem from "./kmem.ts";
import * as sdt from "./sdt.ts";

/** ACPI 6.5 §5.2.5.3, Root System Description Pointer. */
class Rsdp {
  signature: Arr<u8, 8>;
  checksum: u8;
  oemId: Arr<u8, 6>;
  revision: u8;
  rsdtAddress: u32;
  /** Revision 2 and later: the length, the XSDT and a checksum over all of it. */
  length: u32;
  xsdtAddress: u64;
  extendedChecksum: u8;
  reserved: Arr<u8, 3>;
}
layout(Rsdp, {
  packed: true,
  size: 36,
  offsets: {
    signature: 0,
    checksum: 8,
    oemId: 9,
    revision: 15,
    rsdtAddress: 16,
    length: 20,
    xsdtAddress: 24,
    extendedChecksum: 32,
  },
});

/** The ACPI 1.0 part of the RSDP, which its checksum covers. */
const RSDP_V1_SIZE: u32 = 20;
const RSDP_V2_SIZE: u32 = 36;
/** The BIOS data area word that holds the EBDA's real-mode segment. */
const EBDA_SEGMENT_PA: u64 = 0x40e;
const EBDA_SEARCH: u64 = 1024;
const BIOS_AREA_START: u64 = 0xe0000;
const BIOS_AREA_END: u64 = 0x100000;
/** Tables must lie in the identity-mapped first 4 GiB. */
const MAPPED_LIMIT: u64 = 0x1_0000_0000;
/** No firmware table is this long; a longer length is corrupt. */
const MAX_TABLE_LENGTH: u32 = 16 * 1024 * 1024;

export const MAX_TABLES: usize = 64;

/** A table found through the RSDT/XSDT (or the FADT), header checked. */
export class AcpiTable {
  /** The four signature bytes as a little-endian u32 (sdt.sigValue). */
  signature: u32;
  /** The signature as text, NUL-terminated. */
  name: Arr<u8, 5>;
  oem: Arr<u8, 7>;
  address: Phys;
  length: u32;
  revision: u8;
}

export enum RsdpSource {
  NONE = 0,
  MULTIBOOT = 1,
  EBDA = 2,
  BIOS = 3,
}

export class AcpiInfo {
  rsdpSource: u32;
  /** Where the RSDP is: its physical address, or for the boot loader's copy its virtual one. */
  rsdp: u64;
  rsdpVirt: Virt;
  /** RSDP revision: 0 for ACPI 1.0, 2 for ACPI 2.0 and later. */
  revision: u8;
  oem: Arr<u8, 7>;
  rsdt: u64;
  xsdt: u64;
  /** The root table in use (XSDT when it is valid, else RSDT), 0 without one. */
  root: u64;
  rootIsXsdt: bool;
  rootLength: u32;
  /** The addresses the root table lists, in order. */
  entryCount: usize;
  entries: Arr<u64, 64>;
  entriesDropped: usize;
  tableCount: usize;
  tables: Arr<Inline<AcpiTable>, 64>;
  tablesDropped: usize;
}

export const info = new AcpiInfo();

/**
 * Checks the RSDP at `va` with `avail` readable bytes: signature, the ACPI
 * 1.0 checksum, and from revision 2 the length and extended checksum. Fills
 * revision, OEM, RSDT and XSDT addresses of `info`; false after logging why not.
 */
export function parseRsdp(va: Virt, avail: u32): bool {
  info.revision = 0;
  info.rsdt = 0;
  info.xsdt = 0;
  if (avail < RSDP_V1_SIZE) {
    log(`ACPI: RSDP rejected: ${avail} bytes cannot hold it`);
    return false;
  }
  if (sdt.u32At(va, 0) !== sdt.sigValue("RSD ") || sdt.u32At(va, 4) !== sdt.sigValue("PTR ")) {
    log(`ACPI: RSDP rejected: no "RSD PTR " signature`);
    return false;
  }
  const s = sdt.sum(va, RSDP_V1_SIZE);
  if (s !== 0) {
    log(`ACPI: RSDP rejected: checksum off by ${hex(s)}`);
    return false;
  }
  // Only the first 20 bytes are known to be there: read fields, not the whole struct.
  const revision = sdt.u8At(va, u32(offsetof<Rsdp>("revision")));
  if (revision >= 2) {
    if (avail < RSDP_V2_SIZE) {
      log(`ACPI: RSDP rejected: revision ${revision} needs ${RSDP_V2_SIZE} bytes, ${avail} given`);
      return false;
    }
    const length = structAt<Rsdp>(va).length;
    if (length < RSDP_V2_SIZE || length > avail) {
      log(`ACPI: RSDP rejected: length ${length} outside ${RSDP_V2_SIZE} to ${avail}`);
      return false;
    }
    const e = sdt.sum(va, length);
    if (e !== 0) {
      log(`ACPI: RSDP rejected: extended checksum off by ${hex(e)}`);
      return false;
    }
    info.xsdt = structAt<Rsdp>(va).xsdtAddress;
  }
  info.revision = revision;
  info.rsdt = u64(sdt.u32At(va, u32(offsetof<Rsdp>("rsdtAddress"))));
  sdt.copyText(va + offsetof<Rsdp>("oemId"), 6, info.oem, 7);
  return true;
}

/**
 * Checks the RSDT (4-byte entries) or XSDT (8-byte entries) at `va` with
 * `avail` readable bytes and collects the addresses it lists in
 * `info.entries`; false after logging why the table was rejected.
 */
export function parseRoot(va: Virt, avail: u32, xsdt: bool): bool {
  info.entryCount = 0;
  info.entriesDropped = 0;
  info.rootLength = 0;
  const name = xsdt ? "XSDT" : "RSDT";
  const n = sdt.check(va, avail, name, sdt.HEADER_SIZE, "ACPI", name);
  if (n === 0) return false;
  const size: u32 = xsdt ? 8 : 4;
  if ((n - sdt.HEADER_SIZE) % size !== 0) {
    log(
      `ACPI: ${name} rejected: ${n - sdt.HEADER_SIZE} bytes of entries are not a multiple of ${size}`,
    );
    return false;
  }
  for (let off = sdt.HEADER_SIZE; off < n; off += size) {
    if (info.entryCount === MAX_TABLES) {
      info.entriesDropped++;
      continue;
    }
    info.entries[info.entryCount] = xsdt ? sdt.u64At(va, off) : u64(sdt.u32At(va, off));
    info.entryCount++;
  }
  info.rootLength = n;
  return true;
}

/** Where the kernel reaches physical address `pa` now. */
function pv(pa: u64): Virt {
  return kmem.toVirt(phys(pa));
}

/** Bytes readable at physical address `pa` through the boot identity map (0 for none). */
function mapped(pa: u64): u32 {
  if (pa === 0 || pa >= MAPPED_LIMIT) return 0;
  const rest = MAPPED_LIMIT - pa;
  return rest > u64(MAX_TABLE_LENGTH) ? MAX_TABLE_LENGTH : u32(rest);
}

/** The first table with signature `sig`, or null. */
export function find(sig: str): AcpiTable | null {
  const v = sdt.sigValue(sig);
  for (let i: usize = 0; i < info.tableCount; i++) {
    const t = info.tables[i];
    if (t.signature === v) return t;
  }
  return null;
}

export function tableVirt(t: AcpiTable): Virt {
  return kmem.toVirt(t.address);
}

/** Checks the table at `pa` and records it in the directory; `expect` is its signature, or 0 for any. */
function addTable(pa: u64, expect: u32): void {
  const avail = mapped(pa);
  if (avail < sdt.HEADER_SIZE) {
    log(`ACPI: table at ${hex(pa)} skipped: not in the identity-mapped first 4 GiB`);
    return;
  }
  const va = pv(pa);
  const name = array<u8, 5>();
  sdt.copyText(va, 4, name, 5);
  if (expect !== 0 && sdt.u32At(va, 0) !== expect) {
    log(
      `ACPI: table at ${hex(pa)} skipped: signature "${strFromBytes(name)}" not the expected one`,
    );
    return;
  }
  const length = sdt.check(
    va,
    avail,
    strFromBytes(name),
    sdt.HEADER_SIZE,
    "ACPI",
    strFromBytes(name),
  );
  if (length === 0) return;
  if (info.tableCount === MAX_TABLES) {
    info.tablesDropped++;
    return;
  }
  const t = info.tables[info.tableCount];
  info.tableCount++;
  t.signature = sdt.u32At(va, 0);
  sdt.copyText(va, 4, t.name, 5);
  sdt.copyText(va + 10, 6, t.oem, 7);
  t.address = phys(pa);
  t.length = length;
  t.revision = sdt.u8At(va, 8);
  log(
    `ACPI: ${strFromBytes(t.name)} at ${t.address} length ${length} revision ${t.revision} OEM "${strFromBytes(t.oem)}"`,
  );
}

/** The first RSDP in [start, end) on a 16-byte boundary that parseRsdp() accepts, or 0. */
function scan(start: u64, end: u64): u64 {
  for (let pa = start; pa + u64(RSDP_V1_SIZE) <= end; pa += 16) {
    const va = pv(pa);
    if (sdt.u32At(va, 0) !== sdt.sigValue("RSD ") || sdt.u32At(va, 4) !== sdt.sigValue("PTR "))
      continue;
    if (parseRsdp(va, u32(end - pa))) return pa;
  }
  return 0;
}

function found(source: u32, rsdp: u64, va: Virt): bool {
  info.rsdpSource = source;
  info.rsdp = rsdp;
  info.rsdpVirt = va;
  return true;
}

function findRsdp(): bool {
  const copy = boot.info.rsdp;
  if (u64(copy) !== 0 && parseRsdp(copy, boot.info.rsdpLength))
    return found(RsdpSource.MULTIBOOT, u64(copy), copy);
  const ebda = u64(sdt.u16At(pv(EBDA_SEGMENT_PA), 0)) << 4;
  if (ebda >= 0x500 && ebda + EBDA_SEARCH <= 0xa0000) {
    const pa = scan(ebda, ebda + EBDA_SEARCH);
    if (pa !== 0) return found(RsdpSource.EBDA, pa, pv(pa));
  }
  const pa = scan(BIOS_AREA_START, BIOS_AREA_END);
  if (pa !== 0) return found(RsdpSource.BIOS, pa, pv(pa));
  return false;
}

function sourceName(source: u32): str {
  if (source === RsdpSource.MULTIBOOT) return "multiboot2 copy";
  if (source === RsdpSource.EBDA) return "EBDA";
  return "BIOS area";
}

function walkRoot(pa: u64, xsdt: bool): bool {
  const avail = mapped(pa);
  if (avail < sdt.HEADER_SIZE) {
    log(`ACPI: ${xsdt ? "XSDT" : "RSDT"} at ${hex(pa)} skipped: not in the first 4 GiB`);
    return false;
  }
  if (!parseRoot(pv(pa), avail, xsdt)) return false;
  info.root = pa;
  info.rootIsXsdt = xsdt;
  return true;
}

/** Prints `len` bytes as `ACPIDUMP: <name> <offset> <16 bytes>` lines (test/fixtures/acpi/). */
function dump(name: str, pa: u64, va: Virt, len: u32): void {
  log(`ACPIDUMP: ${name} ${hex(pa)} ${len}`);
  for (let off: u32 = 0; off < len; off += 16) {
    const b = array<u8, 16>();
    for (let i: u32 = 0; i < 16 && off + i < len; i++) b[i] = sdt.u8At(va, off + i);
    log(
      `ACPIDUMP: ${name} ${off} ${hex(b[0])} ${hex(b[1])} ${hex(b[2])} ${hex(b[3])} ${hex(b[4])} ${hex(b[5])} ${hex(b[6])} ${hex(b[7])} ${hex(b[8])} ${hex(b[9])} ${hex(b[10])} ${hex(b[11])} ${hex(b[12])} ${hex(b[13])} ${hex(b[14])} ${hex(b[15])}`,
    );
  }
}

function dumpAll(): void {
  const rsdpLength = info.revision >= 2 ? structAt<Rsdp>(info.rsdpVirt).length : RSDP_V1_SIZE;
  dump("RSDP", info.rsdp, info.rsdpVirt, rsdpLength);
  dump(info.rootIsXsdt ? "XSDT" : "RSDT", info.root, pv(info.root), info.rootLength);
  for (let i: usize = 0; i < info.tableCount; i++) {
    const t = info.tables[i];
    dump(strFromBytes(t.name), u64(t.address), tableVirt(t), t.length);
  }
}

/** Finds the tables, logs each, and runs the parsers on those present. */
export function init(): void {
  if (!findRsdp()) {
    log(`ACPI: no RSDP found`);
    return;
  }
  log(
    `ACPI: RSDP at ${hex(info.rsdp)} revision ${info.revision} OEM "${strFromBytes(info.oem)}" (${sourceName(info.rsdpSource)})`,
  );
  if (!(info.revision >= 2 && info.xsdt !== 0 && walkRoot(info.xsdt, true))) {
    if (!walkRoot(info.rsdt, false)) {
      log(`ACPI: no usable RSDT or XSDT`);
      return;
    }
  }
  log(
    `ACPI: ${info.rootIsXsdt ? "XSDT" : "RSDT"} at ${hex(info.root)} length ${info.rootLength} with ${info.entryCount} entries`,
  );
  if (info.entriesDropped !== 0) log(`ACPI: ${info.entriesDropped} more entries ignored`);
  for (let i: usize = 0; i < info.entryCount; i++) addTable(info.entries[i], 0);
  const f = find("FACP");
  if (f !== null && fadt.parse(tableVirt(f), f.length) && fadt.info.dsdt !== 0)
    addTable(fadt.info.dsdt, sdt.sigValue("DSDT"));
  if (info.tablesDropped !== 0) log(`ACPI: ${info.tablesDropped} more tables ignored (table full)`);
  if (cmdline.has("acpi.dump")) dumpAll();

  const m = find("APIC");
  if (m !== null && madt.parse(tableVirt(m), m.length)) madt.report();
  if (fadt.info.valid) fadt.report();
  const c = find("MCFG");
  if (c !== null && mcfg.parse(tableVirt(c), c.length)) mcfg.report();
  const h = find("HPET");
  if (h !== null && hpet.parse(tableVirt(h), h.length)) hpet.report();
  const d = find("DMAR");
  if (d !== null && dmar.parse(tableVirt(d), d.length)) dmar.report();
  const v = find("IVRS");
  if (v !== null && ivrs.parse(tableVirt(v), v.length)) ivrs.report();
}
