// The boot description: what the boot loader told the kernel, in one form
// whichever multiboot version delivered it (multiboot.ts fills it in).

export const MAX_RANGES: usize = 128;
export const MAX_MODULES: usize = 16;

/** Memory-map types, as both multiboot versions (and E820) number them. */
export enum MemoryType {
  AVAILABLE = 1,
  RESERVED = 2,
  ACPI_RECLAIMABLE = 3,
  ACPI_NVS = 4,
  BAD = 5,
}

export class MemoryRange {
  base: u64;
  length: u64;
  type: u32;
}

/** [start, end) of boot information the root may read (nova-abi.md §9.4: RSI points at it). */
export class InfoSpan {
  start: Phys;
  end: Phys;
}

export class BootModule {
  start: Phys;
  end: Phys;
  cmdline: str;
}

export class BootInfo {
  /** 1 or 2: the multiboot version that started the kernel. */
  loader: u32;
  cmdline: str;
  rangeCount: usize;
  ranges: Arr<Inline<MemoryRange>, 128>;
  /** Ranges the map had beyond MAX_RANGES (reported, not used). */
  rangesDropped: usize;
  moduleCount: usize;
  modules: Arr<Inline<BootModule>, 16>;
  modulesDropped: usize;
  /** The boot loader's copy of the ACPI RSDP (multiboot2 tags 14/15), or 0. */
  rsdp: Virt;
  /** Bytes of that copy (the tag's payload). */
  rsdpLength: u32;
  /** The multiboot information structure itself: keep it out of the allocator. */
  infoStart: Phys;
  infoEnd: Phys;
  /** What it points at elsewhere (multiboot v1), kept out of the allocator too: whole pages. */
  spanCount: usize;
  spans: Arr<Inline<InfoSpan>, 32>;
}

export const info = new BootInfo();

/** Command lines copied out of the boot loader's memory, which is not mapped once boot is over. */
class StringPool {
  bytes: Arr<u8, 4096>;
  used: usize;
}
const strings = new StringPool();

/**
 * Copies the NUL-terminated string at `va` into kernel memory and returns the
 * copy. A string that does not fit is cut short (still terminated).
 */
export function keepString(va: Virt): str {
  const src = ptrFromVirt<u8>(va);
  const start = strings.used;
  let i: usize = 0;
  while (start + i + 1 < 4096 && src.get(i) !== 0) {
    strings.bytes[start + i] = src.get(i);
    i++;
  }
  strings.bytes[start + i] = 0;
  strings.used = start + i + 1 < 4096 ? start + i + 1 : 4095;
  return strAt(ptrToVirt(arrayPtr(strings.bytes)) + start);
}

export function addRange(base: u64, length: u64, type: u32): void {
  if (info.rangeCount === MAX_RANGES) {
    info.rangesDropped++;
    return;
  }
  const r = info.ranges[info.rangeCount];
  r.base = base;
  r.length = length;
  r.type = type;
  info.rangeCount++;
}

/**
 * Boot information at [start, end) outside the structure: the kernel never
 * allocates it, so the root can read it. Kept as whole pages, the unit the
 * allocator works in; pages already kept (the structure's, or another piece's:
 * loaders put several strings in one page) are not kept twice. A loader that
 * scatters more pieces than the table holds stops the boot (no loader known
 * does).
 */
export function addInfoSpan(start: u64, end: u64): void {
  if (end <= start) return;
  const first = pageDown(start);
  const last = pageUp(end);
  const info0 = pageDown(u64(info.infoStart));
  if (first >= info0 && last <= pageUp(u64(info.infoEnd))) return;
  for (let i: usize = 0; i < info.spanCount; i++) {
    const s = info.spans[i];
    if (first >= u64(s.start) && last <= u64(s.end)) return;
  }
  if (info.spanCount === info.spans.length) panic("boot: too many pieces of boot information");
  const s = info.spans[info.spanCount];
  s.start = phys(first);
  s.end = phys(last);
  info.spanCount++;
}

function pageDown(a: u64): u64 {
  return a & ~u64(0xfff);
}

function pageUp(a: u64): u64 {
  return (a + 0xfff) & ~u64(0xfff);
}

export function addModule(start: Phys, end: Phys, cmdline: str): void {
  if (info.moduleCount === MAX_MODULES) {
    info.modulesDropped++;
    return;
  }
  const m = info.modules[info.moduleCount];
  m.start = start;
  m.end = end;
  m.cmdline = cmdline;
  info.moduleCount++;
}

/** Bytes of RAM the map marks available. */
export function usableBytes(): u64 {
  let total: u64 = 0;
  for (let i: usize = 0; i < info.rangeCount; i++) {
    const r = info.ranges[i];
    if (r.type === MemoryType.AVAILABLE) total += r.length;
  }
  return total;
}
