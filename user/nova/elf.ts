// ELF loading for user programs that build PDs (nova-abi.md §4.8, §9.4): an
// ELF64 ET_EXEC image lying in physical memory (a boot module, named by the
// HIP or the multiboot information) is checked and its PT_LOAD segments are
// mapped, page by page, from the NOVA host space into a PD's host space at
// their p_vaddr, with R/W/XU from p_flags. Like NOVA's root loader, segments
// are mapped in place, so each must have p_filesz == p_memsz and p_vaddr ≡
// p_offset (mod 4096); nothing is copied.

import {
  ElfHeader,
  ElfPhdr,
  PF_W,
  PF_X,
  PT_LOAD,
  headerProblem,
  phdrAt,
  segmentProblem,
} from "../../abi/elf64.ts";
import { Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { ctrlPd } from "./hypercall.ts";

const PAGE: u64 = 0x1000;

/** Where the loader reads the image: the caller's own host space, a window of `pages` pages. */
export class Window {
  /** The caller's host space capability and the NOVA host space capability. */
  self: u64;
  nova: u64;
  /** Virtual address and size (pages) of a free range in the caller's host space. */
  va: u64;
  pages: u64;
}

/** The memory permissions a segment's p_flags give (present implies readable, §2.2). */
function perms(flags: u32): u64 {
  let p: u64 = Perm_mem.R;
  if ((flags & PF_W) !== 0) p |= Perm_mem.W;
  if ((flags & PF_X) !== 0) p |= Perm_mem.XU;
  return p;
}

/**
 * Maps the image at physical [start, end) read-only into the window and
 * checks it: ELF64 little-endian, x86-64, ET_EXEC, headers inside the image
 * (abi/elf64.ts headerProblem, the kernel's own check). Returns its header, or null.
 */
export function open(w: Window, start: u64, end: u64): ElfHeader | null {
  if ((start & (PAGE - 1)) !== 0 || end <= start) return null;
  const pages = (end - start + PAGE - 1) / PAGE;
  if (pages > w.pages) return null;
  for (let i: u64 = 0; i < pages; i++)
    if (
      ctrlPd(w.nova, w.self, (start >> 12) + i, 0, (w.va >> 12) + i, Perm_mem.R, 0) !==
      Status.SUCCESS
    )
      return null;
  const h = structAt<ElfHeader>(virt(w.va));
  if (strLength(headerProblem(h, end - start)) !== 0) return null;
  return h;
}

/** Program header `i` of an image open() accepted. */
export function phdr(w: Window, i: u16): ElfPhdr {
  return phdrAt(virt(w.va), i);
}

/**
 * Maps every PT_LOAD segment of the image at physical `start` (open() first)
 * into host space `dst` at its p_vaddr. Returns the entry point, or 0 when a
 * segment breaks the in-place rules or a delegation fails.
 */
export function load(w: Window, h: ElfHeader, start: u64, end: u64, dst: u64): u64 {
  for (let i: u16 = 0; i < h.phnum; i++) {
    const p = phdr(w, i);
    if (p.type !== PT_LOAD || p.filesz === 0 || p.flags === 0) continue;
    if (strLength(segmentProblem(p, end - start)) !== 0) return 0;
    const first = p.vaddr >> 12;
    const last = (p.vaddr + p.memsz + PAGE - 1) >> 12;
    const phys = (start + p.offset) >> 12;
    for (let page = first; page < last; page++)
      if (ctrlPd(w.nova, dst, phys + (page - first), 0, page, perms(p.flags), 0) !== Status.SUCCESS)
        return 0;
  }
  return h.entry;
}
