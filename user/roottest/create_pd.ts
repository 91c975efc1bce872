// create_pd (nova-abi.md §4.3): OP 0 a PD with the PD capability's
// permissions, OP 1 an OBJ space (one per PD), OP 5 a PIO space (the first
// needs a host space); DMA spaces BAD_FTR without an IOMMU; the checks' order (OP 2 and
// OP 6: hst.ts).

import { PERM_MASK, Perm_obj_sp, Perm_pd } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { NOVA_OBJ_ROOT_PD, ROOT_OBJ_ROOT_PD, SELNUM } from "../../abi/selectors.ts";
import { hasIommu } from "../nova/hip.ts";
import { createPd, createSm } from "../nova/hypercall.ts";
import {
  CREATE_PD_MORE,
  EMPTY,
  NOVA_OBJ,
  NOVA_PIO,
  RANGE_ORDER,
  ROOT_OBJ,
  ROOT_PIO,
  copy,
  pd,
  revoke,
} from "./sel.ts";
import { block, check, expectStatus, isStatus } from "./test.ts";

export function run(): void {
  block(300);
  expectStatus("create_pd-op0-success", createPd(0x3100, 0, ROOT_OBJ_ROOT_PD), Status.SUCCESS);
  check(
    "create_pd-op0-same-perms",
    isStatus(copy(ROOT_OBJ_ROOT_PD, 0x3101, 0x11), Status.SUCCESS) &&
      isStatus(createPd(0x3102, 0, 0x3101), Status.SUCCESS) &&
      isStatus(createSm(0x3103, 0x3102, 0), Status.SUCCESS) &&
      isStatus(createPd(0x3104, 0, 0x3102), Status.SUCCESS) &&
      isStatus(copy(ROOT_OBJ_ROOT_PD, 0x3105, 0x01), Status.SUCCESS) &&
      isStatus(createPd(0x3106, 0, 0x3105), Status.SUCCESS) &&
      isStatus(createSm(0x3107, 0x3106, 0), Status.BAD_CAP) &&
      isStatus(createPd(0x3107, 0, 0x3106), Status.SUCCESS),
  );
  // The new OBJ space's capability (0x03) is a destination (Perm_obj_sp.GRANT) and a source (Perm_obj_sp.TAKE).
  check(
    "create_pd-op1-obj-space",
    isStatus(createPd(0x3110, 1, 0x3100), Status.SUCCESS) &&
      isStatus(pd(ROOT_OBJ, 0x3110, 0x1000, 0, 0x10, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(0x3110, ROOT_OBJ, 0x10, 0, 0x3111, PERM_MASK), Status.SUCCESS),
  );
  expectStatus("create_pd-op1-second-aborted", createPd(0x3112, 1, 0x3100), Status.ABORTED);
  expectStatus("create_pd-op1-root-aborted", createPd(0x3112, 1, ROOT_OBJ_ROOT_PD), Status.ABORTED);
  check(
    "create_pd-op5-pio-space",
    isStatus(createPd(0x3120, 5, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
      isStatus(pd(NOVA_PIO, 0x3120, 0x80, 0, 0x80, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(0x3120, ROOT_PIO, 0x80, 0, 0x80, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(0x3120, ROOT_PIO, 0x80, 0, 0x80, 0), Status.SUCCESS),
  );
  expectStatus("create_pd-op5-without-hst-aborted", createPd(0x3121, 5, 0x3100), Status.ABORTED);
  // A DMA space only with an IOMMU (the HIP says); made once, it goes again.
  expectStatus(
    "create_pd-bad_ftr-dma",
    createPd(0x3122, 4, ROOT_OBJ_ROOT_PD),
    hasIommu() ? Status.SUCCESS : Status.BAD_FTR,
  );
  if (hasIommu()) revoke(0x3122, 0);
  check(
    "create_pd-bad_par-op7-op15",
    isStatus(createPd(0x3122, 7, ROOT_OBJ_ROOT_PD), Status.BAD_PAR) &&
      isStatus(createPd(0x3122, 15, ROOT_OBJ_ROOT_PD), Status.BAD_PAR),
  );
  expectStatus("create_pd-bad_cap-before-bad_par", createPd(0x3122, 7, EMPTY), Status.BAD_CAP);
  expectStatus(
    "create_pd-bad_cap-sel-occupied",
    createPd(0x3100, 0, ROOT_OBJ_ROOT_PD),
    Status.BAD_CAP,
  );
  check(
    "create_pd-bad_cap-sel-occupied-space",
    isStatus(createPd(0x3100, 1, 0x3106), Status.BAD_CAP) &&
      isStatus(createPd(0x3123, 1, 0x3106), Status.SUCCESS),
  );
  expectStatus("create_pd-bad_cap-pd-not-pd", createPd(0x3122, 0, ROOT_OBJ), Status.BAD_CAP);
  check(
    "create_pd-bad_cap-pd-without-pd",
    isStatus(copy(ROOT_OBJ_ROOT_PD, 0x3124, 0x1e), Status.SUCCESS) &&
      isStatus(createPd(0x3122, 0, 0x3124), Status.BAD_CAP),
  );
  check(
    "create_pd-revoked",
    isStatus(pd(ROOT_OBJ, ROOT_OBJ, EMPTY, 0, 0x3100, PERM_MASK), Status.SUCCESS) &&
      isStatus(createPd(0x3122, 0, 0x3100), Status.BAD_CAP) &&
      isStatus(pd(ROOT_OBJ, 0x3110, 0x1000, 0, 0x11, PERM_MASK), Status.SUCCESS),
  );
  more();
}

/**
 * A PD created from a copy of the root PD's capability with `perms`: what its own capability
 * allows (a create_* it does not allow is BAD_CAP).
 */
function op0Keeps(s: u64, perms: u64, pdOk: bool, smOk: bool): bool {
  return (
    isStatus(copy(ROOT_OBJ_ROOT_PD, s, perms), Status.SUCCESS) &&
    isStatus(createPd(s + 1, 0, s), Status.SUCCESS) &&
    isStatus(createPd(s + 2, 0, s + 1), pdOk ? Status.SUCCESS : Status.BAD_CAP) &&
    isStatus(createSm(s + 3, s + 1, 0), smOk ? Status.SUCCESS : Status.BAD_CAP)
  );
}

/** Cases added after the first 68: selectors CREATE_PD_MORE…+0xff, revoked at the end. */
function more(): void {
  const s = CREATE_PD_MORE;
  check("create_pd-op0-perms-all", op0Keeps(s, PERM_MASK, true, true));
  check("create_pd-op0-perms-without-sm", op0Keeps(s + 0x10, PERM_MASK & ~Perm_pd.SM, true, false));
  check("create_pd-op0-perms-pd-sm", op0Keeps(s + 0x20, Perm_pd.PD | Perm_pd.SM, true, true));
  check(
    "create_pd-op0-copy-reduces",
    isStatus(copy(s + 0x1, s + 0x14, Perm_pd.SM), Status.SUCCESS) &&
      isStatus(createPd(s + 0x15, 0, s + 0x14), Status.BAD_CAP) &&
      isStatus(createSm(s + 0x15, s + 0x14, 0), Status.SUCCESS),
  );
  expectStatus(
    "create_pd-bad_cap-sel-selnum",
    createPd(SELNUM, 0, ROOT_OBJ_ROOT_PD),
    Status.BAD_CAP,
  );
  expectStatus(
    "create_pd-bad_cap-sel-all-ones",
    createPd((u64(1) << 56) - 1, 0, ROOT_OBJ_ROOT_PD),
    Status.BAD_CAP,
  );
  expectStatus("create_pd-bad_cap-pd-sel-selnum", createPd(s + 0x30, 0, SELNUM), Status.BAD_CAP);
  expectStatus("create_pd-bad_cap-pd-cap0", createPd(s + 0x30, 0, EMPTY), Status.BAD_CAP);
  expectStatus(
    "create_pd-bad_cap-pd-is-pio-space",
    createPd(s + 0x30, 5, ROOT_PIO),
    Status.BAD_CAP,
  );
  check(
    "create_pd-bad_cap-op1-pd-without-pd",
    isStatus(copy(ROOT_OBJ_ROOT_PD, s + 0x31, Perm_pd.SM), Status.SUCCESS) &&
      isStatus(createPd(s + 0x30, 1, s + 0x31), Status.BAD_CAP),
  );
  expectStatus(
    "create_pd-bad_cap-before-bad_par-perm",
    createPd(s + 0x30, 7, s + 0x31),
    Status.BAD_CAP,
  );
  expectStatus("create_pd-bad_cap-before-bad_ftr", createPd(s + 0x30, 2, s + 0x31), Status.BAD_CAP);
  check(
    "create_pd-op1-space-range",
    isStatus(createPd(s + 0x32, 0, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
      isStatus(createPd(s + 0x33, 1, s + 0x32), Status.SUCCESS) &&
      isStatus(pd(ROOT_OBJ, s + 0x33, ROOT_OBJ, 0, SELNUM - 1, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(ROOT_OBJ, s + 0x33, ROOT_OBJ, 0, SELNUM, PERM_MASK), Status.BAD_PAR) &&
      isStatus(pd(s + 0x33, ROOT_OBJ, SELNUM - 1, 0, s + 0x34, PERM_MASK), Status.SUCCESS),
  );
  check(
    "create_pd-op1-space-grant-only-not-src",
    isStatus(copy(s + 0x33, s + 0x35, Perm_obj_sp.GRANT), Status.SUCCESS) &&
      isStatus(pd(s + 0x35, ROOT_OBJ, SELNUM - 1, 0, s + 0x36, PERM_MASK), Status.BAD_CAP) &&
      isStatus(pd(ROOT_OBJ, s + 0x35, ROOT_OBJ, 0, 0, PERM_MASK), Status.SUCCESS),
  );
  check(
    "create_pd-op5-extra-pio-port-0xffff",
    isStatus(createPd(s + 0x40, 5, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
      isStatus(pd(NOVA_PIO, s + 0x40, 0xffff, 0, 0xffff, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(s + 0x40, ROOT_PIO, 0xffff, 0, 0xffff, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(NOVA_PIO, ROOT_PIO, 0xffff, 0, 0xffff, 0), Status.SUCCESS),
  );
  expectStatus(
    "create_pd-bad_par-op8-with-pd",
    createPd(s + 0x41, 8, ROOT_OBJ_ROOT_PD),
    Status.BAD_PAR,
  );
  // §12.6: NOVA's source also puts the root PD, with every permission, at SELNUM-9 of the NOVA
  // object space; a copy of it creates objects like ROOT_OBJ_ROOT_PD.
  check(
    "nova-object-space-root-pd",
    isStatus(pd(NOVA_OBJ, ROOT_OBJ, NOVA_OBJ_ROOT_PD, 0, s + 0x50, PERM_MASK), Status.SUCCESS) &&
      isStatus(createSm(s + 0x51, s + 0x50, 0), Status.SUCCESS) &&
      isStatus(createPd(s + 0x52, 0, s + 0x50), Status.SUCCESS) &&
      isStatus(createPd(s + 0x53, 0, s + 0x52), Status.SUCCESS),
  );
  check(
    "create_pd-revoke-range",
    isStatus(revoke(s, RANGE_ORDER), Status.SUCCESS) &&
      isStatus(createSm(s + 0x30, s + 0x1, 0), Status.BAD_CAP),
  );
}
