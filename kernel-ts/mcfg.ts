// MCFG, the PCI Express memory-mapped configuration table (PCI Firmware
// Specification 3.3 §4.1.2, signature "MCFG"): where each PCI segment's
// ECAM window is and which buses it decodes. The base address is that of
// bus 0 of the segment; bus b's 1 MiB starts at base + (b << 20).

import * as sdt from "./sdt.ts";

export const MAX_REGIONS: usize = 16;

/** The header and 8 reserved bytes; allocation entries follow. */
const MCFG_HEADER: u32 = 44;

class McfgAllocation {
  base: u64;
  segment: u16;
  startBus: u8;
  endBus: u8;
  reserved: u32;
}
layout(McfgAllocation, {
  packed: true,
  size: 16,
  offsets: { base: 0, segment: 8, startBus: 10, endBus: 11 },
});

export class EcamRegion {
  base: Phys;
  segment: u16;
  startBus: u8;
  /** Inclusive. */
  endBus: u8;
}

export class McfgInfo {
  valid: bool;
  count: usize;
  regions: Arr<Inline<EcamRegion>, 16>;
  dropped: usize;
}

export const info = new McfgInfo();

function reject(reason: str, at: u32): bool {
  log(`MCFG: table rejected: ${reason} (offset ${at})`);
  info.valid = false;
  info.count = 0;
  info.dropped = 0;
  return false;
}

/** Parses the MCFG at `va` with `avail` readable bytes into `info`; false after logging why not. */
export function parse(va: Virt, avail: u32): bool {
  info.valid = false;
  info.count = 0;
  info.dropped = 0;
  const n = sdt.check(va, avail, "MCFG", MCFG_HEADER, "MCFG", "table");
  if (n === 0) return false;
  const size = u32(sizeof<McfgAllocation>());
  if ((n - MCFG_HEADER) % size !== 0)
    return reject("entries are not a whole number of 16-byte allocations", MCFG_HEADER);
  for (let at = MCFG_HEADER; at < n; at += size) {
    const a = structAt<McfgAllocation>(va + at);
    if (a.endBus < a.startBus) return reject("end bus below start bus", at);
    if ((a.base & 0xfffff) !== 0 || a.base === 0)
      return reject("ECAM base not a non-zero multiple of 1 MiB", at);
    if (info.count === MAX_REGIONS) {
      info.dropped++;
      continue;
    }
    const r = info.regions[info.count];
    info.count++;
    r.base = phys(a.base);
    r.segment = a.segment;
    r.startBus = a.startBus;
    r.endBus = a.endBus;
  }
  info.valid = true;
  return true;
}

/** Logs what parse() found, one line per fact (docs/boot-log.md). */
export function report(): void {
  for (let i: usize = 0; i < info.count; i++) {
    const r = info.regions[i];
    log(`MCFG: ECAM at ${r.base} segment ${r.segment} buses ${r.startBus} to ${r.endBus}`);
  }
  if (info.dropped !== 0) log(`MCFG: ${info.dropped} more regions ignored (table full)`);
}
