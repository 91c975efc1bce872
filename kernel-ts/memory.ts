// Physical memory: the page allocator's two zones, built from the boot memory
// map, and the slab allocator behind `new` (docs/memory.md).
//
// Free memory is the map's available ranges minus: the first MiB, the kernel
// image (through .bss), the multiboot information, the modules, and every
// range the map marks otherwise (reserved, ACPI, bad), should one overlap an
// available range. The frame tables are carved out of the highest free memory
// below 4 GiB. Memory below 4 GiB goes to the `low` zone, the rest to `high`:
// before the kernel's own page tables are live only `low` is reachable (boot
// identity map), after that both are (direct map).

import * as boot from "./boot.ts";
import * as cmdline from "./cmdline.ts";
import { Buddy, MAX_REGIONS, NONE, PAGE_SHIFT, PAGE_SIZE } from "./buddy.ts";
import * as kmem from "./kmem.ts";
import { CLASSES, heap, MAX_OBJECT, SLAB_BYTES } from "./slab.ts";

const MIB: u64 = 0x10_0000;
/**
 * Never managed: the real-mode IVT and BIOS data (page 0 also makes address 0
 * mean "no memory"), the EBDA, the AP startup trampoline and its page tables
 * (smp.ts, 0x1000-0x5000), and where GRUB puts multiboot v1's command lines, module list and
 * memory map (QEMU -kernel puts them after the image: boot.info.spans reserves them).
 */
const LOW_LIMIT: u64 = 0x10_0000;
/** The zone boundary: the boot page tables identity-map [0, 4 GiB). */
export const FOUR_GIB: u64 = 0x1_0000_0000;
/** x86-64 physical addresses have at most 52 bits: a map entry beyond is ignored there. */
const PHYS_LIMIT: u64 = 0x10_0000_0000_0000;

/** Memory below 4 GiB. */
export const low = new Buddy();
/** Memory at and above 4 GiB. */
export const high = new Buddy();

class Span {
  start: u64;
  end: u64;
  what: str;
}

/**
 * Ranges kept out of the allocator, page-aligned outward, sorted by start; they may overlap.
 * Room for each kind: low memory, the image, the information and its pieces
 * (boot.info.spans), the modules, firmware ranges (boot.MAX_RANGES), the frame tables and
 * user memory.
 */
const reserved = array<Inline<Span>, 184>();
let reservedCount: usize = 0;
/** Available memory, page-aligned inward, sorted, merged, split at 4 GiB. */
const available = array<Inline<Span>, 256>();
let availableCount: usize = 0;
let heapStarted: bool = false;

function alignUp(v: u64): u64 {
  return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

function alignDown(v: u64): u64 {
  return v & ~(PAGE_SIZE - 1);
}

/** The end of a map range, saturated at the top of the address space. */
function rangeEnd(base: u64, length: u64): u64 {
  return base + length < base ? u64.MAX : base + length;
}

/** Inserts [start, end) into a sorted span list of `count` entries; returns the new count. */
function insert(
  list: Arr<Inline<Span>, number>,
  count: usize,
  start: u64,
  end: u64,
  what: str,
): usize {
  let at = count;
  while (at > 0 && list[at - 1].start > start) {
    const d = list[at];
    const s = list[at - 1];
    d.start = s.start;
    d.end = s.end;
    d.what = s.what;
    at--;
  }
  const n = list[at];
  n.start = start;
  n.end = end;
  n.what = what;
  return count + 1;
}

function reserve(start: u64, end: u64, what: str, show: bool): void {
  const s = alignDown(start);
  const e = end > u64.MAX - PAGE_SIZE ? alignDown(end) : alignUp(end);
  if (s >= e) return;
  assert(reservedCount < reserved.length, "memory: too many reserved ranges");
  reservedCount = insert(reserved, reservedCount, s, e, what);
  if (show) log(`MEM: reserved ${hex(s)}-${hex(e)} ${what}`);
}

function addAvailable(start: u64, end: u64): void {
  if (start >= PHYS_LIMIT) return;
  const s = alignUp(start);
  const e = alignDown(end < PHYS_LIMIT ? end : PHYS_LIMIT);
  if (s >= e) return;
  if (s < FOUR_GIB && e > FOUR_GIB) {
    addAvailable(s, FOUR_GIB);
    addAvailable(FOUR_GIB, e);
    return;
  }
  assert(availableCount < available.length, "memory: too many available ranges");
  availableCount = insert(available, availableCount, s, e, "");
}

/** Merges overlapping and touching available spans of the same zone. */
function mergeAvailable(): void {
  if (availableCount === 0) return;
  let out: usize = 0;
  for (let i: usize = 1; i < availableCount; i++) {
    const cur = available[out];
    const next = available[i];
    const sameZone = cur.start >= FOUR_GIB === next.start >= FOUR_GIB;
    if (sameZone && next.start <= cur.end) {
      if (next.end > cur.end) cur.end = next.end;
    } else {
      out++;
      const d = available[out];
      d.start = next.start;
      d.end = next.end;
    }
  }
  availableCount = out + 1;
}

/**
 * The regions of one zone: its available spans, except that when there are
 * more than a Buddy holds, the last region also covers the rest (and the holes
 * between, whose frames are never freed). Adds them to `zone` when given;
 * returns their pages.
 */
function regions(above: bool, zone: Buddy | null): u64 {
  let pages: u64 = 0;
  let count: u32 = 0;
  let start: u64 = 0;
  let end: u64 = 0;
  for (let i: usize = 0; i <= availableCount; i++) {
    const last = i === availableCount;
    if (!last && available[i].start >= FOUR_GIB !== above) continue;
    if (!last && count === MAX_REGIONS) {
      end = available[i].end;
      continue;
    }
    if (count !== 0) {
      pages += (end - start) >> PAGE_SHIFT;
      if (zone !== null) assert(zone.addRegion(phys(start), phys(end)), "memory: frame table");
    }
    if (last) break;
    start = available[i].start;
    end = available[i].end;
    count++;
  }
  return pages;
}

/** Calls visit(start, end) for every piece of available memory no reserved range covers. */
function sweep(visit: (start: u64, end: u64) => void): void {
  for (let i: usize = 0; i < availableCount; i++) {
    const a = available[i];
    let at = a.start;
    for (let j: usize = 0; j < reservedCount && at < a.end; j++) {
      const r = reserved[j];
      if (r.end <= at) continue;
      if (r.start >= a.end) break;
      if (r.start > at) visit(at, r.start);
      at = r.end;
    }
    if (at < a.end) visit(at, a.end);
  }
}

let tableBytes: u64 = 0;
let tableAt: u64 = 0;

/**
 * The kernel's pool: the kernel keeps the lowest `quota` pages of free RAM
 * (what it needs early is below 4 GiB) and reserves the rest as user memory,
 * which it never allocates and the root PD delegates through the NOVA host
 * space (nova-abi.md §9.3, §9.6). `kmem=<MiB>` sets the pool, `kmem=all`
 * gives the kernel everything; the default is a quarter of RAM, at least
 * DEFAULT_POOL_MIN (all of a smaller machine).
 */
const DEFAULT_POOL_MIN: u64 = 64 * MIB;
class Pool {
  quota: u64;
  counted: u64;
  boundary: u64;
}
const pool = new Pool();

/** sweep() visitor: counts free pages. */
function countFree(start: u64, end: u64): void {
  pool.counted += (end - start) >> PAGE_SHIFT;
}

/** sweep() visitor: finds the address below which `quota` free pages lie. */
function findBoundary(start: u64, end: u64): void {
  if (pool.boundary !== 0) return;
  const pages = (end - start) >> PAGE_SHIFT;
  if (pool.counted + pages >= pool.quota)
    pool.boundary = start + ((pool.quota - pool.counted) << PAGE_SHIFT);
  else pool.counted += pages;
}

/** Reserves what lies above the kernel's pool as user memory (logged with both sizes). */
function splitPool(): void {
  pool.counted = 0;
  sweep(countFree);
  const total = pool.counted;
  let quota = total;
  if (!cmdline.is("kmem", "all")) {
    const asked = cmdline.number("kmem", 0) * (MIB >> PAGE_SHIFT);
    const fallback =
      total / 4 > DEFAULT_POOL_MIN >> PAGE_SHIFT ? total / 4 : DEFAULT_POOL_MIN >> PAGE_SHIFT;
    const want = asked !== 0 ? asked : fallback;
    if (want < total) quota = want;
  }
  if (quota < total) {
    pool.quota = quota;
    pool.counted = 0;
    pool.boundary = 0;
    sweep(findBoundary);
    reserve(pool.boundary, available[availableCount - 1].end, "user memory", true);
  }
  log(
    `MEM: kernel pool ${(quota << PAGE_SHIFT) / MIB} MiB, user memory ${((total - quota) << PAGE_SHIFT) / MIB} MiB (kmem=<MiB>|all)`,
  );
}

/** sweep() visitor: remembers the top of the highest free piece below 4 GiB that fits the tables. */
function fitTables(start: u64, end: u64): void {
  if (end <= FOUR_GIB && end - start >= tableBytes) tableAt = end - tableBytes;
}

/** sweep() visitor: frees a piece into its zone. */
function release(start: u64, end: u64): void {
  if (start >= FOUR_GIB) high.addFree(phys(start), phys(end));
  else low.addFree(phys(start), phys(end));
}

/**
 * Builds both zones from the boot description and logs the reserved ranges
 * and the free memory. Runs on the boot page tables (before the switch).
 */
export function init(): void {
  // One entry per kind but the counted ones; the table must hold them all.
  assert(
    reserved.length >= 6 + boot.info.spans.length + boot.MAX_MODULES + boot.MAX_RANGES,
    "memory: the reserved table is smaller than what the boot description can name",
  );
  reserve(0, LOW_LIMIT, "low memory (BIOS, trampoline)", true);
  reserve(u64(linkerSymbol("__image_start")), u64(linkerSymbol("__bss_end")), "kernel image", true);
  reserve(u64(boot.info.infoStart), u64(boot.info.infoEnd), "multiboot information", true);
  for (let i: usize = 0; i < boot.info.spanCount; i++) {
    const s = boot.info.spans[i];
    reserve(u64(s.start), u64(s.end), "multiboot information", true);
  }
  for (let i: usize = 0; i < boot.info.moduleCount; i++) {
    const m = boot.info.modules[i];
    reserve(u64(m.start), u64(m.end), "module", true);
  }
  for (let i: usize = 0; i < boot.info.rangeCount; i++) {
    const r = boot.info.ranges[i];
    const end = rangeEnd(r.base, r.length);
    if (r.type === boot.MemoryType.AVAILABLE) addAvailable(r.base, end);
    else reserve(r.base, end, "firmware", false);
  }
  mergeAvailable();
  splitPool();

  const lowPages = regions(false, null);
  const highPages = regions(true, null);
  assert(lowPages < u64(u32.MAX) && highPages < u64(u32.MAX), "memory: too many pages");
  const lowBytes = alignUp(Buddy.tableBytes(lowPages));
  tableBytes = lowBytes + alignUp(Buddy.tableBytes(highPages));
  sweep(fitTables);
  if (tableAt === 0) panic("memory: no room below 4 GiB for the frame tables");
  reserve(tableAt, tableAt + tableBytes, "frame tables", true);
  low.setTable(phys(tableAt), u32(lowPages));
  high.setTable(phys(tableAt + lowBytes), u32(highPages));
  regions(false, low);
  regions(true, high);
  sweep(release);
  assert(low.check() === low.freePages && high.check() === high.freePages, "memory: zones");

  const free = low.freePages + high.freePages;
  log(
    `MEM: free ${(free << PAGE_SHIFT) / MIB} MiB in buddy (${(high.freePages << PAGE_SHIFT) / MIB} MiB above 4 GiB)`,
  );
}

/** Whether physical memory is reached through the direct map (the kernel's own tables are live). */
function directMapLive(): bool {
  return u64(kmem.toVirt(phys(0))) === kmem.DIRECT_MAP;
}

/**
 * 2^order pages the kernel reads and writes (kernel objects, page tables),
 * or NONE: below 4 GiB first, above once the direct map reaches it.
 */
export function allocKernel(order: u32): Phys {
  const pa = low.alloc(order);
  if (pa !== NONE || !directMapLive()) return pa;
  return high.alloc(order);
}

/** 2^order pages for guests and user space (the kernel need not reach them), or NONE: above 4 GiB first. */
export function allocAny(order: u32): Phys {
  const pa = high.alloc(order);
  return pa !== NONE ? pa : low.alloc(order);
}

/** Returns pages from allocKernel() or allocAny(). */
export function freePages(pa: Phys, order: u32): void {
  if (u64(pa) >= FOUR_GIB) high.free(pa, order);
  else low.free(pa, order);
}

/**
 * Whether the page at `pa` is memory the kernel allocates from: inside a
 * zone's regions and not reserved (the reserved spans are low memory, the
 * image, the multiboot information, the modules and firmware ranges, which
 * the kernel never hands out), or the frame tables. Such pages hold kernel
 * objects and tables, so they are never delegable to user space
 * (space_hst.ts); the image is protected on its own.
 */
export function kernelOwned(pa: u64): bool {
  if (pa >= tableAt && pa < tableAt + tableBytes) return true;
  const pfn = pa >> PAGE_SHIFT;
  if (low.regionOf(pfn) === low.regionCount && high.regionOf(pfn) === high.regionCount)
    return false;
  for (let i: usize = 0; i < reservedCount; i++)
    if (pa >= reserved[i].start && pa < reserved[i].end) return false;
  return true;
}

/** A zeroed page for page tables (a ptab.TableAllocator), or phys(0). */
export function tablePage(): Phys {
  const pa = allocKernel(0);
  if (pa === NONE) return pa;
  const words = ptrFromVirt<u64>(kmem.toVirt(pa));
  for (let i: usize = 0; i < 512; i++) words.set(i, 0);
  return pa;
}

/** Free pages in both zones. */
export function freePageCount(): u64 {
  return low.freePages + high.freePages;
}

/**
 * Switches `new` to the slab allocator. Slab objects live in the direct map,
 * so this waits for the kernel's own page tables; objects created before come
 * from the boot arena in .bss (runtime-c/kernel.c) and stay valid.
 */
export function startHeap(): void {
  assert(directMapLive(), "memory: the heap needs the direct map");
  heap.init(allocKernel, freePages, u64(kmem.toVirt(phys(0))));
  checkHeap();
  heapStarted = true;
  log(
    `MEM: new uses the slab allocator (${CLASSES} size classes up to ${MAX_OBJECT} bytes, ${SLAB_BYTES / 1024} KiB slabs)`,
  );
  checkHighPage();
}

/** One object of every size class and one large block, on real memory, then all given back. */
function checkHeap(): void {
  const free = freePageCount();
  for (let size: usize = 16; size <= 2 * MAX_OBJECT; size *= 2) {
    const va = heap.alloc(size, size);
    assert(u64(va) >= kmem.DIRECT_MAP && (u64(va) & u64(size - 1)) === 0, "memory: heap object");
    ptrFromVirt<u64>(va).store(u64(size));
    heap.free(va, size, size);
  }
  heap.check();
  heap.shrink();
  assert(heap.slabs() === 0 && freePageCount() === free, "memory: heap pages not returned");
}

/** Memory above 4 GiB is reachable now: one page of it must keep what is written to it. */
function checkHighPage(): void {
  const pa = high.alloc(0);
  if (pa === NONE) return;
  const words = ptrFromVirt<u64>(kmem.toVirt(pa));
  for (let i: usize = 0; i < 512; i++) words.set(i, u64(pa) + i);
  for (let i: usize = 0; i < 512; i++)
    assert(words.get(i) === u64(pa) + i, "memory: a page above 4 GiB lost what was written");
  high.free(pa, 0);
  log(`MEM: page ${pa} above 4 GiB written and read back through the direct map`);
}

/**
 * The runtime's `new` (runtime-c/kernel.c calls it): zeroed storage from the
 * slab allocator, or 0 before startHeap() (the boot arena serves then).
 */
export function newObject(size: usize, align: usize): Virt {
  if (!heapStarted) return virt(0);
  const va = heap.alloc(size, align);
  if (u64(va) === 0) panic("new: out of memory");
  return va;
}
