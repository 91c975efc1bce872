// The kernel statistics page (kernel-ts/kstat.ts; a debug path, not part of
// nova-abi.md): mapped read-only into the root PD at KSTAT_ADDRESS when the
// kernel runs with the command-line word `kstat`, rewritten after every
// hypercall. `take` and `compare` check that a run left the kernel's memory
// as it found it (user/roottest-stress, user/roottest-smpstress).

import { KSTAT_ADDRESS, KernelStats } from "../../abi/kstat_page.ts";
import { putDec, puts } from "./console.ts";

/** The page (only valid when the kernel maps it: check the signature). */
export function kstat(): KernelStats {
  return structAt<KernelStats>(virt(KSTAT_ADDRESS));
}

/** The counters that are back where they were once everything a run made is destroyed. */
export class KstatSnapshot {
  freePages: u64;
  liveObjects: u64;
  liveAllocations: u64;
  liveBytes: u64;
  mdbNodes: u64;
}

/** Which counters `compare` checks (bits). */
export const KSTAT_FREE_PAGES: u32 = 1;
export const KSTAT_LIVE_OBJECTS: u32 = 2;
export const KSTAT_LIVE_ALLOCATIONS: u32 = 4;
export const KSTAT_LIVE_BYTES: u32 = 8;
export const KSTAT_MDB_NODES: u32 = 16;
export const KSTAT_ALL: u32 = 0x1f;

/** The page's counters now, into `s`. */
export function take(s: KstatSnapshot): void {
  const k = kstat();
  s.freePages = k.freePages;
  s.liveObjects = k.liveObjects;
  s.liveAllocations = k.liveAllocations;
  s.liveBytes = k.liveBytes;
  s.mdbNodes = k.mdbNodes;
}

/** `<prefix>: <name> before <was> after <now>`; whether the two are equal. */
function report(prefix: str, name: str, was: u64, now: u64): bool {
  puts(prefix);
  puts(": ");
  puts(name);
  puts(" before ");
  putDec(was);
  puts(" after ");
  putDec(now);
  puts("\n");
  return was === now;
}

/**
 * Each counter in `which` (KSTAT_* bits), in the order of KstatSnapshot, as it was in `before`
 * and is now, one report line each (all of them, also after a difference); whether all are equal.
 */
export function compare(prefix: str, before: KstatSnapshot, which: u32): bool {
  const k = kstat();
  let same = true;
  if ((which & KSTAT_FREE_PAGES) !== 0)
    same = report(prefix, "free pages", before.freePages, k.freePages) && same;
  if ((which & KSTAT_LIVE_OBJECTS) !== 0)
    same = report(prefix, "live objects", before.liveObjects, k.liveObjects) && same;
  if ((which & KSTAT_LIVE_ALLOCATIONS) !== 0)
    same = report(prefix, "live allocations", before.liveAllocations, k.liveAllocations) && same;
  if ((which & KSTAT_LIVE_BYTES) !== 0)
    same = report(prefix, "live bytes", before.liveBytes, k.liveBytes) && same;
  if ((which & KSTAT_MDB_NODES) !== 0)
    same = report(prefix, "mdb nodes", before.mdbNodes, k.mdbNodes) && same;
  return same;
}
