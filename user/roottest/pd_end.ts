// A PD ends with its last capability (block 1010): what runs in it stops,
// though capabilities to its EC and SC are left. PD X gets object, host and
// PIO spaces; its global EC G runs pd_end.S's loop, which counts in a
// word of the root's memory (both pages delegated into X), on an SC of
// priority 1, so it runs whenever the root sleeps. The root revokes only the
// PD's capability: G must stop counting, and be dead (create_sc ABORTED),
// while X's object space, which has capabilities of its own, is still a
// space delegations go into (spaces outlive their PD). G's STARTUP portal
// is the root's, delegated into X's object space at G's event base.
// Selectors PD_END_SELS…+0xff, revoked at the end.

import { MTD_RIP } from "../../abi/mtd.ts";
import { EC_T, PdOp } from "../../abi/hypercall.ts";
import { HST_STARTUP } from "../../abi/events.ts";
import { PERM_MASK, Perm_mem } from "../../abi/perms.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { Status } from "../../abi/status.ts";
import { scd } from "../../abi/scd.ts";
import { createEc, createPd, createPt, createSc, createSm, smDown } from "../nova/hypercall.ts";
import { arch } from "../nova/utcb.ts";
import { msFromNow } from "./ecs.ts";
import { MEM_RW } from "./hst.ts";
import { PD_END_SELS, RANGE_ORDER, ROOT_HST, ROOT_OBJ, pd, revoke } from "./sel.ts";
import { block, check, expectStatus, isStatus, isValue } from "./test.ts";

const X: u64 = PD_END_SELS;
const X_OBJ: u64 = PD_END_SELS + 1;
const X_HST: u64 = PD_END_SELS + 2;
/** The root's local EC that answers G's STARTUP, and its portal. */
const H: u64 = PD_END_SELS + 3;
const H_PT: u64 = PD_END_SELS + 4;
const G: u64 = PD_END_SELS + 5;
const G_SC: u64 = PD_END_SELS + 6;
const SLEEP: u64 = PD_END_SELS + 7;
const SCRATCH: u64 = PD_END_SELS + 8;
const X_PIO: u64 = PD_END_SELS + 9;
/** G's event base in X's object space. */
const G_EVT: u64 = 0x100;
/** H's UTCB in the root PD, G's in X. */
const H_UTCB: u64 = 0x7fc0_0000_0000;
const G_UTCB: u64 = 0x7fc0_0000_1000;

/** H's portal code (pd_end.S): G starts in the loop. */
export function startup(_pid: u64, _mtd: u64, _rsp: u64): u64 {
  arch(H_UTCB).rip = u64(linkerSymbol("pd_end_loop"));
  return u64(MTD_RIP);
}

function counter(): u64 {
  return ptrFromVirt<u64>(linkerSymbol("pd_end_counter")).loadVolatile();
}

function sleep(ms: u64): void {
  smDown(SLEEP, false, msFromNow(ms));
}

/** The root's page at `va` into X's host space at the same address. */
function share(va: Virt, perms: u64): bool {
  const page = u64(va) >> 12;
  return isStatus(pd(ROOT_HST, X_HST, page, 0, page, perms), Status.SUCCESS);
}

/** X with its spaces, H and its portal at G's STARTUP in X, G and its SC: G counts. */
function build(): bool {
  return (
    isStatus(createPd(X, 0, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
    isStatus(createPd(X_OBJ, PdOp.OBJ, X), Status.SUCCESS) &&
    isStatus(createPd(X_HST, PdOp.HST, X), Status.SUCCESS) &&
    isStatus(createPd(X_PIO, PdOp.PIO, X), Status.SUCCESS) &&
    share(linkerSymbol("pd_end_loop"), Perm_mem.R | Perm_mem.XU) &&
    share(linkerSymbol("pd_end_counter"), MEM_RW) &&
    isStatus(
      createEc(H, 0, ROOT_OBJ_ROOT_PD, H_UTCB, 0, u64(linkerSymbol("pd_end_stack")) + 0x1000, 0),
      Status.SUCCESS,
    ) &&
    isStatus(
      createPt(H_PT, ROOT_OBJ_ROOT_PD, H, u64(linkerSymbol("pd_end_startup_entry"))),
      Status.SUCCESS,
    ) &&
    isStatus(pd(ROOT_OBJ, X_OBJ, H_PT, 0, G_EVT + u64(HST_STARTUP), PERM_MASK), Status.SUCCESS) &&
    isStatus(createEc(G, EC_T, X, G_UTCB, 0, 0, G_EVT), Status.SUCCESS) &&
    isStatus(createSm(SLEEP, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
    isStatus(createSc(G_SC, ROOT_OBJ_ROOT_PD, G, scd(1, 1, 0)), Status.SUCCESS)
  );
}

export function run(): void {
  block(1010);
  const built = build();
  // G runs while the root sleeps; a loaded host may take a while to give it its first turn.
  for (let ms: u64 = 0; ms < 1000 && counter() === 0; ms++) sleep(1);
  check("pd-end-its-ec-runs", built && counter() !== 0);
  expectStatus("pd-end-revoke-the-pd-only", revoke(X, 0), Status.SUCCESS);
  sleep(5);
  const stopped = counter();
  sleep(20);
  check("pd-end-its-ec-stops", isValue(counter() - stopped, 0));
  expectStatus(
    "pd-end-its-ec-is-dead",
    createSc(SCRATCH, ROOT_OBJ_ROOT_PD, G, scd(1, 1, 0)),
    Status.ABORTED,
  );
  expectStatus(
    "pd-end-its-spaces-outlive-it",
    pd(ROOT_OBJ, X_OBJ, SLEEP, 0, 0x10, PERM_MASK),
    Status.SUCCESS,
  );
  expectStatus("pd-end-revoke-range", revoke(PD_END_SELS, RANGE_ORDER), Status.SUCCESS);
}
