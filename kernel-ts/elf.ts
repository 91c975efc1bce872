// ELF64 headers of the root image (System V gABI, x86-64 psABI), read in
// place from the multiboot module, and the §9.4 rules a root image must meet.

/** The ELF file header. */
export class ElfHeader {
  magic: u32;
  class: u8;
  data: u8;
  version: u8;
  osabi: u8;
  padding: u64;
  type: u16;
  machine: u16;
  version2: u32;
  entry: u64;
  phoff: u64;
  shoff: u64;
  flags: u32;
  ehsize: u16;
  phentsize: u16;
  phnum: u16;
  shentsize: u16;
  shnum: u16;
  shstrndx: u16;
}
layout(ElfHeader, {
  size: 64,
  offsets: { class: 4, type: 16, machine: 18, entry: 24, phoff: 32, phentsize: 54, phnum: 56 },
});

/** A program header. */
export class ElfPhdr {
  type: u32;
  flags: u32;
  offset: u64;
  vaddr: u64;
  paddr: u64;
  filesz: u64;
  memsz: u64;
  align: u64;
}
layout(ElfPhdr, {
  size: 56,
  offsets: { flags: 4, offset: 8, vaddr: 16, filesz: 32, memsz: 40, align: 48 },
});

const MAGIC: u32 = 0x464c_457f; // "\x7fELF"
const CLASS64: u8 = 2;
const LITTLE: u8 = 1;
const ET_EXEC: u16 = 2;
const EM_X86_64: u16 = 62;
export const PT_LOAD: u32 = 1;
export const PF_X: u32 = 1;
export const PF_W: u32 = 2;
export const PF_R: u32 = 4;

/** User addresses a segment may use: below the UTCB at 2^47 − 8 KiB (§9.4). */
const USER_LIMIT: u64 = 0x7fff_ffff_e000;

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
  if (h.magic !== MAGIC || h.class !== CLASS64 || h.data !== LITTLE)
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
    if (p.vaddr >= USER_LIMIT || p.memsz > USER_LIMIT - p.vaddr)
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
