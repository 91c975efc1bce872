// The boot information RSI points at (nova-abi.md §9.4), read from ring 3:
// the root's own module command line, wherever the boot loader put it.
// Multiboot v1 (QEMU -kernel) keeps the module list and the strings outside
// the information structure (QEMU: in the page after the kernel image);
// multiboot v2 (GRUB) has them inside it. A reader maps the pages it needs
// read-only from the NOVA host space into a two-page window of the caller's
// host space, one window at a time, and revokes them with `unmap`.

import { Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { MULTIBOOT1_BOOTLOADER_MAGIC, MULTIBOOT2_BOOTLOADER_MAGIC } from "../../abi/root_pd.ts";
import { ctrlPd } from "./hypercall.ts";

const MB1_FLAG_MODS: u32 = 1 << 3;
const MB2_TAG_END: u32 = 0;
const MB2_TAG_MODULE: u32 = 3;

export class Reader {
  /** The caller's host space and the NOVA host space (capabilities in its object space). */
  self: u64;
  nova: u64;
  /** Two free pages of the caller's host space. */
  va: u64;
  /** The physical page at `va` (the next one follows, if it could be mapped), or 0. */
  page: u64;
  pages: u64;
}

/** Revokes what `r` mapped. */
export function unmap(r: Reader): void {
  if (r.pages !== 0) ctrlPd(r.self, r.self, 0, 1, r.va >> 12, 0, 0);
  r.page = 0;
  r.pages = 0;
}

/** Whether physical `pa` can be read through the window (mapping its page and the next). */
export function reach(r: Reader, pa: u64): bool {
  const page = pa >> 12;
  if (r.pages !== 0 && page >= r.page && page < r.page + r.pages) return true;
  unmap(r);
  while (
    r.pages < 2 &&
    ctrlPd(r.nova, r.self, page + r.pages, 0, (r.va >> 12) + r.pages, Perm_mem.R, 0) ===
      Status.SUCCESS
  )
    r.pages++;
  r.page = page;
  return r.pages !== 0;
}

/** Where physical `pa` is seen through the window (after `reach(pa)`). */
function seen(r: Reader, pa: u64): Virt {
  return virt(r.va + pa - (r.page << 12));
}

/** The u32 at physical `pa` (0 if it cannot be mapped: `reach` tells). */
function u32At(r: Reader, pa: u64): u32 {
  return reach(r, pa) ? ptrFromVirt<u32>(seen(r, pa)).load() : 0;
}

/** The byte at physical `pa` (0 if it cannot be mapped: `reach` tells). */
export function byteAt(r: Reader, pa: u64): u8 {
  return reach(r, pa) ? ptrFromVirt<u8>(seen(r, pa)).load() : 0;
}

/** Physical address of the first module's command line, 0 if the information has none. */
export function moduleCmdline(r: Reader, magic: u64, info: u64): u64 {
  if (magic === MULTIBOOT1_BOOTLOADER_MAGIC) {
    if ((u32At(r, info) & MB1_FLAG_MODS) === 0 || u32At(r, info + 20) === 0) return 0;
    return u64(u32At(r, u64(u32At(r, info + 24)) + 8));
  }
  if (magic !== MULTIBOOT2_BOOTLOADER_MAGIC) return 0;
  const end = info + u64(u32At(r, info));
  let tag = info + 8;
  while (tag + 8 <= end) {
    const type = u32At(r, tag);
    const size = u64(u32At(r, tag + 4));
    if (type === MB2_TAG_END || size < 8) return 0;
    if (type === MB2_TAG_MODULE) return tag + 16;
    tag += (size + 7) & ~u64(7);
  }
  return 0;
}
