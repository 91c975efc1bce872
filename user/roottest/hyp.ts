// The hypercall ABI (nova-abi.md §3): BAD_HYP for the reserved number and for
// every hypercall the kernel does not implement yet (one case each: delete
// it when the hypercall lands), RCX/R11 after SYSCALL, preserved inputs, and
// the status as the whole RDI.

import { Hypercall, Status, USER_RFLAGS } from "../nova/abi.ts";
import {
  REG_AFTER,
  REG_R11,
  REG_R8,
  REG_RAX,
  REG_RCX,
  REG_RDI,
  REG_RDX,
  REG_RSI,
  after,
  assignDev,
  raw,
  rdi,
} from "../nova/hypercall.ts";
import { block, check } from "./test.ts";

/** The reserved number 0xf with `sel` and `flags`: whether it is BAD_HYP as the whole RDI. */
function reserved(sel: u64, flags: u64): bool {
  return (
    raw(rdi(sel, flags, Hypercall.RESERVED), 0x1111, 0x2222, 0x3333, 0x4444) === u64(Status.BAD_HYP)
  );
}

export function run(): void {
  block(400);
  check("bad_hyp-0xf", reserved(0, 0));
  block(410);
  check("bad_hyp-0xf-flags-and-selector", reserved((u64(1) << 56) - 1, 0xf));
  check("abi-rcx-is-return-address", reserved(0, 0) && after(REG_RCX) === after(REG_AFTER));
  check("abi-r11-is-0x202", reserved(0, 0) && after(REG_R11) === USER_RFLAGS);
  check(
    "abi-inputs-preserved",
    reserved(0, 0) &&
      after(REG_RSI) === 0x1111 &&
      after(REG_RDX) === 0x2222 &&
      after(REG_RAX) === 0x3333 &&
      after(REG_R8) === 0x4444,
  );
  check("abi-status-whole-rdi-bad_hyp", reserved(0x12345, 0) && after(REG_RDI) === 4);
  // Not implemented today: BAD_HYP through each typed binding (outputs left as they were).
  check("bad_hyp-assign_dev", assignDev(0x4000, 0, 0) === Status.BAD_HYP);
}
