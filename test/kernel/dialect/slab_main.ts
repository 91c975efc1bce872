// Host unit test of kernel-ts/slab.ts on top of kernel-ts/buddy.ts;
// test/kernel/slab.test.ts builds it with gcc and clang under ASan+UBSan and
// runs `main(mode)`. Mode 0 is the random test; modes 1-4 each misuse the
// allocator once and must panic.
//
// The buddy allocator manages a 32 MiB static buffer whose "physical"
// addresses are its host addresses (offset 0). Every object is checked on
// allocation (aligned, zeroed, inside the buffer) and filled with its own
// byte; on free the byte must still be there, so two objects that overlap,
// or an object the allocator writes into while it is in use, are found.

import { Buddy, MAX_ORDER } from "../../../kernel-ts/buddy.ts";
import * as random from "./random.ts";
import { SlabAllocator, MAX_OBJECT } from "../../../kernel-ts/slab.ts";

const OPS: u32 = 150_000;
const MAX_LIVE: usize = 4096;
const CHECK_EVERY: u32 = 5000;
const MEMORY_BYTES: u64 = 32 * 1024 * 1024;

class Obj {
  va: Virt;
  size: usize;
  align: usize;
  fill: u8;
}

const memory = array<u64, 4_194_304>();
const table = array<u64, 12_288>();
const live = array<Inline<Obj>, 4096>();
const initialBlocks = array<u64, 19>();
const buddy = new Buddy();
const heap = new SlabAllocator();
let liveCount: usize = 0;
let memStart: u64 = 0;
let memEnd: u64 = 0;

/** Mostly small objects, some up to 4 KiB, a few larger (buddy blocks). */
function pickSize(): usize {
  const r = random.next() % 100;
  if (r < 60) return usize(1 + (random.next() % 64));
  if (r < 85) return usize(65 + (random.next() % 448));
  if (r < 97) return usize(513 + (random.next() % 3584));
  return usize(4097 + (random.next() % 20000));
}

/** Mostly the natural alignment of a small type, sometimes up to 4 KiB. */
function pickAlign(): usize {
  const r = random.next() % 100;
  if (r < 70) return 8;
  if (r < 90) return usize(1) << usize(random.next() % 7);
  return usize(1) << usize(random.next() % 13);
}

function allocOne(fill: u8): void {
  const size = pickSize();
  const align = pickAlign();
  const va = heap.alloc(size, align);
  assert(u64(va) !== 0, "test: out of memory");
  assert((u64(va) & u64(align - 1)) === 0, "test: object not aligned");
  assert(u64(va) >= memStart && u64(va) + size <= memEnd, "test: object outside the memory");
  const p = ptrFromVirt<u8>(va);
  for (let i: usize = 0; i < size; i++) {
    assert(p.get(i) === 0, "test: object not zeroed");
    p.set(i, fill);
  }
  const o = live[liveCount];
  o.va = va;
  o.size = size;
  o.align = align;
  o.fill = fill;
  liveCount++;
}

function freeOne(slot: usize): void {
  const o = live[slot];
  const p = ptrFromVirt<u8>(o.va);
  for (let i: usize = 0; i < o.size; i++)
    assert(p.get(i) === o.fill, "test: object overwritten while in use");
  heap.free(o.va, o.size, o.align);
  const last = live[liveCount - 1];
  o.va = last.va;
  o.size = last.size;
  o.align = last.align;
  o.fill = last.fill;
  liveCount--;
}

function pageAlloc(order: u32): Phys {
  return buddy.alloc(order);
}

function pageFree(pa: Phys, order: u32): void {
  buddy.free(pa, order);
}

function setup(): u64 {
  memStart = u64(ptrToVirt(arrayPtr(memory)));
  memEnd = memStart + MEMORY_BYTES;
  buddy.setTable(phys(u64(ptrToVirt(arrayPtr(table)))), u32((table.length * 8) / 12));
  assert(buddy.addRegion(phys(memStart), phys(memEnd)), "test: addRegion");
  const pages = buddy.addFree(phys(memStart), phys(memEnd));
  heap.init(pageAlloc, pageFree, 0);
  return pages;
}

function misuse(mode: u32): void {
  const a = heap.alloc(24, 8);
  if (mode === 1) {
    heap.free(a, 24, 8);
    heap.free(a, 24, 8); // double free
  } else if (mode === 2) {
    heap.free(a, 100, 8); // another size class
  } else if (mode === 3) {
    heap.free(a + 8, 24, 8); // not the object's start
  } else if (mode === 4) {
    heap.free(virt(memStart + 0x40_0000), 24, 8); // never allocated (no slab there)
  }
  log(`test: misuse ${mode} was not caught`);
}

export function main(mode: u32): void {
  const pages = setup();
  if (mode !== 0) {
    misuse(mode);
    return;
  }
  for (let k: u32 = 0; k <= MAX_ORDER; k++) initialBlocks[k] = buddy.freeBlocks(k);
  log(`slab: ${pages} pages of buddy memory, objects up to ${MAX_OBJECT} bytes in slabs`);

  let allocs: u32 = 0;
  let frees: u32 = 0;
  let maxSlabs: u64 = 0;
  for (let op: u32 = 1; op <= OPS; op++) {
    if (liveCount === 0 || (liveCount < MAX_LIVE && random.next() % 100 < 55)) {
      allocOne(u8(1 + (op % 251)));
      allocs++;
    } else {
      freeOne(usize(random.next() % u64(liveCount)));
      frees++;
    }
    if (heap.slabs() > maxSlabs) maxSlabs = heap.slabs();
    if (op % CHECK_EVERY === 0) {
      heap.check();
      buddy.check();
    }
  }
  log(
    `slab: ${OPS} random operations: ${allocs} allocations, ${frees} frees, peak ${maxSlabs} slabs`,
  );

  while (liveCount !== 0) freeOne(usize(random.next() % u64(liveCount)));
  heap.check();
  assert(heap.objects() === 0, "test: objects left");
  heap.shrink();
  heap.check();
  assert(heap.slabs() === 0, "test: slabs left after shrink");
  assert(buddy.check() === pages, "test: pages missing");
  for (let k: u32 = 0; k <= MAX_ORDER; k++)
    assert(buddy.freeBlocks(k) === initialBlocks[k], "test: buddy blocks not merged back");
  log(`slab: everything freed, all ${pages} pages back in the buddy allocator, merged`);
}
