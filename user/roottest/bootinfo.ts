// The boot information RSI points at, read whole as on NOVA (nova-abi.md
// §9.4): the root's own module command line, wherever the boot loader put it.
// Multiboot v1 (QEMU -kernel) keeps the module list and the strings outside
// the information structure (QEMU: in the page after the kernel image), so
// the kernel must keep those pages out of its allocator; multiboot v2 (GRUB)
// has them inside it. The pages are mapped read-only from the NOVA host space
// into a window of the root host space and revoked again. The case prints
// what it read, which the boot tests compare with the command line they gave.

import { Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { MULTIBOOT1_BOOTLOADER_MAGIC, MULTIBOOT2_BOOTLOADER_MAGIC } from "../../abi/root_pd.ts";
import { putc, puts } from "../nova/console.ts";
import { ctrlPd } from "../nova/hypercall.ts";
import { mapPhys } from "./foreign.ts";
import { ROOT_HST } from "./sel.ts";
import { block, check, isNot, isValue } from "./test.ts";

/** Two pages of the root host space through which boot information is read. */
const WINDOW_VA: u64 = 0x6300_0000;
const MB1_FLAG_MODS: u32 = 1 << 3;
const MB2_TAG_END: u32 = 0;
const MB2_TAG_MODULE: u32 = 3;
/** Longer command lines are cut here (the test's are short). */
const MAX_CMDLINE: u64 = 255;

class Reader {
  /** The physical page at WINDOW_VA (the next one follows, if it could be mapped), or 0. */
  page: u64;
  pages: u64;
}
const reader = new Reader();

function unmap(): void {
  if (reader.pages !== 0) ctrlPd(ROOT_HST, ROOT_HST, 0, 1, WINDOW_VA >> 12, 0, 0);
  reader.page = 0;
  reader.pages = 0;
}

/** Whether physical `pa` can be read through the window (mapping its page and the next). */
function reach(pa: u64): bool {
  const page = pa >> 12;
  if (reader.pages !== 0 && page >= reader.page && page < reader.page + reader.pages) return true;
  unmap();
  while (
    reader.pages < 2 &&
    mapPhys(page + reader.pages, WINDOW_VA + (reader.pages << 12), Perm_mem.R) === Status.SUCCESS
  )
    reader.pages++;
  reader.page = page;
  return reader.pages !== 0;
}

/** Where physical `pa` is seen through the window (after `reach(pa)`). */
function seen(pa: u64): Virt {
  return virt(WINDOW_VA + pa - (reader.page << 12));
}

/** The u32 at physical `pa` (0 if it cannot be mapped: `reach` tells). */
function u32At(pa: u64): u32 {
  return reach(pa) ? ptrFromVirt<u32>(seen(pa)).load() : 0;
}

function byteAt(pa: u64): u8 {
  return reach(pa) ? ptrFromVirt<u8>(seen(pa)).load() : 0;
}

/** Physical address of the first module's command line, 0 if the information has none. */
function moduleCmdline(magic: u64, info: u64): u64 {
  if (magic === MULTIBOOT1_BOOTLOADER_MAGIC) {
    if ((u32At(info) & MB1_FLAG_MODS) === 0 || u32At(info + 20) === 0) return 0;
    return u64(u32At(u64(u32At(info + 24)) + 8));
  }
  if (magic !== MULTIBOOT2_BOOTLOADER_MAGIC) return 0;
  const end = info + u64(u32At(info));
  let tag = info + 8;
  while (tag + 8 <= end) {
    const type = u32At(tag);
    const size = u64(u32At(tag + 4));
    if (type === MB2_TAG_END || size < 8) return 0;
    if (type === MB2_TAG_MODULE) return tag + 16;
    tag += (size + 7) & ~u64(7);
  }
  return 0;
}

export function run(magic: u64, info: u64): void {
  block(1100);
  const at = moduleCmdline(magic, info);
  puts("roottest: module command line '");
  let length: u64 = 0;
  while (at !== 0 && length < MAX_CMDLINE && reach(at + length) && byteAt(at + length) !== 0) {
    putc(byteAt(at + length));
    length++;
  }
  puts("'\n");
  // Found, and read up to its NUL (not cut short by a page that could not be mapped).
  check(
    "boot-module-cmdline-read",
    isNot(at, 0) && reach(at + length) && isValue(u64(byteAt(at + length)), 0),
  );
  unmap();
}
