// ELF64 headers of the root image (System V gABI, x86-64 psABI), read in
// place from the multiboot module, and the §9.4 rules a root image must meet.

import {
  ElfHeader,
  PF_W,
  PF_X,
  PT_LOAD,
  headerProblem,
  phdrAt,
  segmentProblem,
} from "../abi/elf64.ts";
import { UTCB_ADDRESS } from "../abi/root_pd.ts";

/**
 * Why the image at [va, va + size) (a page-aligned module) is not a root
 * image, or "" when it is one: an x86-64 ET_EXEC whose program headers lie
 * inside the file and whose PT_LOAD segments have p_filesz == p_memsz (NOVA
 * maps the file in place, no BSS), p_vaddr ≡ p_offset (mod 4096), lie in the
 * file and below the UTCB, and are not writable and executable at once.
 */
export function reject(va: Virt, size: u64): str {
  if (size < sizeof<ElfHeader>()) return "shorter than an ELF header";
  const h = structAt<ElfHeader>(va);
  const bad = headerProblem(h, size);
  if (strLength(bad) !== 0) return bad;
  for (let i: u16 = 0; i < h.phnum; i++) {
    const p = phdrAt(va, i);
    if (p.type !== PT_LOAD) continue;
    if (p.filesz !== p.memsz) return "PT_LOAD with p_filesz != p_memsz";
    if (p.memsz === 0) continue; // empty: not mapped (as NOVA skips it), nothing to check
    const seg = segmentProblem(p, size);
    if (strLength(seg) !== 0) return seg;
    if (p.vaddr >= UTCB_ADDRESS || p.memsz > UTCB_ADDRESS - p.vaddr)
      return "PT_LOAD outside the user range";
    if ((p.flags & PF_W) !== 0 && (p.flags & PF_X) !== 0) return "PT_LOAD writable and executable";
  }
  return "";
}

export function header(va: Virt): ElfHeader {
  return structAt<ElfHeader>(va);
}
