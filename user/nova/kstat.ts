// The kernel statistics page (kernel-ts/kstat.ts; a debug path, not part of
// nova-abi.md): mapped read-only into the root PD at KSTAT_ADDRESS when the
// kernel runs with the command-line word `kstat`, rewritten after every
// hypercall.

export const KSTAT_ADDRESS: u64 = 0x7fff_ffff_d000;
export const KSTAT_SIGNATURE: u64 = 0x5441_5453_4b; // "KSTAT"

export class KernelStats {
  signature: u64;
  hypercalls: u64;
  freePages: u64;
  liveObjects: u64;
  liveAllocations: u64;
  liveBytes: u64;
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

/** The page (only valid when the kernel maps it: check the signature). */
export function kstat(): KernelStats {
  return structAt<KernelStats>(virt(KSTAT_ADDRESS));
}
