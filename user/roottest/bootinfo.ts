// The boot information RSI points at, read whole as on NOVA (nova-abi.md
// §9.4): the root's own module command line, wherever the boot loader put it
// (user/nova/bootinfo.ts). Multiboot v1 keeps it outside the information
// structure, so the kernel must keep those pages out of its allocator. The
// case prints what it read, which the boot tests compare with the command
// line they gave.

import { putc, puts } from "../nova/console.ts";
import { Reader, byteAt, moduleCmdline, reach, unmap } from "../nova/bootinfo.ts";
import { NOVA_HST, ROOT_HST } from "./sel.ts";
import { block, check, isNot, isValue } from "./test.ts";

/** Two pages of the root host space through which boot information is read. */
const WINDOW_VA: u64 = 0x6300_0000;
/** Longer command lines are cut here (the test's are short). */
const MAX_CMDLINE: u64 = 255;

const reader = new Reader();

export function run(magic: u64, info: u64): void {
  block(1100);
  reader.self = ROOT_HST;
  reader.nova = NOVA_HST;
  reader.va = WINDOW_VA;
  const at = moduleCmdline(reader, magic, info);
  puts("roottest: module command line '");
  let length: u64 = 0;
  while (
    at !== 0 &&
    length < MAX_CMDLINE &&
    reach(reader, at + length) &&
    byteAt(reader, at + length) !== 0
  ) {
    putc(byteAt(reader, at + length));
    length++;
  }
  puts("'\n");
  // Found, and read up to its NUL (not cut short by a page that could not be mapped).
  check(
    "boot-module-cmdline-read",
    isNot(at, 0) && reach(reader, at + length) && isValue(u64(byteAt(reader, at + length)), 0),
  );
  unmap(reader);
}
