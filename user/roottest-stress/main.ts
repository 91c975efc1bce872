// The stress root task (test/boot/stress.test.ts): creates
// and destroys at least 10,000 objects of every kind the kernel has (vCPUs
// and guest spaces too: the test boots a CPU with SVM) and delegates and
// revokes at least 10,000 ranges of capabilities and 10,000 of guest
// memory, then checks through the
// kernel statistics page (`kstat`, user/nova/kstat.ts) that the kernel's
// memory is back where it started: free pages, live objects, allocations,
// bytes and mapping-database nodes.
//
// Objects are made 256 at a time into one selector range and destroyed by
// revoking the range (one ctrl_pd of order 8): every destruction goes through
// the mapping database and the reference counts. One warm-up round comes
// first, so page-table pages for the UTCB addresses (kept by the root PD's
// page tables once made, by design) and slab pages are in place before the
// baseline is taken.

import { KSTAT_SIGNATURE } from "../../abi/kstat_page.ts";
import { PERM_MASK, Perm_mem } from "../../abi/perms.ts";
import { EC_G, PdOp } from "../../abi/hypercall.ts";
import { Status } from "../../abi/status.ts";
import { scd } from "../../abi/scd.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { putDec, puts } from "../nova/console.ts";
import { createEc, createPd, createPt, createSc, createSm, ctrlPd } from "../nova/hypercall.ts";
import {
  KSTAT_ALL,
  KSTAT_LIVE_BYTES,
  KSTAT_LIVE_OBJECTS,
  KSTAT_MDB_NODES,
  KstatSnapshot,
  compare,
  kstat,
  take,
} from "../nova/kstat.ts";
import * as setup from "../roottest/setup.ts";
import { ROOT_HST, ROOT_OBJ, pd, revoke } from "../roottest/sel.ts";
import {
  above,
  atLeast,
  block,
  check,
  expect,
  expectStatus,
  isNot,
  isStatus,
  summary,
} from "../roottest/test.ts";

/** Selector ranges: objects, their helpers (PDs for spaces, ECs for SCs/PTs), delegation copies. */
const OBJS: u64 = 0x10000;
const HELPERS: u64 = 0x10100;
const COPIES: u64 = 0x10200;
const BATCH: u64 = 256;
const BATCH_ORDER: u64 = 8;
/** Rounds per kind: 40 × 256 = 10,240 objects. */
const ROUNDS: u64 = 40;
/** UTCBs of the ECs made here (one page each, 2 × 256 pages). */
const UTCB_BASE: u64 = 0x7ff0_0000_0000;

enum StressKind {
  PD = 0,
  OBJ_SPACE,
  PIO_SPACE,
  HST_SPACE,
  MSR_SPACE,
  SM,
  LOCAL_EC,
  GLOBAL_EC,
  PT,
  SC,
  GST_SPACE,
  VCPU,
  COUNT,
}

function kindName(k: u32): str {
  switch (k) {
    case StressKind.PD:
      return "pd";
    case StressKind.OBJ_SPACE:
      return "obj-space";
    case StressKind.PIO_SPACE:
      return "pio-space";
    case StressKind.HST_SPACE:
      return "hst-space";
    case StressKind.MSR_SPACE:
      return "msr-space";
    case StressKind.SM:
      return "sm";
    case StressKind.LOCAL_EC:
      return "local-ec";
    case StressKind.GLOBAL_EC:
      return "global-ec";
    case StressKind.PT:
      return "pt";
    case StressKind.GST_SPACE:
      return "gst-space";
    case StressKind.VCPU:
      return "vcpu";
    default:
      return "sc";
  }
}

function utcb(i: u64): u64 {
  return UTCB_BASE + i * 0x1000;
}

/** Whether each object of kind `k` needs a fresh PD (a PD binds one OBJ/HST space, its first MSR space). */
function needsPd(k: u32): bool {
  return k === StressKind.OBJ_SPACE || k === StressKind.HST_SPACE || k === StressKind.MSR_SPACE;
}

/** Helpers the kind needs in HELPERS[0..256): PDs for spaces, ECs for PTs and SCs. */
function makeHelpers(k: u32): bool {
  for (let i: u64 = 0; i < BATCH; i++) {
    let st: u32 = Status.SUCCESS;
    // PIO spaces go to the root PD: beyond its first, they bind to nothing.
    if (needsPd(k)) st = createPd(HELPERS + i, PdOp.PD, ROOT_OBJ_ROOT_PD);
    else if (k === StressKind.PT)
      st = createEc(HELPERS + i, 0, ROOT_OBJ_ROOT_PD, utcb(BATCH + i), 0, 0, 0);
    else if (k === StressKind.SC)
      st = createEc(HELPERS + i, 2, ROOT_OBJ_ROOT_PD, utcb(BATCH + i), 0, 0, 0);
    if (!isStatus(st, Status.SUCCESS)) return false;
  }
  return true;
}

function makeOne(k: u32, i: u64): u32 {
  const sel = OBJS + i;
  switch (k) {
    case StressKind.PD:
      return createPd(sel, PdOp.PD, ROOT_OBJ_ROOT_PD);
    case StressKind.OBJ_SPACE:
      return createPd(sel, PdOp.OBJ, HELPERS + i);
    case StressKind.PIO_SPACE:
      return createPd(sel, PdOp.PIO, ROOT_OBJ_ROOT_PD);
    case StressKind.HST_SPACE:
      return createPd(sel, PdOp.HST, HELPERS + i);
    case StressKind.MSR_SPACE:
      return createPd(sel, PdOp.MSR, HELPERS + i);
    case StressKind.SM:
      return createSm(sel, ROOT_OBJ_ROOT_PD, i);
    case StressKind.LOCAL_EC:
      return createEc(sel, 0, ROOT_OBJ_ROOT_PD, utcb(i), 0, 0, 0);
    case StressKind.GLOBAL_EC:
      return createEc(sel, 2, ROOT_OBJ_ROOT_PD, utcb(i), 0, 0, 0);
    case StressKind.PT:
      return createPt(sel, ROOT_OBJ_ROOT_PD, HELPERS + i, 0x1000);
    case StressKind.GST_SPACE:
      return createPd(sel, PdOp.GST, ROOT_OBJ_ROOT_PD);
    case StressKind.VCPU:
      // Without an SC: a vCPU that never runs (its STARTUP would need a handler).
      return createEc(sel, EC_G, ROOT_OBJ_ROOT_PD, 0, 0, 0, 0);
    default:
      // Priority 1 < the root SC's 127: never runs while the root task is busy.
      return createSc(sel, ROOT_OBJ_ROOT_PD, HELPERS + i, scd(1, 1, 0));
  }
}

/**
 * One round: 256 objects of kind `k` made and destroyed; false on any unexpected status (the
 * case that runs the round prints it).
 */
function round(k: u32): bool {
  if (!makeHelpers(k)) return false;
  for (let i: u64 = 0; i < BATCH; i++) if (!isStatus(makeOne(k, i), Status.SUCCESS)) return false;
  return (
    isStatus(revoke(OBJS, BATCH_ORDER), Status.SUCCESS) &&
    isStatus(revoke(HELPERS, BATCH_ORDER), Status.SUCCESS)
  );
}

/** Delegation rounds: 256 SMs copied around in ranges of every order 0..8 and revoked. */
function delegations(): u64 {
  let ranges: u64 = 0;
  for (let i: u64 = 0; i < BATCH; i++)
    if (!isStatus(createSm(OBJS + i, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS)) return 0;
  for (let r: u64 = 0; r < 1300; r++) {
    const ord = r % (BATCH_ORDER + 1);
    const n = u64(1) << ord;
    const base = (r * n) % BATCH;
    // Copy with reduced rights, copy the copy (a chain of 2), revoke the first copy: the
    // chain's end goes with it (the mapping database); then the whole copy range again.
    if (!isStatus(pd(ROOT_OBJ, ROOT_OBJ, OBJS + base, ord, COPIES + base, 0x1), Status.SUCCESS))
      return 0;
    if (
      !isStatus(
        pd(ROOT_OBJ, ROOT_OBJ, COPIES + base, ord, HELPERS + base, PERM_MASK),
        Status.SUCCESS,
      )
    )
      return 0;
    if (!isStatus(revoke(COPIES + base, ord), Status.SUCCESS)) return 0;
    if (!isStatus(revoke(HELPERS + base, ord), Status.SUCCESS)) return 0;
    ranges += 4;
  }
  if (!isStatus(revoke(OBJS, BATCH_ORDER), Status.SUCCESS)) return 0;
  return ranges + 1;
}

/** The root image's first page (its ELF header, R X): what guestDelegations() delegates. */
const IMAGE_PAGE: u64 = 0x400;
/** A range of the root host space that holds nothing (delegated with it, pmm 0 revokes). */
const EMPTY_HST: u64 = 0x100000;

/**
 * Guest-memory rounds: a guest space, 256 pages delegated into it one by one from the root
 * host space, the range revoked (a null range delegated over it), the space destroyed.
 */
function guestDelegations(): u64 {
  let ranges: u64 = 0;
  for (let r: u64 = 0; r < ROUNDS; r++) {
    if (!isStatus(createPd(HELPERS, PdOp.GST, ROOT_OBJ_ROOT_PD), Status.SUCCESS)) return 0;
    const dst = (r % 16) * BATCH;
    for (let i: u64 = 0; i < BATCH; i++) {
      const st = ctrlPd(ROOT_HST, HELPERS, IMAGE_PAGE, 0, dst + i, Perm_mem.R, 0);
      if (!isStatus(st, Status.SUCCESS)) return 0;
    }
    const st = ctrlPd(ROOT_HST, HELPERS, EMPTY_HST, BATCH_ORDER, dst, 0, 0);
    if (!isStatus(st, Status.SUCCESS) || !isStatus(revoke(HELPERS, 0), Status.SUCCESS)) return 0;
    ranges += BATCH + 1;
  }
  return ranges;
}

const before = new KstatSnapshot();

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  setup.run();
  block(800);
  expect("kstat-page-mapped", kstat().signature, KSTAT_SIGNATURE);
  // Warm-up: every kind once, and one delegation pass.
  let warm = true;
  for (let k: u32 = 0; k < StressKind.COUNT; k++) warm = round(k) && warm;
  check("warm-up-round", warm && isNot(delegations(), 0) && isNot(guestDelegations(), 0));
  take(before);
  for (let k: u32 = 0; k < StressKind.COUNT; k++) {
    let ok = true;
    let made: u64 = 0;
    for (let r: u64 = 0; r < ROUNDS && ok; r++) {
      ok = round(k);
      if (ok) made += BATCH;
    }
    puts("stress: ");
    puts(kindName(k));
    puts(" created and destroyed ");
    putDec(made);
    puts("\n");
    check(kindName(k), ok && atLeast(made, 10_000));
  }
  let ranges: u64 = 0;
  for (let pass: u32 = 0; pass < 2; pass++) ranges += delegations();
  puts("stress: ranges delegated or revoked ");
  putDec(ranges);
  puts("\n");
  check("delegate-revoke-ranges", atLeast(ranges, 10_000));
  const guest = guestDelegations();
  puts("stress: guest-memory ranges delegated or revoked ");
  putDec(guest);
  puts("\n");
  check("guest-memory-delegate-revoke", atLeast(guest, 10_000));
  // compare() printed each counter before and after: the FAIL line adds nothing to them.
  check("kernel-memory-back", compare("stress", before, KSTAT_ALL));
  exhaust();
  return summary();
}

/** Out of kernel memory: selectors for the ECs made until the pool runs dry. */
const EXHAUST: u64 = 0x20000;
const EXHAUST_ORDER: u64 = 15;
const EXHAUST_MAX: u64 = u64(1) << EXHAUST_ORDER;
const EXHAUST_UTCB: u64 = 0x7e00_0000_0000;
/** A part of the root object space no capability has used (no table leaf). */
const FRESH: u64 = 0x30000;

/**
 * MEM_OBJ and MEM_CAP (§5) from ring 3: ECs (a 4 KiB UTCB each) are made until the kernel's
 * pool is exhausted; the first failure must be one of the two, never a panic. Then everything
 * is revoked and the kernel's memory must be as it was before.
 */
function exhaust(): void {
  take(before);
  let made: u64 = 0;
  let st: u32 = Status.SUCCESS;
  while (made < EXHAUST_MAX) {
    st = createEc(EXHAUST + made, 0, ROOT_OBJ_ROOT_PD, EXHAUST_UTCB + made * 0x1000, 0, 0, 0);
    if (st !== Status.SUCCESS) break;
    made++;
  }
  puts("stress: ");
  putDec(made);
  puts(" ECs until status ");
  putDec(u64(st));
  puts("\n");
  check(
    "exhaust-mem_obj-or-mem_cap",
    above(made, 1000) && (isStatus(st, Status.MEM_OBJ) || isStatus(st, Status.MEM_CAP)),
  );
  // Semaphores take what is left (small objects), until they fail too; then a delegation into
  // a part of the object space without a table leaf is MEM_CAP (§4.8), before any entry.
  let sms: u64 = 0;
  let smSt: u32 = Status.SUCCESS;
  while (made + sms < EXHAUST_MAX) {
    smSt = createSm(EXHAUST + made + sms, ROOT_OBJ_ROOT_PD, 0);
    if (smSt !== Status.SUCCESS) break;
    sms++;
  }
  check(
    "exhausted-create_sm-mem_obj",
    isStatus(smSt, Status.MEM_OBJ) || isStatus(smSt, Status.MEM_CAP),
  );
  expectStatus(
    "exhausted-ctrl_pd-mem_cap",
    pd(ROOT_OBJ, ROOT_OBJ, EXHAUST, BATCH_ORDER, FRESH, PERM_MASK),
    Status.MEM_CAP,
  );
  expectStatus("exhausted-fresh-range-revoked", revoke(FRESH, BATCH_ORDER), Status.SUCCESS);
  // pmm 0 revokes whatever the (aligned) source range holds (§4.8).
  expectStatus(
    "exhaust-revoked",
    pd(ROOT_OBJ, ROOT_OBJ, 0, EXHAUST_ORDER, EXHAUST, 0),
    Status.SUCCESS,
  );
  check(
    "exhaust-memory-back",
    compare("stress", before, KSTAT_LIVE_OBJECTS | KSTAT_LIVE_BYTES | KSTAT_MDB_NODES),
  );
}
