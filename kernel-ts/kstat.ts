// The kernel statistics page: the debug path through which the root task
// sees the kernel's memory (the stress tasks' leak check, docs/testing.md). With the
// command-line word `kstat` the kernel maps one read-only page into the root
// PD at KSTAT_ADDRESS (below the UTCB) and rewrites it at the end of every
// hypercall, so a root task can compare free memory before and after a
// stress run without any hypercall of its own. Without `kstat` nothing is
// mapped and the hypercall path pays one test of a flag.

import { KernelStats, KSTAT_SIGNATURE } from "../abi/kstat_page.ts";
import * as hazard from "./hazard.ts";
import { Hazard } from "./hazard.ts";
import * as kmem from "./kmem.ts";
import * as kobject from "./kobject.ts";
import * as mdb from "./mdb.ts";
import * as memory from "./memory.ts";

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
  if (enabled) {
    hazard.raiseLocked(Hazard.KSTAT);
    update();
  }
  return state.page;
}

/** Rewrites the page (syscall.ts, after every hypercall while `enabled`). */
export function update(): void {
  const s = structAt<KernelStats>(kmem.toVirt(state.page));
  s.signature = KSTAT_SIGNATURE;
  s.hypercalls++;
  s.freePages = memory.freePageCount();
  s.liveObjects = kobject.liveObjects();
  s.liveAllocations = kobject.liveAllocations();
  s.liveBytes = kobject.liveBytes();
  s.mdbNodes = mdb.nodes();
}
