// What ring 3 must not be able to do to the kernel (block 1000): each case is
// a sequence of hypercalls that once stopped it.
//
// Host spaces destroyed in one reap, in either order: PD A with host space X
// and PD B with host space Y, a page of the root's host space delegated into
// X and from X on into Y, then one ctrl_pd revokes the four capabilities.
// Both spaces lose their last reference in the same reap; destroying X
// revokes the page derived into Y while Y, unreferenced but not yet
// destroyed, takes the change for a TLB shootdown. The kernel once asserted
// when it then destroyed Y ("a destroyed host space on the shootdown list").
// Selectors HARDEN_SELS…+0xff, revoked at the end; the page is the root's
// host-space page VA, revoked at the end too.

import { Status } from "../../abi/status.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { createPd, ctrlPd } from "../nova/hypercall.ts";
import { LOW_PAGE, MEM_RW } from "./hst.ts";
import { HARDEN_SELS, NOVA_HST, RANGE_ORDER, ROOT_HST, pd, revoke } from "./sel.ts";
import { block, check, expectStatus, isStatus, isValue } from "./test.ts";

/** The page in the root host space (hst.ts's pages are 0x40000…0x40011). */
const VA: u64 = 0x40020;
/** Where the page goes in X and in Y. */
const IN_X: u64 = 0x100;
const IN_Y: u64 = 0x200;

/** A PD at `sel` with its host space at `sel + 1`. */
function pdWithHst(sel: u64): bool {
  return (
    isStatus(createPd(sel, 0, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
    isStatus(createPd(sel + 1, 2, sel), Status.SUCCESS)
  );
}

/**
 * PD A at `a` (host space X at a + 1), PD B at `b` (Y at b + 1), the root's
 * page into X and on into Y, then the 4 selectors from `range` revoked at once.
 */
function destroyTogether(a: u64, b: u64, range: u64): bool {
  return (
    pdWithHst(a) &&
    pdWithHst(b) &&
    isStatus(pd(ROOT_HST, a + 1, VA, 0, IN_X, MEM_RW), Status.SUCCESS) &&
    isStatus(pd(a + 1, b + 1, IN_X, 0, IN_Y, MEM_RW), Status.SUCCESS) &&
    isStatus(revoke(range, 2), Status.SUCCESS)
  );
}

/** The first word of the root's page VA. */
function word(): u64 {
  return ptrFromVirt<u64>(virt(VA << 12)).loadVolatile();
}

export function run(): void {
  block(1000);
  expectStatus(
    "harden-root-page",
    ctrlPd(NOVA_HST, ROOT_HST, LOW_PAGE, 0, VA, MEM_RW, 0),
    Status.SUCCESS,
  );
  const before = word();
  const s = HARDEN_SELS;
  check("harden-hst-spaces-destroyed-together", destroyTogether(s, s + 2, s));
  // The other order of capabilities: Y's PD and space first, then X's.
  check("harden-hst-spaces-destroyed-together-reversed", destroyTogether(s + 6, s + 4, s + 4));
  check(
    "harden-kernel-lives-root-page-kept",
    isStatus(createPd(s + 8, 0, ROOT_OBJ_ROOT_PD), Status.SUCCESS) && isValue(word(), before),
  );
  expectStatus("harden-revoke-root-page", pd(ROOT_HST, ROOT_HST, VA, 0, VA, 0), Status.SUCCESS);
  expectStatus("harden-revoke-range", revoke(HARDEN_SELS, RANGE_ORDER), Status.SUCCESS);
}
