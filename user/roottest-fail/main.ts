// A root task whose cases fail on purpose (test/boot/user.test.ts): what a
// failing case of user/roottest/test.ts prints, with the values it got and
// wanted, before COM1 is ours (kept, printed by consoleReady) and after; and
// that the summary counts those cases as failed, and a case that does not
// apply (SKIP) neither as passed nor as failed. A program of its own: the
// root task cannot read its module's command line (docs/testing.md), so
// roottest itself cannot be asked to fail.

import { Status } from "../../abi/status.ts";
import { smUp } from "../nova/hypercall.ts";
import { EMPTY } from "../roottest/sel.ts";
import * as setup from "../roottest/setup.ts";
import {
  applicable,
  atLeast,
  block,
  check,
  expect,
  expectStatus,
  isStatus,
  notApplicable,
  summary,
} from "../roottest/test.ts";

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  // Id 0, below setup's block: recorded before the console is ours.
  block(0);
  expect("deliberate-early-value", 3, 5);
  setup.run();
  block(10);
  // CAP0 is no semaphore: BAD_CAP, not the SUCCESS wanted.
  expectStatus("deliberate-status", smUp(EMPTY), Status.SUCCESS);
  // The first part holds, the second does not: the line names part 2.
  check("deliberate-second-part", isStatus(smUp(EMPTY), Status.BAD_CAP) && atLeast(1, 2));
  expectStatus("bad_cap-cap0-up", smUp(EMPTY), Status.BAD_CAP);
  // Would fail, but does not apply: SKIP, in neither count of the summary.
  notApplicable("deliberately");
  expect("deliberate-not-applicable", 3, 5);
  applicable();
  return summary();
}
