// Host unit test of kernel-ts/buddy.ts; test/kernel/buddy.test.ts builds it
// with gcc and clang under ASan+UBSan and runs `main(mode)`. Mode 0 is the
// random test; modes 1-5 each misuse the allocator once and must panic.
//
// The "physical memory" is three regions at made-up addresses above 2^51,
// which are not canonical virtual addresses on the host: the allocator keeps
// all its bookkeeping in the frame table, and any read or write of a free
// page would fault. An owner map (one byte per page) proves that no page is
// handed out twice and that every page comes back.

import { Buddy, MAX_ORDER, NONE, PAGE_SHIFT, PAGE_SIZE } from "../../../kernel-ts/buddy.ts";
import * as random from "./random.ts";

const BASE: u64 = 0x0008_0000_0000_0000;
const OPS: u32 = 200_000;
/** Live blocks at most during the random phase (the fill phase may add more). */
const RANDOM_LIVE: usize = 4096;
const CHECK_EVERY: u32 = 4096;

class Range {
  start: u64;
  end: u64;
  /** Owner-map index of the first page. */
  first: usize;
}

class Block {
  pa: Phys;
  order: u32;
}

const ranges = array<Inline<Range>, 3>();
const table = array<u64, 450_000>();
const owner = array<u8, 300_000>();
const live = array<Inline<Block>, 16384>();
const initialBlocks = array<u64, 19>();
const buddy = new Buddy();
let liveCount: usize = 0;
let livePages: u64 = 0;
function setRange(i: usize, start: u64, end: u64, first: usize): usize {
  const r = ranges[i];
  r.start = start;
  r.end = end;
  r.first = first;
  return first + usize((end - start) >> PAGE_SHIFT);
}

/** The range holding address pa. */
function rangeOf(pa: u64): usize {
  for (let i: usize = 0; i < ranges.length; i++) {
    const r = ranges[i];
    if (pa >= r.start && pa < r.end) return i;
  }
  panic("test: block outside every region");
}

function pageIndex(pa: u64): usize {
  const r = ranges[rangeOf(pa)];
  return r.first + usize((pa - r.start) >> PAGE_SHIFT);
}

/** Checks a block alloc() returned and marks its pages handed out. */
function take(pa: Phys, order: u32): void {
  const size = PAGE_SIZE << order;
  assert((u64(pa) & (size - 1)) === 0, "test: block not aligned to its size");
  assert(rangeOf(u64(pa)) === rangeOf(u64(pa) + size - 1), "test: block crosses a region");
  const first = pageIndex(u64(pa));
  const pages = usize(u64(1) << order);
  for (let i: usize = 0; i < pages; i++) {
    assert(owner[first + i] === 0, "test: overlapping blocks");
    owner[first + i] = 1;
  }
  assert(liveCount < live.length, "test: live table full");
  const b = live[liveCount];
  b.pa = pa;
  b.order = order;
  liveCount++;
  livePages += u64(pages);
}

/** Frees live block `slot` and drops it from the table. */
function give(slot: usize): void {
  const b = live[slot];
  const first = pageIndex(u64(b.pa));
  const pages = usize(u64(1) << b.order);
  for (let i: usize = 0; i < pages; i++) {
    assert(owner[first + i] === 1, "test: page not handed out");
    owner[first + i] = 0;
  }
  buddy.free(b.pa, b.order);
  livePages -= u64(pages);
  const last = live[liveCount - 1];
  b.pa = last.pa;
  b.order = last.order;
  liveCount--;
}

/** Mostly small orders, now and then up to 1 GiB. */
function pickOrder(): u32 {
  const r = random.next() % 1000;
  if (r < 450) return 0;
  if (r < 650) return 1;
  if (r < 750) return 2;
  if (r < 900) return u32(3 + (random.next() % 3));
  if (r < 990) return u32(6 + (random.next() % 5));
  return u32(11 + (random.next() % 8));
}

/** The allocator refused `order`: then no block of that order or above is free. */
function checkRefusal(order: u32): void {
  for (let k = order; k <= MAX_ORDER; k++)
    assert(buddy.freeBlocks(k) === 0, "test: alloc refused with a large enough block free");
}

function setup(): u64 {
  // Region 0: 1 MiB + 12 KiB .. 64 MiB - 20 KiB, with a 1 MiB hole not freed (as the kernel image).
  let pages = setRange(0, BASE + 0x10_3000, BASE + 0x3ff_b000, 0);
  // Region 1: 1 GiB at 4 GiB (one order-18 block).
  pages = setRange(1, BASE + 0x1_0000_0000, BASE + 0x1_4000_0000, pages);
  // Region 2: 2 MiB above region 1, starting 28 KiB into a 2 MiB page.
  pages = setRange(2, BASE + 0x1_4020_7000, BASE + 0x1_4300_0000, pages);
  assert(pages <= owner.length, "test: owner map too small");
  buddy.setTable(phys(u64(ptrToVirt(arrayPtr(table)))), u32((table.length * 8) / 12));
  for (let i: usize = 0; i < ranges.length; i++)
    assert(buddy.addRegion(phys(ranges[i].start), phys(ranges[i].end)), "test: addRegion");
  // A region that does not fit in the rest of the table is refused.
  assert(!buddy.addRegion(phys(BASE + 0x10_0000_0000), phys(BASE + 0x20_0000_0000)), "test: fit");
  const hole0 = BASE + 0x80_0000;
  const hole1 = BASE + 0x90_0000;
  let free = buddy.addFree(phys(ranges[0].start), phys(hole0));
  free += buddy.addFree(phys(hole1), phys(ranges[0].end));
  free += buddy.addFree(phys(ranges[1].start), phys(ranges[1].end));
  free += buddy.addFree(phys(ranges[2].start), phys(ranges[2].end));
  assert(free === u64(pages) - 256, "test: addFree counts");
  // The hole's pages are not managed: mark them taken so the fill phase ignores them.
  for (let pa = hole0; pa < hole1; pa += PAGE_SIZE) owner[pageIndex(pa)] = 2;
  return free;
}

function misuse(mode: u32): void {
  const pa = buddy.alloc(2);
  if (mode === 1) {
    buddy.free(pa, 2);
    buddy.free(pa, 2); // double free
  } else if (mode === 2) {
    buddy.free(pa, 1); // wrong order
  } else if (mode === 3) {
    buddy.free(pa + PAGE_SIZE, 1); // misaligned for order 1
  } else if (mode === 4) {
    buddy.free(phys(0x1000), 0); // outside every region
  } else if (mode === 5) {
    buddy.free(pa + 2 * PAGE_SIZE, 1); // inside an allocated block, not its head
  }
  log(`test: misuse ${mode} was not caught`);
}

export function main(mode: u32): void {
  const total = setup();
  if (mode !== 0) {
    misuse(mode);
    return;
  }
  assert(buddy.check() === total, "test: initial check");
  let blocks: u64 = 0;
  let largest: u32 = 0;
  for (let k: u32 = 0; k <= MAX_ORDER; k++) {
    initialBlocks[k] = buddy.freeBlocks(k);
    blocks += initialBlocks[k];
    if (initialBlocks[k] !== 0) largest = k;
  }
  log(`buddy: ${total} pages in 3 regions as ${blocks} blocks, largest order ${largest}`);

  let allocs: u32 = 0;
  let refused: u32 = 0;
  let frees: u32 = 0;
  let checks: u32 = 0;
  for (let op: u32 = 1; op <= OPS; op++) {
    if (liveCount === 0 || (liveCount < RANDOM_LIVE && random.next() % 100 < 55)) {
      const order = pickOrder();
      const pa = buddy.alloc(order);
      if (pa === NONE) {
        checkRefusal(order);
        refused++;
      } else {
        take(pa, order);
        allocs++;
      }
    } else {
      give(usize(random.next() % u64(liveCount)));
      frees++;
    }
    if (op % CHECK_EVERY === 0) {
      assert(buddy.check() === buddy.freePages, "test: check");
      assert(buddy.freePages + livePages === total, "test: pages lost");
      checks++;
    }
  }
  log(`buddy: ${OPS} random operations: ${allocs} allocations, ${refused} refused, ${frees} frees`);
  log(`buddy: ${checks} full checks passed`);

  // Take everything that is left, largest blocks first.
  let more: u32 = 0;
  for (let k = MAX_ORDER + 1; k > 0; k--) {
    for (let pa = buddy.alloc(k - 1); pa !== NONE; pa = buddy.alloc(k - 1)) {
      take(pa, k - 1);
      more++;
    }
  }
  assert(buddy.freePages === 0 && buddy.check() === 0, "test: memory left after the fill");
  for (let i: usize = 0; i < usize(total) + 256; i++)
    assert(owner[i] !== 0, "test: a page was never handed out");
  log(`buddy: exhausted by ${more} more blocks, every page handed out exactly once`);

  while (liveCount !== 0) give(usize(random.next() % u64(liveCount)));
  assert(buddy.freePages === total && buddy.check() === total, "test: pages missing after freeing");
  for (let k: u32 = 0; k <= MAX_ORDER; k++)
    assert(buddy.freeBlocks(k) === initialBlocks[k], "test: blocks not merged back");
  log(`buddy: all ${total} pages back, merged into the initial ${blocks} blocks`);
}
