// The kernel statistics page: the debug path through which the root task
// sees the kernel's memory (issue 4's leak check, docs/testing.md). With the
// command-line word `kstat` the kernel maps one read-only page into the root
// PD at KSTAT_ADDRESS (below the UTCB) and rewrites it at the end of every
// hypercall, so a root task can compare free memory before and after a
// stress run without any hypercall of its own. Without `kstat` nothing is
// mapped and the hypercall path pays one test of a flag.

import * as kmem from "./kmem.ts";
import * as kobject from "./kobject.ts";
import * as mdb from "./mdb.ts";
import * as memory from "./memory.ts";

/** Where the root PD sees the page: 2^47 - 12 KiB, under the UTCB (§9.4 with H = 47). */
export const KSTAT_ADDRESS: u64 = 0x7fff_ffff_d000;
export const SIGNATURE: u64 = 0x5441_5453_4b; // "KSTAT"

/** The page's layout (user/nova/kstat.ts declares the same). */
export class KernelStats {
  signature: u64;
  /** Hypercalls completed since boot (the page is current as of the last one). */
  hypercalls: u64;
  /** Free 4 KiB pages in the buddy allocator. */
  freePages: u64;
  /** Kernel objects alive, and the allocations and bytes of objects, tables and nodes. */
  liveObjects: u64;
  liveAllocations: u64;
  liveBytes: u64;
  /** Mapping-database nodes. */
  mdbNodes: u64;
}
layout(KernelStats, {
  size: 56,
  offsets: {
    signature: 0,
    hypercalls: 8,
    freePages: 16,
    liveObjects: 24,
    liveAllocations: 32,
    liveBytes: 40,
    mdbNodes: 48,
  },
});

class KstatState {
  page: Phys;
}
const state = new KstatState();
/** Whether the page exists: syscall.ts tests this before calling update() (the hot path). */
export let enabled = false;

/** A zeroed page for the statistics (the root PD maps it), or phys(0) when memory is out. */
export function enable(): Phys {
  state.page = memory.tablePage();
  enabled = u64(state.page) !== 0;
  if (enabled) update();
  return state.page;
}

/** Rewrites the page (syscall.ts, after every hypercall while `enabled`). */
export function update(): void {
  const s = structAt<KernelStats>(kmem.toVirt(state.page));
  s.signature = SIGNATURE;
  s.hypercalls++;
  s.freePages = memory.freePageCount();
  s.liveObjects = kobject.liveObjects();
  s.liveAllocations = kobject.liveAllocations();
  s.liveBytes = kobject.liveBytes();
  s.mdbNodes = mdb.nodes();
}
