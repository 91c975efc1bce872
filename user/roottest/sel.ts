// The root test task's object-space layout and the capability helpers every
// module uses. After setup (main.ts) the root object space holds copies of the
// NOVA object space's capabilities (NOVA SELNUM-8…SELNUM-1 → 0x1000…0x1007,
// order 3): 0x1000 root PIO space (0x7), 0x1001 root host space (0x3), 0x1002
// root object space (0x3), 0x1003 NOVA MSR space (TAKE), 0x1004 NOVA PIO
// space (TAKE), 0x1005 NOVA host space (TAKE), 0x1006 NOVA object space
// (TAKE), 0x1007 the console semaphore (0x3).
//
// Each module owns a selector range for what it creates (below); the modules
// added after the first 68 cases revoke their range at their end so the
// kernel's final MDB check sees the same counts.

import { PERM_MASK } from "../../abi/perms.ts";
import { ctrlPd } from "../nova/hypercall.ts";

export const ROOT_PIO: u64 = 0x1000;
export const ROOT_HST: u64 = 0x1001;
export const ROOT_OBJ: u64 = 0x1002;
export const NOVA_MSR: u64 = 0x1003;
export const NOVA_PIO: u64 = 0x1004;
export const NOVA_HST: u64 = 0x1005;
export const NOVA_OBJ: u64 = 0x1006;
/** The console semaphore (NOVA SELNUM-1, perms 0x3), copied there by setup's delegation. */
export const CONSOLE_SM: u64 = 0x1007;
/** Always CAP0 in the root object space. */
export const EMPTY: u64 = 0x2000;

/** Selector ranges (256 each) of the cases added later (and interrupt.ts's), revoked at their block's end. */
export const CTRL_PD_MORE: u64 = 0x5000;
export const SM_MORE: u64 = 0x5100;
export const CREATE_PD_MORE: u64 = 0x5200;
export const INT_SELS: u64 = 0x5300;
/** ec.ts: ECs, portals, SCs, event bases (order EC_ORDER). */
export const EC_SELS: u64 = 0x5400;
export const EC_ORDER: u64 = 10;
/** hst.ts: PDs, host and MSR spaces (after EC_SELS' 2^10 selectors). */
export const HST_SELS: u64 = 0x5800;
/** foreign.ts: a second PD, its spaces, EC and portal. */
export const FOREIGN_SELS: u64 = 0x5900;
export const BENCH_SELS: u64 = 0x5f00;
/** smp.ts: per-CPU ECs, portals, SCs, semaphores, event bases (order SMP_ORDER). */
export const SMP_SELS: u64 = 0x6000;
export const SMP_ORDER: u64 = 10;
/** harden.ts: PDs and host spaces destroyed together. */
export const HARDEN_SELS: u64 = 0x6400;
/** roottest-iommu: DMA spaces. */
export const IOMMU_SELS: u64 = 0x6500;
/** pd_end.ts: a PD whose EC runs when the PD's capability goes. */
export const PD_END_SELS: u64 = 0x6600;
/** Order of those ranges. */
export const RANGE_ORDER: u64 = 8;

/** ctrl_pd without MAD (nothing here delegates memory). */
export function pd(src: u64, dst: u64, ssb: u64, ord: u64, dsb: u64, pmm: u64): u32 {
  return ctrlPd(src, dst, ssb, ord, dsb, pmm, 0);
}

/** A copy of one capability within the root object space, perms ANDed with `pmm`. */
export function copy(from: u64, to: u64, pmm: u64): u32 {
  return pd(ROOT_OBJ, ROOT_OBJ, from, 0, to, pmm);
}

/** Revokes 2^ord selectors from `base` of the root object space (the CAP0 range at EMPTY over them). */
export function revoke(base: u64, ord: u64): u32 {
  return pd(ROOT_OBJ, ROOT_OBJ, EMPTY, ord, base, PERM_MASK);
}
