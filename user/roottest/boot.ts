// The root PD's boot state (nova-abi.md §9.4, §9.5): the entry registers, the
// HIP's signature, checksum and fields, and the UTCB.

import { HIP_SIGNATURE } from "../../abi/hip_page.ts";
import { UTCB_WORDS } from "../../abi/arch_utcb.ts";
import {
  HIP_ADDRESS,
  MULTIBOOT1_BOOTLOADER_MAGIC,
  MULTIBOOT2_BOOTLOADER_MAGIC,
} from "../../abi/root_pd.ts";
import { SELNUM } from "../../abi/selectors.ts";
import { hip, wordSum } from "../nova/hip.ts";
import { rootWords } from "../nova/utcb.ts";
import { atLeast, below, block, check, expect, isNot, isValue } from "./test.ts";

export function run(magic: u64, info: u64, stack: u64): void {
  block(10);
  check(
    "entry-rdi-multiboot-magic",
    isValue(magic, MULTIBOOT1_BOOTLOADER_MAGIC) || isValue(magic, MULTIBOOT2_BOOTLOADER_MAGIC),
  );
  check("entry-rsi-boot-info", isNot(info, 0));
  expect("entry-rsp-hip", stack, HIP_ADDRESS);
  const h = hip();
  // hip.ts checksumOk() in parts, so a failure names the one that is off.
  check(
    "hip-signature-length-checksum",
    isValue(h.signature, HIP_SIGNATURE) && isValue(h.length, 0x90) && isValue(wordSum(h.length), 0),
  );
  expect("hip-selnum", h.selnum, SELNUM);
  check("hip-stc-frequency", isNot(h.stcFrequency, 0));
  check("hip-cpus", atLeast(h.cpuNum, 1) && below(h.cpuBsp, h.cpuNum));
  check("hip-root-image", below(h.rootStart, h.rootEnd) && below(h.novaStart, h.novaEnd));
  // The UTCB is RW for its EC (§6): its last word keeps what is written.
  const u = rootWords();
  u.set(UTCB_WORDS - 1, 0x5a5a_1234);
  expect("utcb-last-word-rw", u.get(UTCB_WORDS - 1), 0x5a5a_1234);
}
