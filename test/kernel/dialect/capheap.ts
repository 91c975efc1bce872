// The memory behind the capability harnesses (space_main.ts, mdb_main.ts):
// a buddy allocator over a 64 MiB static buffer ("physical" = host address)
// and the kernel's slab heap (kernel-ts/slab.ts `heap`, which kobject.ts
// allocates from) on top.

import { Buddy } from "../../../kernel-ts/buddy.ts";
import { heap } from "../../../kernel-ts/slab.ts";
import * as kobject from "../../../kernel-ts/kobject.ts";

const MEMORY_BYTES: u64 = 64 * 1024 * 1024;

const memory = array<u64, 8_388_608>();
const table = array<u64, 24_576>();
const buddy = new Buddy();

class State {
  pages: u64;
}
const state = new State();

function pageAlloc(order: u32): Phys {
  return buddy.alloc(order);
}

function pageFree(pa: Phys, order: u32): void {
  buddy.free(pa, order);
}

/** Gives the heap its pages; returns the pages managed. */
export function setup(): u64 {
  const start = u64(ptrToVirt(arrayPtr(memory)));
  buddy.setTable(phys(u64(ptrToVirt(arrayPtr(table)))), u32((table.length * 8) / 12));
  assert(buddy.addRegion(phys(start), phys(start + MEMORY_BYTES)), "test: addRegion");
  state.pages = buddy.addFree(phys(start), phys(start + MEMORY_BYTES));
  heap.init(pageAlloc, pageFree, 0);
  return state.pages;
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
