// create_sm (nova-abi.md §4.7) and ctrl_sm (§4.12): counters, Z, OVRFLOW,
// timeouts, permissions and revocation.

import { PERM_MASK, Perm_pd, Perm_sm } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { ROOT_OBJ_ROOT_PD, SELNUM } from "../../abi/selectors.ts";
import { hip } from "../nova/hip.ts";
import { REG_RDI, after, createPd, createSm, smDown, smUp } from "../nova/hypercall.ts";
import { EMPTY, RANGE_ORDER, ROOT_OBJ, ROOT_PIO, SM_MORE, copy, pd, revoke } from "./sel.ts";
import { atLeast, block, check, expectStatus, isNot, isStatus, isValue } from "./test.ts";

/** A timeout already passed: a down on an empty semaphore returns TIMEOUT at once. */
export const PAST: u64 = 1;

/** `n` downs that succeed, then one that times out (the counter was exactly n). */
export function drains(sm: u64, n: u64): bool {
  for (let i: u64 = 0; i < n; i++)
    if (!isStatus(smDown(sm, false, 0), Status.SUCCESS)) return false;
  return isStatus(smDown(sm, false, PAST), Status.TIMEOUT);
}

export function run(): void {
  block(200);
  // create_sm (§4.7): the root PD's capability with SM, a CAP0 slot; new capabilities get 0x03.
  expectStatus("create_sm-success", createSm(0x3000, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS);
  check(
    "create_sm-bad_cap-sel-occupied",
    isStatus(createSm(0x3000, ROOT_OBJ_ROOT_PD, 7), Status.BAD_CAP) &&
      isStatus(smUp(0x3000), Status.SUCCESS) &&
      drains(0x3000, 1),
  );
  check(
    "create_sm-bad_cap-sel-is-space",
    isStatus(createSm(ROOT_OBJ, ROOT_OBJ_ROOT_PD, 0), Status.BAD_CAP) &&
      isStatus(copy(ROOT_OBJ, 0x3001, PERM_MASK), Status.SUCCESS),
  );
  expectStatus(
    "create_sm-bad_cap-sel-out-of-range",
    createSm(SELNUM, ROOT_OBJ_ROOT_PD, 0),
    Status.BAD_CAP,
  );
  check(
    "create_sm-bad_cap-pd-not-pd",
    isStatus(createSm(0x3002, ROOT_OBJ, 0), Status.BAD_CAP) &&
      isStatus(smUp(0x3002), Status.BAD_CAP),
  );
  expectStatus("create_sm-bad_cap-pd-cap0", createSm(0x3002, EMPTY, 0), Status.BAD_CAP);
  check(
    "create_sm-bad_cap-pd-without-sm",
    isStatus(copy(ROOT_OBJ_ROOT_PD, 0x3003, PERM_MASK & ~Perm_pd.SM), Status.SUCCESS) &&
      isStatus(createSm(0x3002, 0x3003, 0), Status.BAD_CAP) &&
      isStatus(copy(ROOT_OBJ_ROOT_PD, 0x3004, Perm_pd.SM), Status.SUCCESS) &&
      isStatus(createSm(0x3002, 0x3004, 0), Status.SUCCESS),
  );

  // ctrl_sm (§4.12): counts, Z, OVRFLOW, timeouts, permissions, revocation.
  check(
    "ctrl_sm-up-3-down-3",
    isStatus(createSm(0x3010, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      isStatus(smUp(0x3010), Status.SUCCESS) &&
      isStatus(smUp(0x3010), Status.SUCCESS) &&
      isStatus(smUp(0x3010), Status.SUCCESS) &&
      drains(0x3010, 3),
  );
  check(
    "ctrl_sm-initial-counter",
    isStatus(createSm(0x3011, ROOT_OBJ_ROOT_PD, 2), Status.SUCCESS) && drains(0x3011, 2),
  );
  check(
    "ctrl_sm-down-zero",
    isStatus(createSm(0x3012, ROOT_OBJ_ROOT_PD, 5), Status.SUCCESS) &&
      isStatus(smDown(0x3012, true, 0), Status.SUCCESS) &&
      isStatus(smDown(0x3012, false, PAST), Status.TIMEOUT) &&
      isStatus(smUp(0x3012), Status.SUCCESS) &&
      drains(0x3012, 1),
  );
  check(
    "ctrl_sm-overflow",
    isStatus(createSm(0x3013, ROOT_OBJ_ROOT_PD, u64.MAX), Status.SUCCESS) &&
      isStatus(smUp(0x3013), Status.OVRFLOW) &&
      isStatus(smDown(0x3013, false, 0), Status.SUCCESS) &&
      isStatus(smUp(0x3013), Status.SUCCESS) &&
      isStatus(smUp(0x3013), Status.OVRFLOW),
  );
  check("ctrl_sm-up-ignores-z", isStatus(smUp(0x3012), Status.SUCCESS) && drains(0x3012, 1));
  const freq = hip().stcFrequency;
  const ms = freq / 1000;
  const t0 = rdtsc();
  const st = smDown(0x3010, false, t0 + ms);
  const waited = rdtsc() - t0;
  check(
    "ctrl_sm-timeout-1ms",
    isNot(freq, 0) && isStatus(st, Status.TIMEOUT) && atLeast(waited, ms),
  );
  check(
    "ctrl_sm-status-whole-rdi",
    isStatus(smDown(0x3010, false, PAST), Status.TIMEOUT) &&
      isValue(after(REG_RDI), 1) &&
      isStatus(smUp(0x3010), Status.SUCCESS) &&
      isValue(after(REG_RDI), 0),
  );
  check(
    "ctrl_sm-bad_cap-up-without-ctrlup",
    isStatus(copy(0x3010, 0x3020, Perm_sm.CTRL_DN), Status.SUCCESS) &&
      isStatus(smUp(0x3020), Status.BAD_CAP) &&
      drains(0x3020, 1),
  );
  check(
    "ctrl_sm-bad_cap-down-without-ctrldn",
    isStatus(copy(0x3010, 0x3021, Perm_sm.CTRL_UP), Status.SUCCESS) &&
      isStatus(smDown(0x3021, false, PAST), Status.BAD_CAP) &&
      isStatus(smUp(0x3021), Status.SUCCESS) &&
      drains(0x3020, 1),
  );
  check(
    "ctrl_sm-bad_cap-not-sm",
    isStatus(smUp(ROOT_OBJ), Status.BAD_CAP) &&
      isStatus(smDown(ROOT_OBJ_ROOT_PD, false, PAST), Status.BAD_CAP) &&
      isStatus(smUp(ROOT_PIO), Status.BAD_CAP) &&
      isStatus(smUp(EMPTY), Status.BAD_CAP),
  );
  check(
    "ctrl_sm-revoked-pmm0",
    isStatus(pd(ROOT_OBJ, ROOT_OBJ, 0x3010, 0, 0x3010, 0), Status.SUCCESS) &&
      isStatus(smUp(0x3010), Status.BAD_CAP) &&
      isStatus(smDown(0x3020, false, PAST), Status.BAD_CAP) &&
      isStatus(smUp(0x3021), Status.BAD_CAP),
  );
  check(
    "create_sm-after-revoke",
    isStatus(createSm(0x3010, ROOT_OBJ_ROOT_PD, 1), Status.SUCCESS) && drains(0x3010, 1),
  );
  more();
}

/** Cases added after the first 68: selectors SM_MORE…+0xff, revoked at the end. */
function more(): void {
  const s = SM_MORE;
  expectStatus(
    "create_sm-bad_cap-sel-all-ones",
    createSm((u64(1) << 56) - 1, ROOT_OBJ_ROOT_PD, 0),
    Status.BAD_CAP,
  );
  expectStatus("create_sm-bad_cap-pd-sel-selnum", createSm(s, SELNUM, 0), Status.BAD_CAP);
  expectStatus("create_sm-bad_cap-pd-is-pio-space", createSm(s, ROOT_PIO, 0), Status.BAD_CAP);
  check(
    "create_sm-bad_cap-pd-is-sm",
    isStatus(createSm(s, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      isStatus(createSm(s + 1, s, 0), Status.BAD_CAP),
  );
  check(
    "create_sm-pd-with-sm-only",
    isStatus(copy(ROOT_OBJ_ROOT_PD, s + 2, Perm_pd.SM), Status.SUCCESS) &&
      isStatus(createSm(s + 3, s + 2, 1), Status.SUCCESS) &&
      drains(s + 3, 1),
  );
  check(
    "create_sm-via-created-pd",
    isStatus(createPd(s + 4, 0, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
      isStatus(createSm(s + 5, s + 4, 2), Status.SUCCESS) &&
      drains(s + 5, 2),
  );
  expectStatus("ctrl_sm-bad_cap-up-sel-selnum", smUp(SELNUM), Status.BAD_CAP);
  expectStatus("ctrl_sm-bad_cap-down-sel-selnum", smDown(SELNUM, false, PAST), Status.BAD_CAP);
  expectStatus("ctrl_sm-bad_cap-down-cap0", smDown(EMPTY, true, PAST), Status.BAD_CAP);
  check(
    "ctrl_sm-copy-pmm-without-sm-bits-is-cap0",
    isStatus(copy(s, s + 6, 0x1c), Status.SUCCESS) &&
      isStatus(smUp(s + 6), Status.BAD_CAP) &&
      isStatus(smDown(s + 6, false, PAST), Status.BAD_CAP),
  );
  check(
    "ctrl_sm-copy-shares-counter",
    isStatus(copy(s, s + 7, Perm_sm.CTRL_UP), Status.SUCCESS) &&
      isStatus(copy(s, s + 8, Perm_sm.CTRL_DN), Status.SUCCESS) &&
      isStatus(smUp(s + 7), Status.SUCCESS) &&
      isStatus(smUp(s + 7), Status.SUCCESS) &&
      drains(s + 8, 2),
  );
  check(
    "ctrl_sm-revoke-copy-keeps-original",
    isStatus(revoke(s + 7, 0), Status.SUCCESS) &&
      isStatus(smUp(s + 7), Status.BAD_CAP) &&
      isStatus(smUp(s), Status.SUCCESS) &&
      drains(s, 1),
  );
  check(
    "ctrl_sm-down-zero-empty-times-out",
    isStatus(smDown(s, true, PAST), Status.TIMEOUT) &&
      isStatus(smUp(s), Status.SUCCESS) &&
      isStatus(smDown(s, true, PAST), Status.SUCCESS) &&
      drains(s, 0),
  );
  check(
    "ctrl_sm-timeout-past-with-count",
    isStatus(smUp(s), Status.SUCCESS) && isStatus(smDown(s, false, PAST), Status.SUCCESS),
  );
  expectStatus(
    "ctrl_sm-copy-to-pio-space-bad_cap",
    pd(ROOT_OBJ, ROOT_PIO, s, 0, s, PERM_MASK),
    Status.BAD_CAP,
  );
  check(
    "ctrl_sm-revoke-range",
    isStatus(revoke(s, RANGE_ORDER), Status.SUCCESS) &&
      isStatus(smUp(s), Status.BAD_CAP) &&
      isStatus(smUp(s + 5), Status.BAD_CAP),
  );
}
