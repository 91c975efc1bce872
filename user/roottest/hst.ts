// Host and MSR spaces (nova-abi.md §4.3 OP 2/6, §4.8 HST→HST and MSR→MSR,
// §9.8, §10.4): memory from the NOVA host space into the root host space,
// written and read through copies, revoked recursively across three host
// spaces; the MAD's checks; create_pd OP 2, OP 3 and OP 6; guest spaces as
// destinations; MSR delegation.
//
// Memory comes from physical page 0x6 (below 1 MiB: never the kernel's, so
// delegable; its contents are restored before it is revoked). Host space
// pages are used at 0x4000_0000…; objects at HST_SELS of the root object
// space, revoked at the block's end. A revoked page cannot be touched (the EC
// would take a page fault), so what revocation left is counted by the kernel
// after the EC is gone (test/boot/user.test.ts: the root host space holds its
// ELF pages plus exactly the two capabilities this block leaves, KEEP1 and
// KEEP2).

import { PERM_MASK, Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { HIP_ADDRESS } from "../../abi/root_pd.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { putDec, puts } from "../nova/console.ts";
import { hasIommu } from "../nova/hip.ts";
import { createPd, ctrlPd } from "../nova/hypercall.ts";
import {
  HST_SELS,
  NOVA_HST,
  NOVA_MSR,
  NOVA_PIO,
  RANGE_ORDER,
  ROOT_HST,
  ROOT_OBJ,
  ROOT_PIO,
  pd,
  revoke,
} from "./sel.ts";
import { block, check, expect, expectStatus, isStatus, isValue } from "./test.ts";

/** Physical page 0x6: below 1 MiB, never the kernel's, so delegable (harden.ts uses it too). */
export const LOW_PAGE: u64 = 0x6;
/** Host-space selectors (pages) of the test mappings. */
const VA1: u64 = 0x40000;
const VA2: u64 = 0x40001;
const VA3: u64 = 0x40002;
const VA4: u64 = 0x40003;
const VA5: u64 = 0x40004;
const VA6: u64 = 0x40005;
const KEEP1: u64 = 0x40010;
const KEEP2: u64 = 0x40011;
/** The HIP's page (kernel-owned: delegates as CAP0). */
const HIP_PAGE: u64 = HIP_ADDRESS >> 12;
/** R and W (memory capabilities, §2.2). */
export const MEM_RW: u64 = Perm_mem.R | Perm_mem.W;
/** 2^35: the first selector beyond a host space. */
const HST_END: u64 = u64(1) << 35;
/** 2^36: the first selector beyond a guest space (48-bit guest-physical addresses). */
const GST_END: u64 = u64(1) << 36;
/** The order-20 delegation: physical 0…4 GiB to 4 GiB of the root host space. */
const BIG_ORDER: u64 = 20;
const BIG_BASE: u64 = 0x10_0000;
const PATTERN: u64 = 0x0123_4567_89ab_cdef;

/** Objects of this block (HST_SELS + …): PDs, their host spaces, MSR spaces. */
const PD_A: u64 = HST_SELS + 0x10;
const HST_A: u64 = HST_SELS + 0x11;
const PD_B: u64 = HST_SELS + 0x20;
const HST_B: u64 = HST_SELS + 0x21;
const MSR_A: u64 = HST_SELS + 0x30;
/** Two guest spaces of PD A. */
const GST_A: u64 = HST_SELS + 0x14;
const MSR_B: u64 = HST_SELS + 0x31;

/** ctrl_pd from the NOVA host space with a MAD in R8. */
function fromNova(ssb: u64, ord: u64, dsb: u64, pmm: u64, mad: u32): u32 {
  return ctrlPd(NOVA_HST, ROOT_HST, ssb, ord, dsb, pmm, mad);
}

/** Within the root host space. */
function hst(ssb: u64, ord: u64, dsb: u64, pmm: u64): u32 {
  return pd(ROOT_HST, ROOT_HST, ssb, ord, dsb, pmm);
}

/** The first word of page `sel` (volatile accesses: two pages may map one frame). */
function word(sel: u64): Ptr<u64> {
  return ptrFromVirt<u64>(virt(sel << 12));
}

/** Stores `v` through page `a`'s mapping and reads it through page `b`'s. */
function storeThenLoad(a: u64, b: u64, v: u64): bool {
  word(a).storeVolatile(v);
  return isValue(word(b).loadVolatile(), v);
}

const OK = Status.SUCCESS;

export function run(): void {
  block(500);
  // HST: NOVA host space → root host space, write and read, onward inside root's space.
  expectStatus("hst-nova-to-root", fromNova(LOW_PAGE, 0, VA1, MEM_RW, 0), OK);
  const saved = word(VA1).loadVolatile();
  word(VA1).storeVolatile(PATTERN);
  expect("hst-write-read", word(VA1).loadVolatile(), PATTERN);
  check(
    "hst-to-hst-same-frame",
    isStatus(hst(VA1, 0, VA2, MEM_RW), OK) &&
      isValue(word(VA2).loadVolatile(), PATTERN) &&
      storeThenLoad(VA2, VA1, ~PATTERN),
  );
  check(
    "hst-read-only-copy",
    isStatus(hst(VA2, 0, VA3, Perm_mem.R), OK) && isValue(word(VA3).loadVolatile(), ~PATTERN),
  );
  word(VA1).storeVolatile(saved);
  // A second, independent root from the NOVA host space survives the revocation below.
  check(
    "hst-second-root-and-copy",
    isStatus(fromNova(LOW_PAGE, 0, KEEP1, MEM_RW, 0), OK) &&
      isStatus(hst(KEEP1, 0, KEEP2, Perm_mem.R), OK) &&
      isValue(word(KEEP2).loadVolatile(), saved),
  );
  // Revoking VA1 (pmm 0) takes VA2 and VA3 along (counted by the kernel at the end).
  expectStatus("hst-revoke-pmm0", hst(VA1, 0, VA1, 0), OK);
  check(
    "hst-revoked-source-is-cap0",
    isStatus(hst(VA2, 0, VA4, MEM_RW), OK) && isStatus(hst(HIP_PAGE, 0, VA5, MEM_RW), OK),
  );

  // MAD (§10.4): CA 5…7 and KI > KIMAX (0) are BAD_PAR from the NOVA host space; bits 31:18
  // are ignored; other sources ignore the MAD.
  check(
    "hst-bad_par-mad",
    isStatus(fromNova(LOW_PAGE, 0, VA6, MEM_RW, 5), Status.BAD_PAR) &&
      isStatus(fromNova(LOW_PAGE, 0, VA6, MEM_RW, 7), Status.BAD_PAR) &&
      isStatus(fromNova(LOW_PAGE, 0, VA6, MEM_RW, 1 << 3), Status.BAD_PAR),
  );
  check(
    "hst-mad-uc-and-ignored-bits",
    isStatus(fromNova(LOW_PAGE, 0, VA6, MEM_RW, 0xfffc_0003), OK) &&
      isValue(word(VA6).loadVolatile(), saved) &&
      isStatus(ctrlPd(ROOT_HST, ROOT_HST, VA6, 0, VA6, 0, 7), OK),
  );
  check(
    "hst-bad_par-misaligned",
    isStatus(fromNova(1, 1, VA1, MEM_RW, 0), Status.BAD_PAR) &&
      isStatus(hst(VA1, 1, VA1 + 1, MEM_RW), Status.BAD_PAR),
  );
  check(
    "hst-bad_par-range-end",
    isStatus(fromNova(HST_END, 0, VA1, MEM_RW, 0), Status.BAD_PAR) &&
      isStatus(hst(VA1, 0, HST_END, MEM_RW), Status.BAD_PAR) &&
      isStatus(hst(HST_END, 31, 0, MEM_RW), Status.BAD_PAR),
  );
  check(
    "hst-bad_cap-pairs",
    isStatus(pd(NOVA_HST, ROOT_OBJ, LOW_PAGE, 0, VA1, MEM_RW), Status.BAD_CAP) &&
      isStatus(pd(ROOT_OBJ, ROOT_HST, 0x1000, 0, VA1, MEM_RW), Status.BAD_CAP) &&
      isStatus(pd(ROOT_HST, NOVA_HST, VA1, 0, VA1, MEM_RW), Status.BAD_CAP),
  );
  // 2^20 pages from the NOVA host space and back (protected pages stay CAP0).
  const t0 = rdtsc();
  const big = fromNova(0, BIG_ORDER, BIG_BASE, MEM_RW, 0);
  const t1 = rdtsc();
  const gone = hst(BIG_BASE, BIG_ORDER, BIG_BASE, 0);
  const t2 = rdtsc();
  puts("roottest: order-20 host delegation ");
  putDec(t1 - t0);
  puts(" TSC ticks, its revocation ");
  putDec(t2 - t1);
  puts("\n");
  check("hst-order-20-and-revoke", isStatus(big, OK) && isStatus(gone, OK));

  // create_pd: OP 2 (one host space per PD), the first PIO space needs it; GST/DMA BAD_FTR.
  expectStatus(
    "create_pd-op2-root-aborted",
    createPd(HST_SELS, 2, ROOT_OBJ_ROOT_PD),
    Status.ABORTED,
  );
  check(
    "create_pd-op2-hst-space",
    isStatus(createPd(PD_A, 0, ROOT_OBJ_ROOT_PD), OK) &&
      isStatus(createPd(HST_A, 2, PD_A), OK) &&
      isStatus(createPd(HST_SELS + 0x12, 2, PD_A), Status.ABORTED) &&
      isStatus(createPd(HST_SELS + 0x12, 5, PD_A), OK),
  );
  expectStatus(
    "create_pd-op4-bad_ftr",
    createPd(HST_SELS + 0x13, 4, PD_A),
    hasIommu() ? Status.SUCCESS : Status.BAD_FTR,
  );
  // Guest spaces (create_pd OP 3, §1.2, §4.8): many per PD; host pages to guest-physical pages
  // (48 bits: 2^36 of them, beyond a host space's 2^35) with the source's rights AND pmm; only
  // ever a destination (no TAKE); revoked with the host page they came from.
  check(
    "gst-create-and-delegate",
    isStatus(createPd(GST_A, 3, PD_A), OK) &&
      isStatus(createPd(GST_A + 1, 3, PD_A), OK) &&
      isStatus(fromNova(LOW_PAGE, 0, VA1, MEM_RW, 0), OK) &&
      isStatus(pd(ROOT_HST, GST_A, VA1, 0, 0x100, PERM_MASK), OK) &&
      isStatus(pd(ROOT_HST, GST_A, VA1, 0, GST_END - 1, Perm_mem.R), OK) &&
      isStatus(pd(ROOT_HST, GST_A + 1, VA1, 0, HST_END, MEM_RW), OK),
  );
  check(
    "gst-bad_par-bad_cap",
    isStatus(pd(ROOT_HST, GST_A, VA1, 0, GST_END, MEM_RW), Status.BAD_PAR) &&
      isStatus(pd(ROOT_HST, GST_A, HST_END, 0, 0x200, MEM_RW), Status.BAD_PAR) &&
      isStatus(pd(GST_A, ROOT_HST, 0x100, 0, VA2, MEM_RW), Status.BAD_CAP) &&
      isStatus(pd(GST_A, GST_A + 1, 0x100, 0, 0x100, MEM_RW), Status.BAD_CAP) &&
      isStatus(pd(ROOT_OBJ, GST_A, 0x1000, 0, 0x100, MEM_RW), Status.BAD_CAP),
  );
  check(
    "gst-revoke",
    isStatus(pd(ROOT_HST, GST_A, 0x7, 0, 0x100, 0), OK) && isStatus(hst(VA1, 0, VA1, 0), OK),
  );
  // Recursive revocation over three host spaces: root → PD A → PD B → root.
  check(
    "hst-chain-three-spaces",
    isStatus(createPd(PD_B, 0, ROOT_OBJ_ROOT_PD), OK) &&
      isStatus(createPd(HST_B, 2, PD_B), OK) &&
      isStatus(fromNova(LOW_PAGE, 0, VA1, MEM_RW, 0), OK) &&
      isStatus(pd(ROOT_HST, HST_A, VA1, 0, 0x100, MEM_RW), OK) &&
      isStatus(pd(HST_A, HST_B, 0x100, 0, 0x200, MEM_RW), OK) &&
      isStatus(pd(HST_B, ROOT_HST, 0x200, 0, VA2, Perm_mem.R), OK) &&
      isValue(word(VA2).loadVolatile(), saved),
  );
  expectStatus("hst-chain-revoke", hst(VA1, 0, VA1, 0), OK);

  // MSR spaces: created empty, filled from the NOVA MSR space (§9.8), ssb = dsb, inside a window.
  expectStatus("create_pd-op6-msr-space", createPd(MSR_A, 6, ROOT_OBJ_ROOT_PD), OK);
  check(
    "msr-delegate-from-nova",
    isStatus(pd(NOVA_MSR, MSR_A, 0x174, 0, 0x174, PERM_MASK), OK) &&
      isStatus(pd(NOVA_MSR, MSR_A, 0xc000_0000, 13, 0xc000_0000, PERM_MASK), OK),
  );
  expectStatus(
    "msr-bad_par-ssb-ne-dsb",
    pd(NOVA_MSR, MSR_A, 0x174, 0, 0x175, PERM_MASK),
    Status.BAD_PAR,
  );
  check(
    "msr-bad_par-outside-windows",
    isStatus(pd(NOVA_MSR, MSR_A, 0x2000, 0, 0x2000, PERM_MASK), Status.BAD_PAR) &&
      isStatus(pd(NOVA_MSR, MSR_A, 0xc000_2000, 0, 0xc000_2000, PERM_MASK), Status.BAD_PAR) &&
      isStatus(pd(NOVA_MSR, MSR_A, 0, 14, 0, PERM_MASK), Status.BAD_PAR) &&
      isStatus(pd(NOVA_MSR, MSR_A, 0x1000_0000, 0, 0x1000_0000, PERM_MASK), Status.BAD_PAR),
  );
  expectStatus(
    "msr-bad_par-misaligned",
    pd(NOVA_MSR, MSR_A, 0x174, 3, 0x174, PERM_MASK),
    Status.BAD_PAR,
  );
  check(
    "msr-chain-and-revoke",
    isStatus(createPd(MSR_B, 6, ROOT_OBJ_ROOT_PD), OK) &&
      isStatus(pd(MSR_A, MSR_B, 0x174, 2, 0x174, PERM_MASK), OK) &&
      isStatus(pd(MSR_A, MSR_A, 0x174, 0, 0x174, 0), OK),
  );
  check(
    "msr-bad_cap-pairs",
    isStatus(pd(NOVA_MSR, ROOT_PIO, 0x174, 0, 0x174, PERM_MASK), Status.BAD_CAP) &&
      isStatus(pd(NOVA_PIO, MSR_A, 0x80, 0, 0x80, PERM_MASK), Status.BAD_CAP) &&
      isStatus(pd(MSR_A, NOVA_MSR, 0x174, 0, 0x174, PERM_MASK), Status.BAD_CAP),
  );
  // The PDs and spaces go with their capabilities (the kernel's final counts stay as before);
  // KEEP1 and KEEP2 stay in the root host space for the kernel's check.
  revoke(HST_SELS, RANGE_ORDER);
}
