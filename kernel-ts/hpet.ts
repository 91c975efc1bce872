// HPET, the IA-PC High Precision Event Timer table (IA-PC HPET Specification
// 1.0a §3.2.4, signature "HPET"): the first timer block's MMIO base and what
// its hardware id says (comparators, counter width, legacy routing, vendor).

import * as sdt from "./sdt.ts";

class HpetTable {
  header: Inline<sdt.SdtHeader>;
  /** The block's General Capabilities and ID register, bits 0-31. */
  eventTimerBlockId: u32;
  baseAddress: Inline<sdt.Gas>;
  hpetNumber: u8;
  minimumTick: u16;
  pageProtection: u8;
}
layout(HpetTable, {
  packed: true,
  size: 56,
  offsets: {
    eventTimerBlockId: 36,
    baseAddress: 40,
    hpetNumber: 52,
    minimumTick: 53,
    pageProtection: 55,
  },
});

export class HpetInfo {
  valid: bool;
  address: Phys;
  blockId: u32;
  number: u8;
  /** Minimum main-counter ticks between periodic interrupts. */
  minimumTick: u16;
  /** Bits 0-3: 0 none, 1 4 KiB, 2 64 KiB protected; bits 4-7 OEM. */
  pageProtection: u8;
  revision: u8;
  comparators: u8;
  counter64: bool;
  legacyCapable: bool;
  vendor: u16;
}

export const info = new HpetInfo();

/** Parses the HPET table at `va` with `avail` readable bytes into `info`; false after logging why not. */
export function parse(va: Virt, avail: u32): bool {
  info.valid = false;
  const n = sdt.check(va, avail, "HPET", u32(sizeof<HpetTable>()), "HPET", "table");
  if (n === 0) return false;
  const t = structAt<HpetTable>(va);
  if (t.baseAddress.spaceId !== sdt.Space.MEMORY) {
    log(`HPET: table rejected: base address in ${sdt.spaceName(t.baseAddress.spaceId)} space`);
    return false;
  }
  if (t.baseAddress.address === 0 || (t.baseAddress.address & 0x3ff) !== 0) {
    log(
      `HPET: table rejected: base address ${hex(t.baseAddress.address)} is not a non-zero multiple of 1 KiB`,
    );
    return false;
  }
  const id = t.eventTimerBlockId;
  info.address = phys(t.baseAddress.address);
  info.blockId = id;
  info.number = t.hpetNumber;
  info.minimumTick = t.minimumTick;
  info.pageProtection = t.pageProtection;
  info.revision = u8(id);
  info.comparators = u8((id >> 8) & 0x1f) + 1;
  info.counter64 = (id & (1 << 13)) !== 0;
  info.legacyCapable = (id & (1 << 15)) !== 0;
  info.vendor = u16(id >> 16);
  info.valid = true;
  return true;
}

/** Logs what parse() found, one line per fact (docs/boot-log.md). */
export function report(): void {
  log(
    `HPET: block ${info.number} at ${info.address} vendor ${hex(info.vendor)} revision ${info.revision}, ${info.comparators} comparators, ${info.counter64 ? "64" : "32"}-bit counter${info.legacyCapable ? ", legacy routing" : ""}, minimum tick ${info.minimumTick}`,
  );
}
