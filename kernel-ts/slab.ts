// The slab allocator behind `new`: kernel objects of 16..4096 bytes in nine
// power-of-two size classes, each served from 64 KiB slabs (order-4 buddy
// blocks); anything larger is a whole buddy block of its own.
//
// A slab is one naturally aligned 64 KiB buddy block: its header (Slab) at the
// start, then objects of one class, each aligned to the class size (so every
// alignment up to 4096 holds). free() finds the header by rounding the object's
// address down to 64 KiB, and checks it against a bitmap of handed-out objects
// (double frees and foreign pointers stop the kernel). Free objects are chained
// through their first 8 bytes; objects never handed out yet are taken from
// `fresh` upward, so a new slab costs nothing but its header.
//
// Slabs and large blocks come from a page source (the kernel's is
// memory.allocKernel / freePages) and are reached at `phys + offset` (the
// direct map in the kernel, the identity on the host). docs/memory.md has the
// design.
//
// No lock of its own: its users serialize. In the kernel only the slow path
// allocates and frees, holding the kernel lock (klock.ts; the fast paths
// never do, and boot holds the lock from before the heap starts); the host
// tests run one thread.

import { NONE, PAGE_SIZE } from "./buddy.ts";

/** A slab is 2^SLAB_ORDER pages. */
export const SLAB_ORDER: u32 = 4;
export const SLAB_BYTES: u64 = 0x10000;
/** Size classes 2^MIN_SHIFT .. 2^MAX_SHIFT bytes. */
export const MIN_SHIFT: u32 = 4;
export const MAX_SHIFT: u32 = 12;
export const CLASSES: u32 = 9;
/** The largest size (and alignment) served from slabs; larger goes to the buddy allocator. */
export const MAX_OBJECT: usize = 4096;

const MAGIC: u32 = 0x51ab_c0de;
/** Objects one slab can hold at most (the 16-byte class): one bit each in `used`. */
const MAX_OBJECTS: u32 = 4096;

/** 2^order pages aligned to their size, or NONE. */
export type PageAlloc = (order: u32) => Phys;
/** Gives back what a PageAlloc returned. */
export type PageFree = (pa: Phys, order: u32) => void;

/** The header at the start of every slab. */
export class Slab {
  magic: u32;
  sizeClass: u32;
  inUse: u32;
  /** Objects [fresh, capacity) were never handed out. */
  fresh: u32;
  /** The first free object (0: none); each free object holds the next. */
  freeList: u64;
  next: Slab | null;
  prev: Slab | null;
  /** One bit per object: handed out. */
  used: Arr<u64, 64>;
}
layout(Slab, { size: 552, offsets: { freeList: 16, used: 40 } });

/**
 * One size class, class c: objects of 2^(MIN_SHIFT + c) bytes, object 0 at firstObject() (the
 * geometry follows from c, so it is computed where needed, a constant where c is).
 */
export class SlabCache {
  /** Objects one slab of the class holds. */
  capacity: u32;
  /** Empty slabs kept on `partial` (at most one; more go back to the buddy allocator). */
  empty: u32;
  /** Slabs with a free object, and slabs without. */
  partial: Slab | null;
  full: Slab | null;
  slabs: u64;
  objects: u64;
}

export class SlabAllocator {
  allocPages: PageAlloc;
  freePages: PageFree;
  /** Slab memory is at virtual address phys + offset. */
  offset: u64;
  ready: bool;
  caches: Arr<Inline<SlabCache>, 9>;

  /** Takes slabs and large blocks from allocPages, reached at phys + offset. */
  init(allocPages: PageAlloc, freePages: PageFree, offset: u64): void {
    this.allocPages = allocPages;
    this.freePages = freePages;
    this.offset = offset;
    this.ready = true;
    for (let c: u32 = 0; c < CLASSES; c++) {
      const cache = this.caches[c];
      const shift = MIN_SHIFT + c;
      cache.capacity = u32((SLAB_BYTES - firstObject(shift)) >> u64(shift));
      assert(cache.capacity <= MAX_OBJECTS, "slab: class holds more objects than the bitmap");
    }
  }

  /**
   * `size` zeroed bytes aligned to `align` (a power of two), or 0 when memory is
   * out. free() takes the same size and alignment back. Out of line, for sizes known
   * only at run time (`new`).
   */
  alloc(size: usize, align: usize): Virt {
    return this.allocFolded(size, align);
  }

  /**
   * alloc(), inlined with classOf and allocIn where it is called: where size and alignment
   * are constants (every kernel object, `sizeof<T>()` at OBJ_ALIGN, through kobject.ts)
   * the class and its geometry fold to constants at compile time.
   * @inline
   */
  allocFolded(size: usize, align: usize): Virt {
    assert(align !== 0 && (align & (align - 1)) === 0, "slab: alignment is not a power of two");
    const c = classOf(size, align);
    if (c === CLASSES) return this.allocLarge(size, align);
    return this.allocIn(c);
  }

  /**
   * A zeroed object of class `c` (< CLASSES), or 0 when memory is out.
   * @inline
   */
  allocIn(c: u32): Virt {
    const cache = this.caches[c];
    const s = cache.partial;
    // The common case, inlined: a free object in a slab in use that stays partial, so no list
    // and no other count changes. Everything else is allocSlow's, out of line.
    if (s === null || s.freeList === 0 || s.inUse === 0 || s.inUse + 1 === cache.capacity)
      return this.allocSlow(c);
    s.inUse++;
    cache.objects++;
    return pop(s, c);
  }

  /** allocIn() for the rest: a new slab, an empty one, one that fills up, a never-used object. */
  allocSlow(c: u32): Virt {
    const cache = this.caches[c];
    let s = cache.partial;
    if (s === null) {
      s = this.grow(cache, c);
      if (s === null) {
        return virt(0);
      }
    }
    if (s.inUse === 0) cache.empty--;
    s.inUse++;
    cache.objects++;
    if (s.inUse === cache.capacity) {
      unlink(cache, s);
      pushFront(cache, s, true);
    }
    if (s.freeList !== 0) return pop(s, c);
    // Objects never handed out are taken in order; they need no free-list check.
    const i = s.fresh;
    s.fresh = i + 1;
    const shift = MIN_SHIFT + c;
    const va = structAddress(s) + firstObject(shift) + (u64(i) << u64(shift));
    s.used[(i >> 6) & 63] |= u64(1) << (i & 63);
    zero(va, u64(1) << u64(shift));
    return va;
  }

  /**
   * Returns what alloc(size, align) gave.
   */
  free(va: Virt, size: usize, align: usize): void {
    const c = classOf(size, align);
    if (c === CLASSES) {
      this.freeLarge(va, size, align);
      return;
    }
    this.freeIn(va, c);
  }

  /** Returns an object of class `c` (< CLASSES). */
  freeIn(va: Virt, c: u32): void {
    const cache = this.caches[c];
    const s = structAt<Slab>(virt(u64(va) & ~(SLAB_BYTES - 1)));
    // A slab's header is checked before anything in it is believed; an allocator never
    // initialized has no slab to find here.
    assert(s.magic === MAGIC && s.sizeClass === c, "slab: free of an object not from this class");
    const shift = MIN_SHIFT + c;
    const first = firstObject(shift);
    const off = va - (structAddress(s) + first);
    assert(
      off < SLAB_BYTES - first && (off & ((u64(1) << u64(shift)) - 1)) === 0,
      "slab: free of a pointer that is not an object's start",
    );
    const i = u32(off >> u64(shift));
    const bit = u64(1) << (i & 63);
    assert(i < s.fresh && (s.used[i >> 6] & bit) !== 0, "slab: double free");
    s.used[i >> 6] &= ~bit;
    ptrFromVirt<u64>(va).store(s.freeList);
    s.freeList = u64(va);
    if (s.inUse === cache.capacity) {
      unlink(cache, s);
      pushFront(cache, s, false);
    }
    s.inUse--;
    cache.objects--;
    if (s.inUse === 0) {
      if (cache.empty === 0) cache.empty++;
      else this.release(cache, s);
    }
  }

  /** Returns every empty slab to the buddy allocator. */
  shrink(): void {
    for (let c: u32 = 0; c < CLASSES; c++) {
      const cache = this.caches[c];
      let s = cache.partial;
      while (s !== null) {
        const next = s.next;
        if (s.inUse === 0) {
          cache.empty--;
          this.release(cache, s);
        }
        s = next;
      }
    }
  }

  /** Objects in use in the size classes. */
  objects(): u64 {
    let n: u64 = 0;
    for (let c: u32 = 0; c < CLASSES; c++) n += this.caches[c].objects;
    return n;
  }

  /** Slabs held. */
  slabs(): u64 {
    let n: u64 = 0;
    for (let c: u32 = 0; c < CLASSES; c++) n += this.caches[c].slabs;
    return n;
  }

  /**
   * Checks every slab of every class (stops the kernel on a violation): header,
   * list placement, the in-use count against the bitmap, and the free list.
   */
  check(): void {
    for (let c: u32 = 0; c < CLASSES; c++) {
      const cache = this.caches[c];
      let slabs: u64 = 0;
      let objects: u64 = 0;
      let empty: u32 = 0;
      for (let list: u32 = 0; list < 2; list++) {
        let s = list === 0 ? cache.partial : cache.full;
        let prev: Slab | null = null;
        while (s !== null) {
          assert(s.magic === MAGIC && s.sizeClass === c, "slab check: bad header");
          assert(s.prev === prev, "slab check: broken back link");
          assert((list === 1) === (s.inUse === cache.capacity), "slab check: slab on wrong list");
          let bits: u32 = 0;
          for (let w: u32 = 0; w < 64; w++) bits += popcount(s.used[w]);
          assert(bits === s.inUse, "slab check: in-use count differs from the bitmap");
          let free: u32 = 0;
          let at = s.freeList;
          const base = structAddress(s);
          const shift = MIN_SHIFT + c;
          const first = firstObject(shift);
          while (at !== 0) {
            const off = virt(at) - base;
            assert(
              off >= first && ((off - first) & ((u64(1) << u64(shift)) - 1)) === 0,
              "slab check: free list entry is not an object",
            );
            const i = u32((off - first) >> u64(shift));
            assert(i < s.fresh, "slab check: free list entry never handed out");
            assert((s.used[i >> 6] & (u64(1) << (i & 63))) === 0, "slab check: free object in use");
            free++;
            assert(free <= cache.capacity, "slab check: free list loops");
            at = ptrFromVirt<u64>(virt(at)).load();
          }
          assert(free + s.inUse === s.fresh, "slab check: objects lost");
          if (s.inUse === 0) empty++;
          slabs++;
          objects += u64(s.inUse);
          prev = s;
          s = s.next;
        }
      }
      assert(slabs === cache.slabs && objects === cache.objects, "slab check: class counts");
      assert(empty === cache.empty && empty <= 1, "slab check: empty slabs");
    }
  }

  // ---- internals ----

  /** A new empty slab on `partial`, or null. */
  grow(cache: SlabCache, c: u32): Slab | null {
    // Checked here, not on every allocation: before init() every class is empty, so the
    // first allocation of each comes here.
    assert(this.ready, "slab: alloc before init");
    const pa = this.allocPages(SLAB_ORDER);
    if (pa === NONE) return null;
    const s = structAt<Slab>(virt(u64(pa) + this.offset));
    zero(structAddress(s), u64(sizeof<Slab>()));
    s.magic = MAGIC;
    s.sizeClass = c;
    pushFront(cache, s, false);
    cache.slabs++;
    cache.empty++;
    return s;
  }

  /** Gives an empty slab back to the buddy allocator. */
  release(cache: SlabCache, s: Slab): void {
    unlink(cache, s);
    s.magic = 0;
    cache.slabs--;
    this.freePages(phys(u64(structAddress(s)) - this.offset), SLAB_ORDER);
  }

  allocLarge(size: usize, align: usize): Virt {
    const order = largeOrder(size, align);
    const pa = this.allocPages(order);
    if (pa === NONE) return virt(0);
    const va = virt(u64(pa) + this.offset);
    zero(va, PAGE_SIZE << order);
    return va;
  }

  freeLarge(va: Virt, size: usize, align: usize): void {
    this.freePages(phys(u64(va) - this.offset), largeOrder(size, align));
  }
}

/**
 * Hands out the first free object of slab `s` (class `c`, counted in use already): checked
 * against the slab's geometry and bitmap, marked, zeroed.
 * @inline
 */
function pop(s: Slab, c: u32): Virt {
  // The class's geometry from `c` itself, not from the cache: constants where `c` is.
  const shift = MIN_SHIFT + c;
  const first = firstObject(shift);
  const va = virt(s.freeList);
  // One unsigned compare covers both ends (below the first object wraps around), and one
  // check covers all a stray write could have done to the list.
  const off = va - (structAddress(s) + first);
  const i = u32(off >> u64(shift)) & (MAX_OBJECTS - 1);
  const word = (i >> 6) & 63;
  const bit = u64(1) << (i & 63);
  assert(
    off < SLAB_BYTES - first &&
      (off & ((u64(1) << u64(shift)) - 1)) === 0 &&
      (s.used[word] & bit) === 0,
    "slab: free list corrupted (a write after free?)",
  );
  s.freeList = ptrFromVirt<u64>(va).load();
  s.used[word] |= bit;
  zero(va, u64(1) << u64(shift));
  return va;
}

/**
 * The size class for `size` bytes at `align`, or CLASSES when too large for a slab.
 * @inline
 */
export function classOf(size: usize, align: usize): u32 {
  const need = size > align ? size : align;
  if (need > MAX_OBJECT) return CLASSES;
  // The class is the bit length of (need - 1) >> MIN_SHIFT (0..255): 16 bytes and less are
  // class 0, 17..32 class 1, 33..64 class 2, and so on. Three steps of a binary search.
  let q = u32((need - 1) >> usize(MIN_SHIFT));
  let c: u32 = 0;
  if (q >= 16) {
    c += 4;
    q >>= 4;
  }
  if (q >= 4) {
    c += 2;
    q >>= 2;
  }
  if (q >= 2) {
    c += 1;
    q >>= 1;
  }
  return c + q;
}

/** The buddy order of a large allocation. */
function largeOrder(size: usize, align: usize): u32 {
  const need = u64(size > align ? size : align);
  let order: u32 = 0;
  while (order < 63 && PAGE_SIZE << order < need) order++;
  return order;
}

/** Offset of object 0 in a slab of objects of 2^shift bytes: the header, rounded up to the size. */
function firstObject(shift: u32): u64 {
  const size = u64(1) << u64(shift);
  return (u64(sizeof<Slab>()) + size - 1) & ~(size - 1);
}

function popcount(w: u64): u32 {
  let n: u32 = 0;
  let x = w;
  while (x !== 0) {
    x &= x - 1;
    n++;
  }
  return n;
}

/** Zeroes `bytes` (a multiple of 8) at `va`. */
function zero(va: Virt, bytes: u64): void {
  zeroQuads(va, usize(bytes >> 3));
}

function pushFront(cache: SlabCache, s: Slab, full: bool): void {
  const head = full ? cache.full : cache.partial;
  s.prev = null;
  s.next = head;
  if (head !== null) head.prev = s;
  if (full) cache.full = s;
  else cache.partial = s;
}

function unlink(cache: SlabCache, s: Slab): void {
  const prev = s.prev;
  const next = s.next;
  if (prev !== null) prev.next = next;
  else if (cache.partial === s) cache.partial = next;
  else cache.full = next;
  if (next !== null) next.prev = prev;
  s.next = null;
  s.prev = null;
}

/**
 * The kernel's heap: `new` (memory.ts newObject) and every kernel object, table and
 * mapping-database node (kobject.ts) come from it, called directly, so a creation's size
 * class folds to a constant. memory.startHeap() gives it its pages; a host test gives it its own.
 */
export const heap = new SlabAllocator();
