// The hypercall ABI (nova-abi.md §3): BAD_HYP for the reserved number,
// RCX/R11 after SYSCALL, preserved inputs, the status as the whole RDI; and
// assign_dev from the root PD.

import { Hypercall, USER_RFLAGS } from "../../abi/hypercall.ts";
import { Status } from "../../abi/status.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
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
import { EMPTY, ROOT_OBJ } from "./sel.ts";
import { block, check, isStatus, isValue } from "./test.ts";

/** The reserved number 0xf with `sel` and `flags`: whether it is BAD_HYP as the whole RDI. */
function reserved(sel: u64, flags: u64): bool {
  return isStatus(
    raw(rdi(sel, flags, Hypercall.RESERVED), 0x1111, 0x2222, 0x3333, 0x4444),
    Status.BAD_HYP,
  );
}

export function run(): void {
  block(400);
  check("bad_hyp-0xf", reserved(0, 0));
  block(410);
  check("bad_hyp-0xf-flags-and-selector", reserved((u64(1) << 56) - 1, 0xf));
  check("abi-rcx-is-return-address", reserved(0, 0) && isValue(after(REG_RCX), after(REG_AFTER)));
  check("abi-r11-is-0x202", reserved(0, 0) && isValue(after(REG_R11), USER_RFLAGS));
  check(
    "abi-inputs-preserved",
    reserved(0, 0) &&
      isValue(after(REG_RSI), 0x1111) &&
      isValue(after(REG_RDX), 0x2222) &&
      isValue(after(REG_RAX), 0x3333) &&
      isValue(after(REG_R8), 0x4444),
  );
  check("abi-status-whole-rdi-bad_hyp", reserved(0x12345, 0) && isValue(after(REG_RDI), 4));
  // assign_dev (§10.5) from the root PD with capabilities that name no DMA space: BAD_CAP
  // (roottest-iommu has the DMA spaces).
  check(
    "assign_dev-bad_cap-not-dma-space",
    isStatus(assignDev(ROOT_OBJ, 0, 0), Status.BAD_CAP) &&
      isStatus(assignDev(EMPTY, 0, 0), Status.BAD_CAP) &&
      isStatus(assignDev(ROOT_OBJ_ROOT_PD, 0xfed9_0000, 0), Status.BAD_CAP),
  );
}
