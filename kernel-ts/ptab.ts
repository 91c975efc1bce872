// x86-64 4-level page tables (Intel SDM Vol. 3A §4.5): building, walking and
// tearing down mappings of 4 KiB, 2 MiB and 1 GiB pages in one hierarchy.
// Tables are reached through kmem.toVirt(), so the same code runs before and
// after the switch to the kernel's own tables (and on the host, in tests).

import * as kmem from "./kmem.ts";

// Entry bits (SDM Vol. 3A Table 4-15 ff.).
export const PRESENT: u64 = 1 << 0;
export const WRITABLE: u64 = 1 << 1;
export const USER: u64 = 1 << 2;
export const WRITE_THROUGH: u64 = 1 << 3;
export const CACHE_DISABLE: u64 = 1 << 4;
export const ACCESSED: u64 = 1 << 5;
export const DIRTY: u64 = 1 << 6;
/** In a PDPT or PD entry: the entry maps a 1 GiB or 2 MiB page. */
export const LARGE: u64 = 1 << 7;
export const GLOBAL: u64 = 1 << 8;
export const NO_EXECUTE: u64 = 1 << 63;
/** In a 4 KiB PTE: the PAT index's high bit (bit 7, where larger pages have LARGE). */
export const PAT_4K: u64 = 1 << 7;
/** Bits 51:12: the physical address of the next table or of a 4 KiB page. */
const ADDRESS: u64 = 0x000f_ffff_ffff_f000;
/** The attribute bits a caller may pass for a leaf. */
const LEAF_ATTRIBUTES: u64 = WRITABLE | USER | WRITE_THROUGH | CACHE_DISABLE | GLOBAL | NO_EXECUTE;

/** Page sizes as the order of 4 KiB pages: 0 (4 KiB), 9 (2 MiB), 18 (1 GiB). */
export const ORDER_4K: u32 = 0;
export const ORDER_2M: u32 = 9;
export const ORDER_1G: u32 = 18;

/** translate() for an address with no mapping. */
export const NOT_MAPPED: u64 = u64.MAX;

/** Gives a zeroed 4 KiB page for a new table, or phys(0) when memory is exhausted. */
export type TableAllocator = () => Phys;
/**
 * The bits besides the address of a new intermediate entry at `level` (3 = PML4 entry, 1 = PD
 * entry): bit 0 must be present; tables of other formats (an IOMMU's) say what else.
 */
export type TableBits = (level: u32) => u64;

/** x86 intermediate entries allow everything; the leaf decides. */
export function x86Table(_level: u32): u64 {
  return PRESENT | WRITABLE | USER;
}

function slot(table: Phys, index: u64): Ptr<u64> {
  return ptrFromVirt<u64>(kmem.toVirt(table)).add(usize(index));
}

function indexAt(va: Virt, level: u32): u64 {
  return (u64(va) >> (12 + 9 * level)) & 511;
}

/**
 * Maps [va, va + 4 KiB << order) to pa with `attributes` (WRITABLE, USER,
 * NO_EXECUTE, GLOBAL, cache bits). Both addresses must be aligned to the page
 * size. Returns false, changing nothing visible, if a table cannot be
 * allocated or the range is already covered by a mapping of another size.
 * The caller invalidates the TLB.
 */
export function map(
  root: Phys,
  va: Virt,
  pa: Phys,
  order: u32,
  attributes: u64,
  allocate: TableAllocator,
): bool {
  assert(order === ORDER_4K || order === ORDER_2M || order === ORDER_1G, "page order");
  const size = u64(0x1000) << order;
  assert((u64(va) & (size - 1)) === 0 && (u64(pa) & (size - 1)) === 0, "unaligned mapping");
  const leafLevel = order / 9;
  const large = leafLevel > 0 ? LARGE : 0;
  const allowed = leafLevel === 0 ? LEAF_ATTRIBUTES | PAT_4K : LEAF_ATTRIBUTES;
  const entry = u64(pa) | PRESENT | large | (attributes & allowed);
  return place(root, va, entry, leafLevel, allocate, x86Table);
}

/**
 * Maps the 4 KiB page at `va` to the leaf entry `entry` as it is (address, present bit 0 and
 * whatever else the format wants), making intermediate entries with `table`: for tables
 * another walker reads (an IOMMU's). As map() otherwise.
 */
export function mapEntry(
  root: Phys,
  va: Virt,
  entry: u64,
  table: TableBits,
  allocate: TableAllocator,
): bool {
  assert((u64(va) & 0xfff) === 0 && (entry & PRESENT) !== 0, "mapEntry: unaligned or not present");
  return place(root, va, entry, 0, allocate, table);
}

/** Stores the leaf `entry` at `leafLevel` for `va`, making tables on the way (map, mapEntry). */
function place(
  root: Phys,
  va: Virt,
  entry: u64,
  leafLevel: u32,
  allocate: TableAllocator,
  bits: TableBits,
): bool {
  let table = root;
  for (let level: u32 = 3; level > leafLevel; level--) {
    const e = slot(table, indexAt(va, level));
    let current = e.load();
    if ((current & PRESENT) === 0) {
      const next = allocate();
      if (u64(next) === 0) return false;
      e.store(u64(next) | bits(level));
      current = e.load();
    } else if ((current & LARGE) !== 0) {
      return false; // a larger page covers this range
    }
    table = phys(current & ADDRESS);
  }
  const leaf = slot(table, indexAt(va, leafLevel));
  if ((leaf.load() & PRESENT) !== 0 && leafLevel > 0 && (leaf.load() & LARGE) === 0) return false; // a table of smaller pages is here
  leaf.store(entry);
  return true;
}

/** The physical address va translates to, or NOT_MAPPED. */
export function translate(root: Phys, va: Virt): u64 {
  let table = root;
  for (let level: u32 = 3; ; level--) {
    const entry = slot(table, indexAt(va, level)).load();
    if ((entry & PRESENT) === 0) return NOT_MAPPED;
    if (level === 0 || (entry & LARGE) !== 0) {
      const offsetMask = (u64(0x1000) << (9 * level)) - 1;
      return (entry & ADDRESS & ~offsetMask) | (u64(va) & offsetMask);
    }
    table = phys(entry & ADDRESS);
  }
}

/** The leaf entry that maps va (with its attribute bits), or 0. */
export function leafEntry(root: Phys, va: Virt): u64 {
  let table = root;
  for (let level: u32 = 3; ; level--) {
    const entry = slot(table, indexAt(va, level)).load();
    if ((entry & PRESENT) === 0) return 0;
    if (level === 0 || (entry & LARGE) !== 0) return entry;
    table = phys(entry & ADDRESS);
  }
}

/** Removes the mapping of exactly this page size at va; false if there is none. */
export function unmap(root: Phys, va: Virt, order: u32): bool {
  const leafLevel = order / 9;
  let table = root;
  for (let level: u32 = 3; level > leafLevel; level--) {
    const entry = slot(table, indexAt(va, level)).load();
    if ((entry & PRESENT) === 0 || (entry & LARGE) !== 0) return false;
    table = phys(entry & ADDRESS);
  }
  const leaf = slot(table, indexAt(va, leafLevel));
  const entry = leaf.load();
  if ((entry & PRESENT) === 0 || (leafLevel > 0 && (entry & LARGE) === 0)) return false;
  leaf.store(0);
  return true;
}
