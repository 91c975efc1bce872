// The smallest root task: ring 3's first check of the kernel's interface.
// start.S calls main with the root EC's initial RDI, RSI and RSP, then ends
// with UD2 with main's result in RDI and `status` in RSI, so the kernel's
// "EC: root EC killed" line shows both (docs/user-mode.md):
//
//   RDI: one bit per check passed, CHECKS_ALL when all passed
//   RSI: the status hypercall 0xf returned in RDI[7:0] (4, BAD_HYP)

import { HIP_SIGNATURE } from "../../abi/hip_page.ts";
import { Hypercall, USER_RFLAGS } from "../../abi/hypercall.ts";
import { Status } from "../../abi/status.ts";
import {
  HIP_ADDRESS,
  MULTIBOOT1_BOOTLOADER_MAGIC,
  MULTIBOOT2_BOOTLOADER_MAGIC,
} from "../../abi/root_pd.ts";
import { hip, wordSum } from "../nova/hip.ts";
import {
  REG_AFTER,
  REG_R11,
  REG_R8,
  REG_RAX,
  REG_RCX,
  REG_RDX,
  REG_RSI,
  after,
  raw,
} from "../nova/hypercall.ts";

const HIP_LENGTH: u16 = 0x90;

export const CHECKS_ALL: u64 = 0xff;

/** RSI at the UD2: the status of hypercall 0xf. */
export let status: u64 = 0;

function bit(ok: bool, n: u32): u64 {
  return ok ? u64(1) << n : 0;
}

export function main(magic: u64, info: u64, stack: u64): u64 {
  let passed: u64 = 0;
  // §9.4: RDI = the boot loader's magic, RSI = its info address, RSP = the HIP.
  passed |= bit(magic === MULTIBOOT1_BOOTLOADER_MAGIC || magic === MULTIBOOT2_BOOTLOADER_MAGIC, 0);
  passed |= bit(info !== 0, 1);
  passed |= bit(stack === HIP_ADDRESS, 2);
  // §3: 0xf is BAD_HYP; RCX = the address after SYSCALL, R11 = 0x202; inputs preserved.
  status = raw(u64(Hypercall.RESERVED) | (0x1234 << 8), 0x1111, 0x2222, 0x3333, 0x4444) & 0xff;
  passed |= bit(status === u64(Status.BAD_HYP), 3);
  passed |= bit(after(REG_RCX) === after(REG_AFTER) && after(REG_R11) === USER_RFLAGS, 4);
  passed |= bit(
    after(REG_RSI) === 0x1111 &&
      after(REG_RDX) === 0x2222 &&
      after(REG_RAX) === 0x3333 &&
      after(REG_R8) === 0x4444,
    5,
  );
  // §9.5: the HIP is readable and says NOVA, with its length and a zero word sum.
  const h = hip();
  passed |= bit(h.signature === HIP_SIGNATURE && h.length === HIP_LENGTH, 6);
  passed |= bit(wordSum(h.length) === 0, 7);
  return passed;
}
