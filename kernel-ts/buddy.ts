// The page-frame buddy allocator: blocks of 2^order pages (order 0..MAX_ORDER,
// 4 KiB..1 GiB), each aligned to its size in physical memory.
//
// All bookkeeping lives in a frame table, one 12-byte Frame per page of the
// regions the allocator covers, which the caller places in memory the kernel
// reaches through kmem.toVirt() both before and after the switch to the
// kernel's own page tables. The free pages themselves are never read or
// written, so memory the kernel has not mapped (above 4 GiB while the boot
// page tables are live) can be managed and handed out. docs/memory.md has the
// design.
//
// Free lists are doubly linked through the frame table by table index (+1, so
// that 0 is "none" and a zeroed table is empty). One Frame per block head is
// meaningful: FREE heads are on the free list of their order, USED heads are
// allocated blocks of their order; every other frame is NONE. free() checks
// that it gets a USED head of the right order, which catches double frees,
// frees of the wrong order and frees of pages the allocator never handed out.

import * as kmem from "./kmem.ts";
import { Spinlock } from "./spinlock.ts";

export const PAGE_SHIFT: u32 = 12;
export const PAGE_SIZE: u64 = 0x1000;
/** The largest block is 2^MAX_ORDER pages (1 GiB, a superpage). */
export const MAX_ORDER: u32 = 18;
/** Regions (contiguous spans of page frames) one allocator covers. */
export const MAX_REGIONS: u32 = 32;
/** alloc()'s answer when nothing fits: page 0 is never managed. */
export const NONE: Phys = phys(0);

/** Frame states. */
const STATE_NONE: u8 = 0;
const STATE_FREE: u8 = 1;
const STATE_USED: u8 = 2;

/** The frame-table entry of one page frame. */
export class Frame {
  /** Table index + 1 of the next free block of the same order; 0 ends the list. */
  next: u32;
  /** Table index + 1 of the previous free block; 0 at the list head. */
  prev: u32;
  /** The block's order (heads only). */
  order: u8;
  state: u8;
  /** The region the frame belongs to (heads only). */
  region: u8;
  reserved: u8;
}
layout(Frame, { size: 12, offsets: { next: 0, prev: 4, order: 8, state: 9, region: 10 } });

/** A span of page frames [start, end) and where its entries start in the table. */
export class Region {
  start: u64;
  end: u64;
  first: u32;
}

export class Buddy {
  lock: Inline<Spinlock>;
  /** The frame table (physical, reached through kmem.toVirt()) and how many entries it has. */
  table: Phys;
  capacity: u32;
  /** Entries already given to regions. */
  assigned: u32;
  regionCount: u32;
  regions: Arr<Inline<Region>, 32>;
  /** Per order: table index + 1 of the first free block, 0 when none. */
  heads: Arr<u32, 19>;
  /** Per order: how many free blocks. */
  blocks: Arr<u64, 19>;
  freePages: u64;
  /** Pages ever given to the allocator with addFree(). */
  managedPages: u64;

  /** Bytes of frame table that `pages` page frames need. */
  static tableBytes(pages: u64): u64 {
    return pages * sizeof<Frame>();
  }

  /** Gives the allocator its frame table: `entries` Frames at `table`, zeroed here. */
  setTable(table: Phys, entries: u32): void {
    const words = ptrFromVirt<u32>(kmem.toVirt(table));
    const n = usize(Buddy.tableBytes(u64(entries)) / 4);
    for (let i: usize = 0; i < n; i++) words.set(i, 0);
    this.table = table;
    this.capacity = entries;
  }

  /**
   * Covers the pages of [start, end) (rounded inward to pages) with frame-table
   * entries; no page is free yet. Regions never overlap. False when the table or
   * the region list is full.
   */
  addRegion(start: Phys, end: Phys): bool {
    const s = (u64(start) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    const e = u64(end) >> PAGE_SHIFT;
    if (s >= e) return true;
    if (this.regionCount === MAX_REGIONS || e - s > u64(this.capacity - this.assigned))
      return false;
    for (let i: u32 = 0; i < this.regionCount; i++) {
      const r = this.regions[i];
      assert(e <= r.start || s >= r.end, "buddy: overlapping regions");
    }
    const r = this.regions[this.regionCount];
    r.start = s;
    r.end = e;
    r.first = this.assigned;
    this.assigned += u32(e - s);
    this.regionCount++;
    return true;
  }

  /**
   * Frees the pages of [start, end) (rounded inward) into the allocator. The
   * range lies in one region and was neither freed before nor allocated; page 0
   * is skipped (NONE is address 0). Returns the pages added.
   */
  addFree(start: Phys, end: Phys): u64 {
    let s = (u64(start) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    const e = u64(end) >> PAGE_SHIFT;
    if (s === 0) s = 1;
    if (s >= e) return 0;
    this.lock.acquire();
    const ri = this.regionOf(s);
    assert(ri < this.regionCount, "buddy: addFree outside every region");
    const r = this.regions[ri];
    assert(e <= r.end, "buddy: addFree range crosses a region's end");
    let p = s;
    while (p < e) {
      // The largest aligned block that starts at p and ends by e.
      let k = MAX_ORDER;
      while (k > 0 && ((p & ((u64(1) << k) - 1)) !== 0 || p + (u64(1) << k) > e)) k--;
      this.merge(ri, p, k);
      p += u64(1) << k;
    }
    this.freePages += e - s;
    this.managedPages += e - s;
    this.lock.release();
    return e - s;
  }

  /** A block of 2^order pages aligned to its size, or NONE. */
  alloc(order: u32): Phys {
    if (order > MAX_ORDER) return NONE;
    this.lock.acquire();
    let k = order;
    while (k <= MAX_ORDER && this.heads[k] === 0) k++;
    if (k > MAX_ORDER) {
      this.lock.release();
      return NONE;
    }
    const idx = this.heads[k] - 1;
    const ri = u32(this.frame(idx).region);
    this.unlink(idx, k);
    const r = this.regions[ri];
    const pfn = r.start + u64(idx - r.first);
    // Split: the upper halves go back on the lists below k.
    while (k > order) {
      k--;
      this.push(ri, this.indexOf(r, pfn + (u64(1) << k)), k);
    }
    const f = this.frame(idx);
    f.state = STATE_USED;
    f.order = u8(order);
    f.region = u8(ri);
    this.freePages -= u64(1) << order;
    this.lock.release();
    return phys(pfn << PAGE_SHIFT);
  }

  /** Returns a block alloc(order) gave out; merges it with its free buddies. */
  free(pa: Phys, order: u32): void {
    assert(order <= MAX_ORDER, "buddy: free of an order above MAX_ORDER");
    const pfn = u64(pa) >> PAGE_SHIFT;
    assert((u64(pa) & ((PAGE_SIZE << order) - 1)) === 0, "buddy: free of a misaligned block");
    this.lock.acquire();
    const ri = this.regionOf(pfn);
    assert(ri < this.regionCount, "buddy: free of a page outside every region");
    const r = this.regions[ri];
    const f = this.frame(this.indexOf(r, pfn));
    assert(
      f.state === STATE_USED && u32(f.order) === order,
      "buddy: free of a block that is not allocated at this order (double free?)",
    );
    f.state = STATE_NONE;
    this.merge(ri, pfn, order);
    this.freePages += u64(1) << order;
    this.lock.release();
  }

  /** Free blocks of one order (statistics and tests). */
  freeBlocks(order: u32): u64 {
    return order <= MAX_ORDER ? this.blocks[order] : 0;
  }

  /**
   * Checks every invariant (stops the kernel on a violation) and returns the
   * free pages counted: each listed block is a FREE head of its list's order,
   * aligned, inside its region, linked both ways; the counts add up; and no
   * free block has a free buddy of the same order (everything is merged).
   */
  check(): u64 {
    this.lock.acquire();
    let pages: u64 = 0;
    for (let k: u32 = 0; k <= MAX_ORDER; k++) {
      const size = u64(1) << k;
      let n: u64 = 0;
      let prev: u32 = 0;
      let at = this.heads[k];
      while (at !== 0) {
        assert(n < this.blocks[k], "buddy check: free list longer than its count");
        const f = this.frame(at - 1);
        assert(f.state === STATE_FREE && u32(f.order) === k, "buddy check: listed frame not free");
        assert(f.prev === prev, "buddy check: broken back link");
        assert(u32(f.region) < this.regionCount, "buddy check: bad region");
        const r = this.regions[u32(f.region)];
        assert(at - 1 >= r.first, "buddy check: frame before its region");
        const pfn = r.start + u64(at - 1 - r.first);
        assert((pfn & (size - 1)) === 0, "buddy check: misaligned block");
        assert(pfn + size <= r.end, "buddy check: block beyond its region");
        if (k < MAX_ORDER) {
          const b = pfn ^ size;
          if (b >= r.start && b + size <= r.end) {
            const bf = this.frame(this.indexOf(r, b));
            assert(
              !(bf.state === STATE_FREE && u32(bf.order) === k),
              "buddy check: free buddies not merged",
            );
          }
        }
        pages += size;
        n++;
        prev = at;
        at = f.next;
      }
      assert(n === this.blocks[k], "buddy check: free list shorter than its count");
    }
    assert(pages === this.freePages, "buddy check: free page count");
    this.lock.release();
    return pages;
  }

  // ---- internals; the caller holds the lock ----

  frame(idx: u32): Frame {
    return structAt<Frame>(kmem.toVirt(this.table + u64(idx) * sizeof<Frame>()));
  }

  indexOf(r: Region, pfn: u64): u32 {
    return r.first + u32(pfn - r.start);
  }

  /** The region holding page frame `pfn`, or regionCount. */
  regionOf(pfn: u64): u32 {
    for (let i: u32 = 0; i < this.regionCount; i++) {
      const r = this.regions[i];
      if (pfn >= r.start && pfn < r.end) return i;
    }
    return this.regionCount;
  }

  push(ri: u32, idx: u32, order: u32): void {
    const f = this.frame(idx);
    f.state = STATE_FREE;
    f.order = u8(order);
    f.region = u8(ri);
    f.prev = 0;
    f.next = this.heads[order];
    if (f.next !== 0) this.frame(f.next - 1).prev = idx + 1;
    this.heads[order] = idx + 1;
    this.blocks[order]++;
  }

  unlink(idx: u32, order: u32): void {
    const f = this.frame(idx);
    if (f.prev !== 0) this.frame(f.prev - 1).next = f.next;
    else this.heads[order] = f.next;
    if (f.next !== 0) this.frame(f.next - 1).prev = f.prev;
    f.next = 0;
    f.prev = 0;
    f.state = STATE_NONE;
    this.blocks[order]--;
  }

  /** Puts the block at `pfn` on a free list after merging it with free buddies. */
  merge(ri: u32, pfn: u64, order: u32): void {
    const r = this.regions[ri];
    let p = pfn;
    let k = order;
    while (k < MAX_ORDER) {
      const size = u64(1) << k;
      const b = p ^ size;
      if (b < r.start || b + size > r.end) break;
      const bi = this.indexOf(r, b);
      const bf = this.frame(bi);
      if (bf.state !== STATE_FREE || u32(bf.order) !== k) break;
      this.unlink(bi, k);
      p &= ~size;
      k++;
    }
    this.push(ri, this.indexOf(r, p), k);
  }
}
