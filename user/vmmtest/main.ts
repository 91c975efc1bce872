// The VMM test task (docs/testing.md): a root task that runs the test guests
// of guests.S as vCPUs of its own PD, with the event handler of vmm.ts, and
// prints TEST lines in the format of user/roottest/test.ts. Ids: 1 setup
// (roottest's), 100 the real-mode guest.

import { EC_G } from "../../abi/hypercall.ts";
import { PdOp } from "../../abi/hypercall.ts";
import { Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { scd } from "../../abi/scd.ts";
import { guestExit } from "../../abi/events.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { puts } from "../nova/console.ts";
import {
  createEc,
  createPd,
  createPt,
  createSc,
  createSm,
  ctrlPt,
  smDown,
} from "../nova/hypercall.ts";
import { msFromNow } from "../roottest/ecs.ts";
import { ROOT_HST, pd } from "../roottest/sel.ts";
import * as setup from "../roottest/setup.ts";
import { block, check, expect, expectStatus, isStatus, summary } from "../roottest/test.ts";
import {
  DONE_SM,
  GST,
  GUEST_CODE_GPA,
  GUEST_DATA_GPA,
  HANDLER_UTCB,
  MSR,
  PIO,
  READ,
  seen,
} from "./vmm.ts";

const HANDLER: u64 = 0x7003;
const VCPU: u64 = 0x7004;
const VCPU_SC: u64 = 0x7005;
/** The vCPU's event base: its portals are EVT + 0…0x101 (§13.2). */
const EVT: u64 = 0x8000;
const EVENTS: u64 = 0x102;

const OK = Status.SUCCESS;
const PAGE: u64 = 4096;

function page(va: Virt): u64 {
  return u64(va) / PAGE;
}

/** The vCPU's spaces, the handler EC and one portal per event number. */
function vmm(): void {
  check(
    "create_pd-gst-pio-msr-for-root",
    isStatus(createPd(GST, PdOp.GST, ROOT_OBJ_ROOT_PD), OK) &&
      isStatus(createPd(PIO, PdOp.PIO, ROOT_OBJ_ROOT_PD), OK) &&
      isStatus(createPd(MSR, PdOp.MSR, ROOT_OBJ_ROOT_PD), OK),
  );
  const top = u64(linkerSymbol("vmm_handler_stack_top"));
  expectStatus(
    "create_ec-handler",
    createEc(HANDLER, 0, ROOT_OBJ_ROOT_PD, HANDLER_UTCB, 0, top, 0),
    OK,
  );
  const ip = u64(linkerSymbol("vmm_portal_entry"));
  let ok = true;
  for (let n: u64 = 0; n < EVENTS; n++) {
    const sel = guestExit(EVT, n);
    ok = ok && isStatus(createPt(sel, ROOT_OBJ_ROOT_PD, HANDLER, ip), OK);
    ok = ok && isStatus(ctrlPt(sel, n, READ), OK);
  }
  check("create_pt-every-event-portal", ok);
}

/** The real-mode guest: its code page executable and read-only, its stack page read-write. */
function realMode(): void {
  block(100);
  const rwx = Perm_mem.R | Perm_mem.W | Perm_mem.XU;
  check(
    "ctrl_pd-hst-to-gst-code-and-data",
    isStatus(pd(ROOT_HST, GST, page(linkerSymbol("guest_real")), 0, GUEST_CODE_GPA / PAGE, rwx), OK) &&
      isStatus(pd(ROOT_HST, GST, page(linkerSymbol("guest_data")), 0, GUEST_DATA_GPA / PAGE, rwx), OK),
  );
  expectStatus("create_sm-done", createSm(DONE_SM, ROOT_OBJ_ROOT_PD, 0), OK);
  expectStatus("create_ec-vcpu", createEc(VCPU, EC_G, ROOT_OBJ_ROOT_PD, 0, 0, 0x7000, EVT), OK);
  expectStatus("create_sc-vcpu", createSc(VCPU_SC, ROOT_OBJ_ROOT_PD, VCPU, scd(10, 1, 0)), OK);
  expectStatus("real-guest-ended", smDown(DONE_SM, false, msFromNow(10_000)), OK);
  expect("real-no-unexpected-event", seen.unexpected, 0);
  expect("real-reports", seen.reportCount, 7);
  check(
    "real-cpuid-values",
    seen.reports[0] === 0x1234 &&
      seen.reports[1] === 0x5678 &&
      seen.reports[2] === 0x9abc &&
      seen.reports[3] === 0xdef0,
  );
  expect("real-cpuid-length", u64(seen.cpuidLength), 2);
  check(
    "real-serial-ok",
    seen.serialCount === 3 &&
      seen.serial[0] === 0x4f &&
      seen.serial[1] === 0x4b &&
      seen.serial[2] === 0xa,
  );
  check("real-rdmsr-value", seen.reports[4] === 0x5566_7788 && seen.reports[5] === 0x1122_3344);
  expect("real-rdmsr-length", u64(seen.rdmsrLength), 2);
  expect("real-wrmsr-msr", seen.msrWritten, 0x8b);
  expect("real-wrmsr-value", seen.msrWriteValue, 0xcafe_0000_beef);
  expect("real-hlt-once", seen.halts, 1);
  expect("real-hlt-length", u64(seen.hltLength), 1);
  expect("real-after-hlt", seen.reports[6], 0x600d);
}

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  setup.run();
  puts("vmmtest: vCPUs of the root PD\n");
  vmm();
  realMode();
  return summary();
}
