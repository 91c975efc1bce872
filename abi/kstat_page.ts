// The kernel statistics page (a debug path, not part of nova-abi.md): with
// the command-line word `kstat` the kernel (kernel-ts/kstat.ts) maps one
// read-only page at KSTAT_ADDRESS into the root PD and rewrites it after every
// hypercall; user/nova/kstat.ts reads it. This is its address and layout.

/** Where the root PD sees the page: 2^47 - 12 KiB, under the UTCB (§9.4 with H = 47). */
export const KSTAT_ADDRESS: u64 = 0x7fff_ffff_d000;
/** "KSTAT" */
export const KSTAT_SIGNATURE: u64 = 0x5441_5453_4b;

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
