// The DMA-remapping root task (test/boot/iommu.test.ts, docs/iommu.md): a
// user-level driver for QEMU's `edu` device behind Intel VT-d. It finds edu
// in PCI configuration space (ECAM from the MCFG), turns on bus mastering,
// maps its registers (BAR0) and four RAM pages (physical 0x50000–0x53fff,
// low memory the kernel never allocates) through the root host space, makes
// DMA spaces (create_pd OP 4), delegates pages into them (ctrl_pd HST→DMA),
// assigns the device (assign_dev, the IOMMU's register base from the DMAR)
// and drives edu's DMA engine: each transfer copies a 4 KiB page (COUNT) between
// RAM (an IOVA) and the device's buffer and takes 100 ms of virtual time.
//
// Every case checks the four RAM pages byte for byte (word patterns): a DMA
// lands in exactly the delegated page, and a blocked one (device unassigned,
// IOVA unmapped, read-only, revoked directly or through the mapping database,
// DMA space destroyed) changes nothing. The kernel reports a fault for each
// blocked write in its log: the task finds the line in the MBUF (§9.9).
// QEMU records none for a write to a read-only page whose translation its
// IOTLB holds (the write is dropped), so that case has no fault check. Without an IOMMU
// (the HIP says so) the task checks that DMA spaces cannot be made instead.

import { Perm_dma_sp, Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { hasIommu, hip } from "../nova/hip.ts";
import { assignDev, createPd, ctrlPd } from "../nova/hypercall.ts";
import * as acpi from "../roottest/acpi.ts";
import * as benches from "./bench.ts";
import * as setup from "../roottest/setup.ts";
import { EMPTY, IOMMU_SELS, NOVA_HST, ROOT_HST, ROOT_OBJ, copy, revoke } from "../roottest/sel.ts";
import { block, check, expectStatus, isStatus, isValue, summary } from "../roottest/test.ts";

const R: u64 = Perm_mem.R;
const RW: u64 = Perm_mem.R | Perm_mem.W;
/** MAD cache attribute UC (§10.4) for device registers and configuration space. */
const UC: u32 = 3;

/** Root host space pages (selectors = virtual page numbers). */
const VA_CFG: u64 = 0x44000;
const VA_BAR: u64 = 0x44001;
const VA_ALIAS: u64 = 0x44002;
const VA_MBUF: u64 = 0x44003;
/** Four RAM pages (order 2): VA_RAM + i shows physical page RAM_PAGE + i. */
const VA_RAM: u64 = 0x44010;
const RAM_PAGE: u64 = 0x50;
/** IOVA pages of the DMA space. */
const IOVA_RW: u64 = 0x100;
const IOVA_RO: u64 = 0x101;
const IOVA_NONE: u64 = 0x102;
const IOVA_CHAIN: u64 = 0x103;

/** Object selectors: two DMA spaces and a copy of the first without ASSIGN. */
const DMA: u64 = IOMMU_SELS;
const DMA_NOASSIGN: u64 = IOMMU_SELS + 1;
const DMA2: u64 = IOMMU_SELS + 2;

/** edu (QEMU docs/specs/edu.txt): 1234:11e8; DMA registers; the device buffer's address. */
const EDU_ID: u64 = 0x11e8_1234;
const DMA_SRC: u64 = 0x80;
const DMA_DST: u64 = 0x88;
const DMA_COUNT: u64 = 0x90;
const DMA_CMD: u64 = 0x98;
const CMD_START: u64 = 1;
const CMD_TO_RAM: u64 = 2;
const EDU_BUFFER: u64 = 0x40000;
const PAGE: u64 = 0x1000;
/**
 * Bytes per transfer: a page but its last byte. QEMU 7.2's edu stops the
 * emulator (hw_error) for a range that ends at the end of its buffer, so the
 * top byte of each page's last word is never transferred and never compared.
 */
const COUNT: u64 = PAGE - 1;
const LAST_WORD_BYTES: u64 = 0x00ff_ffff_ffff_ffff;

/** Word patterns of the four pages and a fifth one. */
const A: u64 = 0xa5a5_0000_0000_0000;
const B: u64 = 0xb6b6_0000_0000_0000;
const C: u64 = 0xc7c7_0000_0000_0000;
const D: u64 = 0xd8d8_0000_0000_0000;
const E: u64 = 0xe9e9_0000_0000_0000;

/** The MBUF's ring (§9.9): WrIdx at +4, N characters from +8. */
const MBUF_N: u64 = 4088;

class Edu {
  /** bus << 8 | device << 3 | function (segment 0), or NONE. */
  dad: u64;
  iommu: u64;
  /** Intel VT-d (DMAR); else AMD-Vi (IVRS), where QEMU reports no faults. */
  vtd: bool;
  /** The MBUF's WrIdx at the last mark(). */
  mark: u64;
}
const edu = new Edu();
const NONE: u64 = u64.MAX;

function word(page: u64, i: u64): Ptr<u64> {
  return ptrFromVirt<u64>(virt((page << 12) + i * 8));
}

/** Fills RAM page `i` (0…3) with `pattern` + word index. */
function fill(i: u64, pattern: u64): void {
  for (let w: u64 = 0; w < 512; w++) word(VA_RAM + i, w).storeVolatile(pattern + w);
}

/** Whether RAM page `i` holds `pattern` + word index in every word (a part of the case). */
function holds(i: u64, pattern: u64): bool {
  for (let w: u64 = 0; w < 512; w++) {
    const mask = w === 511 ? LAST_WORD_BYTES : u64.MAX;
    const v = word(VA_RAM + i, w).loadVolatile() & mask;
    if (v !== ((pattern + w) & mask)) return isValue(v, (pattern + w) & mask);
  }
  return true;
}

/** The four pages hold a, b, c, d. */
function pages(a: u64, b: u64, c: u64, d: u64): bool {
  return holds(0, a) && holds(1, b) && holds(2, c) && holds(3, d);
}

function reg(offset: u64): Ptr<u64> {
  return ptrFromVirt<u64>(virt((VA_BAR << 12) + offset));
}

/** One edu DMA of COUNT bytes from `src` to `dst` (`toRam`: buffer → RAM); false on a 2 s timeout. */
function dma(src: u64, dst: u64, toRam: bool): bool {
  reg(DMA_SRC).storeVolatile(src);
  reg(DMA_DST).storeVolatile(dst);
  reg(DMA_COUNT).storeVolatile(COUNT);
  reg(DMA_CMD).storeVolatile(toRam ? CMD_START | CMD_TO_RAM : CMD_START);
  const end = rdtsc() + 2 * hip().stcFrequency;
  while ((reg(DMA_CMD).loadVolatile() & CMD_START) !== 0) if (rdtsc() > end) return false;
  return true;
}

/** The buffer to IOVA page `iova` (a part of the case: the transfer ended). */
function toRam(iova: u64): bool {
  return isValue(dma(EDU_BUFFER, iova << 12, true) ? 1 : 0, 1);
}

/** IOVA page `iova` to the buffer. */
function fromRam(iova: u64): bool {
  return isValue(dma(iova << 12, EDU_BUFFER, false) ? 1 : 0, 1);
}

function mbufWrIdx(): u64 {
  return u64(ptrFromVirt<u32>(virt((VA_MBUF << 12) + 4)).loadVolatile());
}

function mbufChar(i: u64): u8 {
  return ptrFromVirt<u8>(virt((VA_MBUF << 12) + 8 + (i % MBUF_N))).loadVolatile();
}

/** Remembers where the kernel's log (MBUF) ends now. */
function mark(): bool {
  edu.mark = mbufWrIdx();
  return true;
}

/**
 * Whether the kernel logged `text` since mark() (a part of the case), waiting up to 100 ms
 * for the fault interrupt. The ring is read in place: RdIdx stays where it was.
 */
function logged(text: str): bool {
  // QEMU 7.2's AMD-Vi writes no event-log entries: there is no fault line to find.
  if (!edu.vtd) return true;
  const n = u64(strLength(text));
  const end = rdtsc() + hip().stcFrequency / 10;
  for (;;) {
    const wr = mbufWrIdx();
    const count = (wr + MBUF_N - edu.mark) % MBUF_N;
    for (let at: u64 = 0; at + n <= count; at++) {
      let k: u64 = 0;
      while (k < n && mbufChar(edu.mark + at + k) === strByte(text, usize(k))) k++;
      if (k === n) return true;
    }
    if (rdtsc() > end) return isValue(0, 1);
  }
}

/** ctrl_pd root host space → `dst` (2^ord pages). */
function hstTo(dst: u64, ssb: u64, ord: u64, dsb: u64, pmm: u64): u32 {
  return ctrlPd(ROOT_HST, dst, ssb, ord, dsb, pmm, 0);
}

/**
 * Finds edu on bus 0 through the ECAM (MCFG) and the first IOMMU's register
 * base (the DMAR's first DRHD, else the IVRS's first IVHD); maps edu's configuration page and BAR0 and turns on memory
 * decoding and bus mastering (SeaBIOS leaves bus mastering off).
 */
function findEdu(): bool {
  edu.dad = NONE;
  const rsdp = hip().rsdp;
  const mcfg = acpi.table(rsdp, "MCFG");
  const dmar = acpi.table(rsdp, "DMAR");
  const ivrs = dmar === 0 ? acpi.table(rsdp, "IVRS") : 0;
  if (mcfg === 0 || (dmar === 0 && ivrs === 0)) return false;
  edu.vtd = dmar !== 0;
  const ecam = acpi.le(mcfg + 44, 8);
  for (let dev: u64 = 0; dev < 32 && edu.dad === NONE; dev++)
    if (acpi.le(ecam + (dev << 15), 4) === EDU_ID) edu.dad = dev << 3;
  // The first DRHD (type u16 0) or IVHD (type u8 0x10, 0x11, 0x40): register base at +8.
  const table = edu.vtd ? dmar : ivrs;
  const end = table + acpi.le(table + 4, 4);
  edu.iommu = 0;
  for (let p = table + 48; p + 16 <= end && edu.iommu === 0;) {
    const type = acpi.le(p, edu.vtd ? 2 : 1);
    if (edu.vtd ? type === 0 : type === 0x10 || type === 0x11 || type === 0x40)
      edu.iommu = acpi.le(p + 8, 8);
    const length = acpi.le(p + 2, 2);
    if (length < 4) break;
    p += length;
  }
  acpi.close();
  if (edu.dad === NONE || edu.iommu === 0) return false;
  // ECAM: bus << 20 | device << 15 | function << 12, so the page is ECAM + bus:devfn.
  const cfg = (ecam >> 12) + edu.dad;
  if (ctrlPd(NOVA_HST, ROOT_HST, cfg, 0, VA_CFG, RW, UC) !== Status.SUCCESS) return false;
  const command = ptrFromVirt<u32>(virt((VA_CFG << 12) + 4));
  command.storeVolatile((command.loadVolatile() & 0xffff) | 0x6);
  const bar = u64(ptrFromVirt<u32>(virt((VA_CFG << 12) + 0x10)).loadVolatile() & ~u32(0xf));
  return ctrlPd(NOVA_HST, ROOT_HST, bar >> 12, 0, VA_BAR, RW, UC) === Status.SUCCESS;
}

/** assign_dev's statuses for bad capabilities, IOMMU bases and DADs (§10.5). */
function badAssignments(): void {
  check(
    "assign_dev-bad_cap-not-a-dma-space",
    isStatus(assignDev(ROOT_OBJ, edu.iommu, edu.dad), Status.BAD_CAP) &&
      isStatus(assignDev(EMPTY, edu.iommu, edu.dad), Status.BAD_CAP) &&
      isStatus(assignDev(ROOT_OBJ_ROOT_PD, edu.iommu, edu.dad), Status.BAD_CAP),
  );
  check(
    "assign_dev-bad_cap-without-assign",
    isStatus(copy(DMA, DMA_NOASSIGN, Perm_dma_sp.GRANT), Status.SUCCESS) &&
      isStatus(assignDev(DMA_NOASSIGN, edu.iommu, edu.dad), Status.BAD_CAP),
  );
  check(
    "assign_dev-bad_dev-unknown-iommu",
    isStatus(assignDev(DMA, edu.iommu + PAGE, edu.dad), Status.BAD_DEV) &&
      isStatus(assignDev(DMA, 0, edu.dad), Status.BAD_DEV),
  );
  check(
    "assign_dev-bad_par-device-not-behind-the-iommu",
    isStatus(assignDev(DMA, edu.iommu, edu.dad | (5 << 8)), Status.BAD_PAR) &&
      isStatus(assignDev(DMA, edu.iommu, edu.dad | (1 << 16)), Status.BAD_PAR) &&
      isStatus(assignDev(DMA, edu.iommu, 0x1e << 3), Status.BAD_PAR),
  );
}

/** Without an IOMMU (§4.3, §9.5): no HIP bit, create_pd OP 4 BAD_FTR, so assign_dev has no space. */
function withoutIommu(): u64 {
  block(1100);
  check("no-iommu-no-hip-bit", !hasIommu());
  expectStatus(
    "no-iommu-create_pd-op4-bad_ftr",
    createPd(DMA, 4, ROOT_OBJ_ROOT_PD),
    Status.BAD_FTR,
  );
  expectStatus("no-iommu-assign_dev-bad_cap", assignDev(DMA, 0xfed9_0000, 0x18), Status.BAD_CAP);
  return summary();
}

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  setup.run();
  if (!hasIommu()) return withoutIommu();
  block(1200);
  check("iommu-hip-bit", hasIommu());
  check("edu-found-and-mapped", findEdu());
  check(
    "ram-and-mbuf-pages-mapped",
    isStatus(ctrlPd(NOVA_HST, ROOT_HST, RAM_PAGE, 2, VA_RAM, RW, 0), Status.SUCCESS) &&
      isStatus(ctrlPd(NOVA_HST, ROOT_HST, hip().mbufStart >> 12, 0, VA_MBUF, R, 0), Status.SUCCESS),
  );
  fill(0, A);
  fill(1, B);
  fill(2, C);
  fill(3, D);
  // Translation is on and edu is in no DMA space: its writes go nowhere (root entry absent).
  // Each blocked write's fault is in the kernel's log (the MBUF): device, address, reason.
  check(
    "dma-unassigned-device-blocked-fault-reported",
    mark() && toRam(RAM_PAGE) && pages(A, B, C, D) && logged("0x3.0 write at 0x50000 reason 0x1"),
  );
  expectStatus("create_pd-dma-space", createPd(DMA, 4, ROOT_OBJ_ROOT_PD), Status.SUCCESS);
  badAssignments();
  check(
    "ctrl_pd-hst-to-dma",
    isStatus(hstTo(DMA, VA_RAM + 1, 0, IOVA_RW, RW), Status.SUCCESS) &&
      isStatus(hstTo(DMA, VA_RAM + 2, 0, IOVA_RO, R), Status.SUCCESS),
  );
  check(
    "ctrl_pd-dma-bad_par-beyond-width-bad_cap-as-source",
    isStatus(hstTo(DMA, VA_RAM, 0, u64(1) << 36, RW), Status.BAD_PAR) &&
      isStatus(ctrlPd(DMA, ROOT_HST, IOVA_RW, 0, VA_ALIAS, RW, 0), Status.BAD_CAP),
  );
  expectStatus("assign_dev-edu", assignDev(DMA, edu.iommu, edu.dad), Status.SUCCESS);
  // C from the read-only page into the buffer, out into the read-write page: only that changes.
  check(
    "dma-read-then-write-lands-in-the-delegated-page",
    fromRam(IOVA_RO) && toRam(IOVA_RW) && pages(A, C, C, D),
  );
  fill(1, B);
  check("dma-read-mapped-page", fromRam(IOVA_RW) && pages(A, B, C, D));
  // The buffer holds B now: a write that got through anywhere in the four pages would show.
  check(
    "dma-write-unmapped-iova-blocked-fault-reported",
    mark() && toRam(IOVA_NONE) && pages(A, B, C, D) && logged("write at 0x102000 reason 0x5"),
  );
  check("dma-write-read-only-blocked", toRam(IOVA_RO) && pages(A, B, C, D));
  fill(1, E);
  check(
    "dma-after-revocation-blocked-fault-reported",
    isStatus(hstTo(DMA, VA_RAM + 1, 0, IOVA_RW, 0), Status.SUCCESS) &&
      mark() &&
      toRam(IOVA_RW) &&
      pages(A, E, C, D) &&
      logged("write at 0x100000 reason 0x5"),
  );
  // Through the mapping database: the DMA mapping is derived from an alias page; revoking the
  // alias takes it along.
  check(
    "dma-through-derived-mapping",
    isStatus(hstTo(ROOT_HST, VA_RAM + 3, 0, VA_ALIAS, RW), Status.SUCCESS) &&
      isStatus(hstTo(DMA, VA_ALIAS, 0, IOVA_CHAIN, RW), Status.SUCCESS) &&
      toRam(IOVA_CHAIN) &&
      pages(A, E, C, B),
  );
  fill(3, D);
  check(
    "dma-after-mdb-revocation-blocked-fault-reported",
    isStatus(hstTo(ROOT_HST, VA_ALIAS, 0, VA_ALIAS, 0), Status.SUCCESS) &&
      mark() &&
      toRam(IOVA_CHAIN) &&
      pages(A, E, C, D) &&
      logged("write at 0x103000 reason 0x5"),
  );
  // A second DMA space replaces the first for edu (§10.5).
  check(
    "assign_dev-replaces-previous-space",
    isStatus(createPd(DMA2, 4, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
      isStatus(hstTo(DMA2, VA_RAM, 0, IOVA_RW, RW), Status.SUCCESS) &&
      isStatus(assignDev(DMA2, edu.iommu, edu.dad), Status.SUCCESS) &&
      toRam(IOVA_RW) &&
      pages(B, E, C, D),
  );
  // Path lengths with a device assigned (BENCH lines; npm run bench reads them under -icount).
  benches.run(DMA2, VA_RAM + 2);
  fill(0, A);
  // The device's DMA space goes (its last capability): the device is blocked again.
  check(
    "dma-space-destroyed-device-blocked-fault-reported",
    isStatus(revoke(DMA2, 0), Status.SUCCESS) &&
      mark() &&
      toRam(IOVA_RW) &&
      pages(A, E, C, D) &&
      logged("write at 0x100000 reason 0x2"),
  );
  check(
    "dma-spaces-revoked",
    isStatus(revoke(DMA, 1), Status.SUCCESS) &&
      isStatus(assignDev(DMA, edu.iommu, edu.dad), Status.BAD_CAP),
  );
  return summary();
}
