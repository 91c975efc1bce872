// The root PD's boot state (nova-abi.md §9.4, §9.5): the entry registers, the
// HIP's signature, checksum and fields, and the UTCB.

import { HIP_ADDRESS, MULTIBOOT1_MAGIC, MULTIBOOT2_MAGIC, SELNUM } from "../nova/abi.ts";
import { checksumOk, hip } from "../nova/hip.ts";
import { UTCB_WORDS, rootWords } from "../nova/utcb.ts";
import { block, check } from "./test.ts";

export function run(magic: u64, info: u64, stack: u64): void {
  block(10);
  check("entry-rdi-multiboot-magic", magic === MULTIBOOT1_MAGIC || magic === MULTIBOOT2_MAGIC);
  check("entry-rsi-boot-info", info !== 0);
  check("entry-rsp-hip", stack === HIP_ADDRESS);
  const h = hip();
  check("hip-signature-length-checksum", checksumOk() && h.length === 0x90);
  check("hip-selnum", h.selnum === SELNUM);
  check("hip-stc-frequency", h.stcFrequency !== 0);
  check("hip-cpus", h.cpuNum >= 1 && h.cpuBsp < h.cpuNum);
  check("hip-root-image", h.rootStart < h.rootEnd && h.novaStart < h.novaEnd);
  // The UTCB is RW for its EC (§6): its last word keeps what is written.
  const u = rootWords();
  u.set(UTCB_WORDS - 1, 0x5a5a_1234);
  check("utcb-last-word-rw", u.get(UTCB_WORDS - 1) === 0x5a5a_1234);
}
