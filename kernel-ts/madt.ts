// MADT, the Multiple APIC Description Table (ACPI 6.5 §5.2.12, signature
// "APIC"): the processors' local APICs (xAPIC and x2APIC entries), the I/O
// APICs, the ISA interrupt source overrides and the NMI wiring, for the
// LAPIC, IOAPIC and SMP code. Entries of other types are skipped; an entry
// that is too short for its type or runs past the table rejects the table.

import * as sdt from "./sdt.ts";

export const MAX_CPUS: usize = 256;
export const MAX_IOAPICS: usize = 32;
export const MAX_OVERRIDES: usize = 32;
/** Firmware often lists one local APIC NMI per processor. */
export const MAX_NMIS: usize = 256;
/** The processor uid of an NMI entry that applies to every processor. */
export const ALL_CPUS: u32 = 0xffff_ffff;

/** MADT flags: the PC-AT dual 8259 PICs are present. */
export const PCAT_COMPAT: u32 = 1 << 0;
/** Local APIC and x2APIC flags. */
const CPU_ENABLED: u32 = 1 << 0;
const CPU_ONLINE_CAPABLE: u32 = 1 << 1;

enum Entry {
  LAPIC = 0,
  IOAPIC = 1,
  OVERRIDE = 2,
  NMI_SOURCE = 3,
  LAPIC_NMI = 4,
  LAPIC_ADDRESS = 5,
  X2APIC = 9,
  X2APIC_NMI = 10,
}

/** The fixed part after the header: local APIC address and flags. */
class MadtHeader {
  header: Inline<sdt.SdtHeader>;
  lapicAddress: u32;
  flags: u32;
}
layout(MadtHeader, { packed: true, size: 44, offsets: { lapicAddress: 36, flags: 40 } });

class MadtLapic {
  type: u8;
  length: u8;
  uid: u8;
  apicId: u8;
  flags: u32;
}
layout(MadtLapic, { packed: true, size: 8, offsets: { uid: 2, apicId: 3, flags: 4 } });

class MadtIoApic {
  type: u8;
  length: u8;
  id: u8;
  reserved: u8;
  address: u32;
  gsiBase: u32;
}
layout(MadtIoApic, { packed: true, size: 12, offsets: { id: 2, address: 4, gsiBase: 8 } });

class MadtOverride {
  type: u8;
  length: u8;
  bus: u8;
  source: u8;
  gsi: u32;
  flags: u16;
}
layout(MadtOverride, {
  packed: true,
  size: 10,
  offsets: { bus: 2, source: 3, gsi: 4, flags: 8 },
});

class MadtNmiSource {
  type: u8;
  length: u8;
  flags: u16;
  gsi: u32;
}
layout(MadtNmiSource, { packed: true, size: 8, offsets: { flags: 2, gsi: 4 } });

class MadtLapicNmi {
  type: u8;
  length: u8;
  uid: u8;
  flags: u16;
  lint: u8;
}
layout(MadtLapicNmi, { packed: true, size: 6, offsets: { uid: 2, flags: 3, lint: 5 } });

class MadtLapicAddress {
  type: u8;
  length: u8;
  reserved: u16;
  address: u64;
}
layout(MadtLapicAddress, { packed: true, size: 12, offsets: { address: 4 } });

class MadtX2apic {
  type: u8;
  length: u8;
  reserved: u16;
  x2apicId: u32;
  flags: u32;
  uid: u32;
}
layout(MadtX2apic, { packed: true, size: 16, offsets: { x2apicId: 4, flags: 8, uid: 12 } });

class MadtX2apicNmi {
  type: u8;
  length: u8;
  flags: u16;
  uid: u32;
  lint: u8;
  reserved: Arr<u8, 3>;
}
layout(MadtX2apicNmi, { packed: true, size: 12, offsets: { flags: 2, uid: 4, lint: 8 } });

export class Cpu {
  apicId: u32;
  /** The ACPI processor uid (the namespace links it to the processor object). */
  uid: u32;
  enabled: bool;
  /** Not enabled now but can be brought online (ACPI 6.3). */
  onlineCapable: bool;
  /** From an x2APIC entry (ids above 254 exist only there). */
  x2apic: bool;
}

export class IoApic {
  id: u8;
  address: Phys;
  gsiBase: u32;
}

/** An ISA IRQ that is not identity-mapped to a GSI, or not edge/high. */
export class Override {
  bus: u8;
  source: u8;
  gsi: u32;
  /** MPS INTI flags: polarity in bits 0-1, trigger mode in bits 2-3. */
  flags: u16;
}

export class Nmi {
  /** True: an I/O APIC input (GSI) is the NMI; false: a local APIC LINT pin. */
  fromGsi: bool;
  gsi: u32;
  /** The processor uid, or ALL_CPUS. */
  uid: u32;
  lint: u8;
  flags: u16;
}

export class MadtInfo {
  valid: bool;
  lapicAddress: Phys;
  flags: u32;
  cpuCount: usize;
  enabledCount: usize;
  cpus: Arr<Inline<Cpu>, 256>;
  cpusDropped: usize;
  /** Entries naming an APIC id already listed (ignored). */
  cpusDuplicate: usize;
  ioapicCount: usize;
  ioapics: Arr<Inline<IoApic>, 32>;
  ioapicsDropped: usize;
  overrideCount: usize;
  overrides: Arr<Inline<Override>, 32>;
  overridesDropped: usize;
  nmiCount: usize;
  nmis: Arr<Inline<Nmi>, 256>;
  nmisDropped: usize;
}

export const info = new MadtInfo();

function reset(): void {
  info.valid = false;
  info.lapicAddress = phys(0);
  info.flags = 0;
  info.cpuCount = 0;
  info.enabledCount = 0;
  info.cpusDropped = 0;
  info.cpusDuplicate = 0;
  info.ioapicCount = 0;
  info.ioapicsDropped = 0;
  info.overrideCount = 0;
  info.overridesDropped = 0;
  info.nmiCount = 0;
  info.nmisDropped = 0;
}

function reject(reason: str, type: u8, at: u32): bool {
  log(`MADT: table rejected: ${reason} (entry type ${type} at offset ${at})`);
  reset();
  return false;
}

function addCpu(apicId: u32, uid: u32, flags: u32, x2apic: bool): void {
  for (let i: usize = 0; i < info.cpuCount; i++) {
    if (info.cpus[i].apicId === apicId) {
      info.cpusDuplicate++;
      return;
    }
  }
  if (info.cpuCount === MAX_CPUS) {
    info.cpusDropped++;
    return;
  }
  const c = info.cpus[info.cpuCount];
  info.cpuCount++;
  c.apicId = apicId;
  c.uid = uid;
  c.enabled = (flags & CPU_ENABLED) !== 0;
  c.onlineCapable = !c.enabled && (flags & CPU_ONLINE_CAPABLE) !== 0;
  c.x2apic = x2apic;
  if (c.enabled) info.enabledCount++;
}

function addNmi(fromGsi: bool, gsi: u32, uid: u32, lint: u8, flags: u16): void {
  if (info.nmiCount === MAX_NMIS) {
    info.nmisDropped++;
    return;
  }
  const n = info.nmis[info.nmiCount];
  info.nmiCount++;
  n.fromGsi = fromGsi;
  n.gsi = gsi;
  n.uid = uid;
  n.lint = lint;
  n.flags = flags;
}

/** The smallest length an entry of `type` may have (0: a type this parser skips). */
function minLength(type: u8): u32 {
  switch (u32(type)) {
    case Entry.LAPIC:
      return u32(sizeof<MadtLapic>());
    case Entry.IOAPIC:
      return u32(sizeof<MadtIoApic>());
    case Entry.OVERRIDE:
      return u32(sizeof<MadtOverride>());
    case Entry.NMI_SOURCE:
      return u32(sizeof<MadtNmiSource>());
    case Entry.LAPIC_NMI:
      return u32(sizeof<MadtLapicNmi>());
    case Entry.LAPIC_ADDRESS:
      return u32(sizeof<MadtLapicAddress>());
    case Entry.X2APIC:
      return u32(sizeof<MadtX2apic>());
    case Entry.X2APIC_NMI:
      return u32(sizeof<MadtX2apicNmi>());
  }
  return 0;
}

/** Parses the MADT at `va` with `avail` readable bytes into `info`; false after logging why not. */
export function parse(va: Virt, avail: u32): bool {
  reset();
  const n = sdt.check(va, avail, "APIC", u32(sizeof<MadtHeader>()), "MADT", "table");
  if (n === 0) return false;
  const h = structAt<MadtHeader>(va);
  info.lapicAddress = phys(u64(h.lapicAddress));
  info.flags = h.flags;
  let at = u32(sizeof<MadtHeader>());
  while (at < n) {
    if (n - at < 2) return reject("entry header cut off by the table end", sdt.u8At(va, at), at);
    const type = sdt.u8At(va, at);
    const length = sdt.u8At(va, at + 1);
    if (length < 2) return reject("entry length below 2", type, at);
    if (u32(length) > n - at) return reject("entry runs past the table end", type, at);
    if (u32(length) < minLength(type)) return reject("entry too short for its type", type, at);
    const e = va + at;
    if (type === Entry.LAPIC) {
      const l = structAt<MadtLapic>(e);
      addCpu(u32(l.apicId), u32(l.uid), l.flags, false);
    } else if (type === Entry.X2APIC) {
      const x = structAt<MadtX2apic>(e);
      addCpu(x.x2apicId, x.uid, x.flags, true);
    } else if (type === Entry.IOAPIC) {
      const io = structAt<MadtIoApic>(e);
      if (io.address === 0) return reject("I/O APIC at address 0", type, at);
      if (info.ioapicCount === MAX_IOAPICS) info.ioapicsDropped++;
      else {
        const a = info.ioapics[info.ioapicCount];
        info.ioapicCount++;
        a.id = io.id;
        a.address = phys(u64(io.address));
        a.gsiBase = io.gsiBase;
      }
    } else if (type === Entry.OVERRIDE) {
      const o = structAt<MadtOverride>(e);
      if (info.overrideCount === MAX_OVERRIDES) info.overridesDropped++;
      else {
        const r = info.overrides[info.overrideCount];
        info.overrideCount++;
        r.bus = o.bus;
        r.source = o.source;
        r.gsi = o.gsi;
        r.flags = o.flags;
      }
    } else if (type === Entry.NMI_SOURCE) {
      const s = structAt<MadtNmiSource>(e);
      addNmi(true, s.gsi, ALL_CPUS, 0, s.flags);
    } else if (type === Entry.LAPIC_NMI) {
      const l = structAt<MadtLapicNmi>(e);
      if (l.lint > 1) return reject("NMI on a LINT pin other than 0 or 1", type, at);
      addNmi(false, 0, l.uid === 0xff ? ALL_CPUS : u32(l.uid), l.lint, l.flags);
    } else if (type === Entry.X2APIC_NMI) {
      const x = structAt<MadtX2apicNmi>(e);
      if (x.lint > 1) return reject("NMI on a LINT pin other than 0 or 1", type, at);
      addNmi(false, 0, x.uid, x.lint, x.flags);
    } else if (type === Entry.LAPIC_ADDRESS) {
      info.lapicAddress = phys(structAt<MadtLapicAddress>(e).address);
    }
    at += u32(length);
  }
  if (u64(info.lapicAddress) === 0 && info.cpuCount !== 0)
    return reject("local APICs without an address", 0, u32(sizeof<MadtHeader>()));
  info.valid = true;
  return true;
}

/** Logs what parse() found, one line per fact (docs/boot-log.md). */
export function report(): void {
  log(`MADT: local APIC at ${info.lapicAddress} flags ${hex(info.flags)}`);
  log(`MADT: ${info.cpuCount} CPUs (${info.enabledCount} enabled)`);
  for (let i: usize = 0; i < info.cpuCount; i++) {
    const c = info.cpus[i];
    const state = c.enabled ? "enabled" : c.onlineCapable ? "online-capable" : "disabled";
    log(
      `MADT: CPU ${i} ${c.x2apic ? "x2APIC" : "APIC"} id ${c.apicId} processor uid ${c.uid} ${state}`,
    );
  }
  if (info.cpusDropped !== 0) log(`MADT: ${info.cpusDropped} more CPUs ignored (table full)`);
  if (info.cpusDuplicate !== 0)
    log(`MADT: ${info.cpusDuplicate} CPU entries ignored (APIC id listed before)`);
  for (let i: usize = 0; i < info.ioapicCount; i++) {
    const a = info.ioapics[i];
    log(`MADT: IOAPIC id ${a.id} at ${a.address} GSI base ${a.gsiBase}`);
  }
  if (info.ioapicsDropped !== 0)
    log(`MADT: ${info.ioapicsDropped} more IOAPICs ignored (table full)`);
  for (let i: usize = 0; i < info.overrideCount; i++) {
    const o = info.overrides[i];
    log(`MADT: override bus ${o.bus} IRQ ${o.source} -> GSI ${o.gsi} flags ${hex(o.flags)}`);
  }
  if (info.overridesDropped !== 0)
    log(`MADT: ${info.overridesDropped} more overrides ignored (table full)`);
  for (let i: usize = 0; i < info.nmiCount; i++) {
    const m = info.nmis[i];
    if (m.fromGsi) log(`MADT: NMI source GSI ${m.gsi} flags ${hex(m.flags)}`);
    else if (m.uid === ALL_CPUS)
      log(`MADT: NMI on LINT${m.lint} of every CPU flags ${hex(m.flags)}`);
    else log(`MADT: NMI on LINT${m.lint} of processor uid ${m.uid} flags ${hex(m.flags)}`);
  }
  if (info.nmisDropped !== 0) log(`MADT: ${info.nmisDropped} more NMIs ignored (table full)`);
}
