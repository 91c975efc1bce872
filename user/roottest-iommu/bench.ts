// DMA-space path lengths (npm run bench; docs/testing.md, docs/iommu.md):
// ctrl_pd into a DMA space and the revocation of what it delegated, each call
// timed with its IOTLB invalidation (the kernel waits for it before the call
// returns). One page comes from the root host space (a page with a mapping-
// database node); 2^10 pages come from the NOVA host space (nodeless roots),
// physical 3 GiB onwards, a PCI window on q35 that holds no RAM: only tables
// change, nothing is accessed. Under QEMU -icount a tick is an instruction.

import { Perm_mem } from "../../abi/perms.ts";
import { puts } from "../nova/console.ts";
import { ctrlPd } from "../nova/hypercall.ts";
import { Status } from "../../abi/status.ts";
import { After, Body, report } from "../roottest/bench.ts";
import { NOVA_HST, ROOT_HST } from "../roottest/sel.ts";

const RW: u64 = Perm_mem.R | Perm_mem.W;
/** The IOVA pages the benches use (aligned to 2^10). */
const IOVA: u64 = 0x400;
const ORDER: u64 = 10;
/** Physical page 3 GiB >> 12. */
const WINDOW_PAGE: u64 = 0xc_0000;
const SINGLE: usize = 100;
const LARGE: usize = 20;
const samples = array<u64, 100>();

class Target {
  dma: u64;
  page: u64;
}
const target = new Target();

function delegate1(): bool {
  return ctrlPd(ROOT_HST, target.dma, target.page, 0, IOVA, RW, 0) === Status.SUCCESS;
}
function revoke1(): bool {
  return ctrlPd(ROOT_HST, target.dma, target.page, 0, IOVA, 0, 0) === Status.SUCCESS;
}
function delegate1024(): bool {
  return ctrlPd(NOVA_HST, target.dma, WINDOW_PAGE, ORDER, IOVA, RW, 0) === Status.SUCCESS;
}
function revoke1024(): bool {
  return ctrlPd(NOVA_HST, target.dma, WINDOW_PAGE, ORDER, IOVA, 0, 0) === Status.SUCCESS;
}
function undo1(): void {
  revoke1();
}
function redo1(): void {
  delegate1();
}
function undo1024(): void {
  revoke1024();
}
function redo1024(): void {
  delegate1024();
}

/**
 * Times `n` calls of `body` (`after` untimed after each) and reports them (roottest's report);
 * fewer samples than roottest's bench(): 2^10 pages take about 10^6 instructions.
 */
function measure(name: str, body: Body, after: After, n: usize): void {
  let failed: u64 = 0;
  for (let i: usize = 0; i < n; i++) {
    const t0 = rdtsc();
    if (!body()) failed++;
    samples[i] = rdtsc() - t0;
    after();
  }
  if (failed === 0) {
    report(name, arrayPtr(samples), n);
    return;
  }
  puts("BENCH ");
  puts(name);
  puts(" FAIL\n");
}

/** The four benches on DMA space `dma` (assigned to a device), `page` a root host page with RAM. */
export function run(dma: u64, page: u64): void {
  target.dma = dma;
  target.page = page;
  measure("dma_delegate_1", delegate1, undo1, SINGLE);
  delegate1();
  measure("dma_revoke_1", revoke1, redo1, SINGLE);
  revoke1();
  measure("dma_delegate_1024", delegate1024, undo1024, LARGE);
  delegate1024();
  measure("dma_revoke_1024", revoke1024, redo1024, LARGE);
  revoke1024();
}
