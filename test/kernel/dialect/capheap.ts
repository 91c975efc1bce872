// The memory behind the capability harnesses (space_main.ts, mdb_main.ts):
// a buddy allocator over a 64 MiB static buffer ("physical" = host address)
// and a slab allocator on top, given to kernel-ts/kobject.ts as its
// allocator. failNth() makes one future allocation fail (MEM_CAP tests).

import { Buddy } from "../../../kernel-ts/buddy.ts";
import { SlabAllocator } from "../../../kernel-ts/slab.ts";
import * as kobject from "../../../kernel-ts/kobject.ts";

const MEMORY_BYTES: u64 = 64 * 1024 * 1024;

const memory = array<u64, 8_388_608>();
const table = array<u64, 24_576>();
const buddy = new Buddy();
const heap = new SlabAllocator();

class State {
  pages: u64;
  /** 0: no failure planned; n: the n-th allocation from now fails. */
  failIn: u64;
  failures: u64;
}
const state = new State();

function pageAlloc(order: u32): Phys {
  return buddy.alloc(order);
}

function pageFree(pa: Phys, order: u32): void {
  buddy.free(pa, order);
}

function objAlloc(size: usize, align: usize): Virt {
  if (state.failIn !== 0) {
    state.failIn--;
    if (state.failIn === 0) {
      state.failures++;
      return virt(0);
    }
  }
  return heap.alloc(size, align);
}

function objFree(va: Virt, size: usize, align: usize): void {
  heap.free(va, size, align);
}

/** Sets up both allocators and kobject's allocator; returns the pages managed. */
export function setup(): u64 {
  const start = u64(ptrToVirt(arrayPtr(memory)));
  buddy.setTable(phys(u64(ptrToVirt(arrayPtr(table)))), u32((table.length * 8) / 12));
  assert(buddy.addRegion(phys(start), phys(start + MEMORY_BYTES)), "test: addRegion");
  state.pages = buddy.addFree(phys(start), phys(start + MEMORY_BYTES));
  heap.init(pageAlloc, pageFree, 0);
  kobject.setAllocator(objAlloc, objFree);
  return state.pages;
}

/** The n-th allocation from now (n ≥ 1) returns virt(0). */
export function failNth(n: u64): void {
  state.failIn = n;
}

/** Allocations made to fail so far. */
export function failures(): u64 {
  return state.failures;
}

/** Pages the buddy allocator has handed out now. */
export function pagesInUse(): u64 {
  return state.pages - buddy.freePages;
}

/** Objects in the slab allocator now. */
export function slabObjects(): u64 {
  return heap.objects();
}

/**
 * Everything allocated is back: no kobject allocation outstanding, no slab
 * object, and after shrink() every page in the buddy allocator.
 */
export function checkAllBack(): void {
  assert(kobject.liveAllocations() === 0, "test: kobject allocations outstanding");
  assert(kobject.liveBytes() === 0, "test: kobject bytes outstanding");
  heap.check();
  assert(heap.objects() === 0, "test: slab objects left");
  heap.shrink();
  assert(heap.slabs() === 0, "test: slabs left after shrink");
  assert(buddy.check() === state.pages, "test: pages missing");
}
