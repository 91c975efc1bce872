// The ctrl_hw power test (nova-abi.md §10.1; test/boot/power.test.ts): first
// OP 0 with S = 7, a platform reset through the FADT reset register. Where
// the FADT has none (QEMU's pc machine) that is BAD_FTR and the task asks for
// S5 with SLP_TYP A = B = 0, the values of QEMU's \_S5 for the PIIX4 and ICH9
// PM. On q35 the reset ends QEMU (-no-reboot), on pc the power-off does.
// Returns the statuses (reset << 8 | S5) only when both came back.

import { ctrlHw } from "../nova/hypercall.ts";

/** ctrl_hw OP 0: sleep/reset; desc bits 2:0 S, 5:3 A, 8:6 B. */
const OP_SLEEP: u64 = 0;
const RESET: u64 = 7;
const S5: u64 = 5;

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  const reset = ctrlHw(OP_SLEEP, RESET);
  const off = ctrlHw(OP_SLEEP, S5);
  return (u64(reset) << 8) | u64(off);
}
