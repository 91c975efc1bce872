// ELF64 headers of the root image (System V gABI, x86-64 psABI), read in
// place from the multiboot module, and the §9.4 rules a root image must meet.

import {
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  EM_X86_64,
  ET_EXEC,
  ElfHeader,
  ElfPhdr,
  PF_W,
  PF_X,
  PT_LOAD,
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
  if (h.magic !== ELF_MAGIC || h.class !== ELFCLASS64 || h.data !== ELFDATA2LSB)
    return "not ELF64 little-endian";
  if (h.type !== ET_EXEC) return "not ET_EXEC";
  if (h.machine !== EM_X86_64) return "not x86-64";
  if (u64(h.phentsize) !== sizeof<ElfPhdr>()) return "program header size";
  if (h.phoff > size || u64(h.phnum) * sizeof<ElfPhdr>() > size - h.phoff)
    return "program headers beyond the file";
  for (let i: u16 = 0; i < h.phnum; i++) {
    const p = phdr(va, i);
    if (p.type !== PT_LOAD) continue;
    if (p.filesz !== p.memsz) return "PT_LOAD with p_filesz != p_memsz";
    if (p.memsz === 0) continue; // empty: not mapped (as NOVA skips it), nothing to check
    if ((p.vaddr & 0xfff) !== (p.offset & 0xfff)) return "PT_LOAD p_vaddr != p_offset mod 4096";
    if (p.offset > size || p.filesz > size - p.offset) return "PT_LOAD beyond the file";
    if (p.vaddr >= UTCB_ADDRESS || p.memsz > UTCB_ADDRESS - p.vaddr)
      return "PT_LOAD outside the user range";
    if ((p.flags & PF_W) !== 0 && (p.flags & PF_X) !== 0) return "PT_LOAD writable and executable";
  }
  return "";
}

/** Program header `i` of the image at `va`. */
export function phdr(va: Virt, i: u16): ElfPhdr {
  const h = structAt<ElfHeader>(va);
  return structAt<ElfPhdr>(va + h.phoff + u64(i) * sizeof<ElfPhdr>());
}

export function header(va: Virt): ElfHeader {
  return structAt<ElfHeader>(va);
}
