// ELF64 (System V gABI, x86-64 psABI), as far as a loader reads it: the root
// image is an ELF64 ET_EXEC for x86-64 whose PT_LOAD segments NOVA maps in
// place (nova-abi.md §9.1, §9.4). The kernel checks and maps the root image
// (kernel-ts/elf.ts, root.ts); user programs load boot modules into the PDs
// they build by the same rules (user/nova/elf.ts).

/** The file header. The first 16 bytes are e_ident: magic, class, data encoding, … */
export class ElfHeader {
  magic: u32;
  class: u8;
  data: u8;
  identVersion: u8;
  osabi: u8;
  /** EI_ABIVERSION and EI_PAD. */
  padding: u64;
  type: u16;
  machine: u16;
  version: u32;
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
  size: 0x40,
  offsets: {
    magic: 0x00,
    class: 0x04,
    data: 0x05,
    identVersion: 0x06,
    osabi: 0x07,
    padding: 0x08,
    type: 0x10,
    machine: 0x12,
    version: 0x14,
    entry: 0x18,
    phoff: 0x20,
    shoff: 0x28,
    flags: 0x30,
    ehsize: 0x34,
    phentsize: 0x36,
    phnum: 0x38,
    shentsize: 0x3a,
    shnum: 0x3c,
    shstrndx: 0x3e,
  },
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
  size: 0x38,
  offsets: {
    type: 0x00,
    flags: 0x04,
    offset: 0x08,
    vaddr: 0x10,
    paddr: 0x18,
    filesz: 0x20,
    memsz: 0x28,
    align: 0x30,
  },
});

/** "\x7fELF", e_ident[0…3] read as one little-endian word. */
export const ELF_MAGIC: u32 = 0x464c_457f;
export const ELFCLASS64: u8 = 2;
export const ELFDATA2LSB: u8 = 1;
export const ET_EXEC: u16 = 2;
export const EM_X86_64: u16 = 62;
export const PT_LOAD: u32 = 1;
/** p_flags: executable, writable, readable. */
export const PF_X: u32 = 1;
export const PF_W: u32 = 2;
export const PF_R: u32 = 4;

/**
 * Why the `size`-byte image whose header is `h` is not an x86-64 ELF64 ET_EXEC with its program
 * headers inside the file, or "" when it is one (the kernel's root image check, elf.ts, and the
 * user loader's, user/nova/elf.ts).
 */
export function headerProblem(h: ElfHeader, size: u64): str {
  if (h.magic !== ELF_MAGIC || h.class !== ELFCLASS64 || h.data !== ELFDATA2LSB)
    return "not ELF64 little-endian";
  if (h.type !== ET_EXEC) return "not ET_EXEC";
  if (h.machine !== EM_X86_64) return "not x86-64";
  if (u64(h.phentsize) !== sizeof<ElfPhdr>()) return "program header size";
  // Written so that no sum can wrap: a huge e_phoff is beyond the file, not inside it.
  if (h.phoff > size || u64(h.phnum) * sizeof<ElfPhdr>() > size - h.phoff)
    return "program headers beyond the file";
  return "";
}

/**
 * Why PT_LOAD segment `p` of a `size`-byte image cannot be mapped in place, as NOVA maps the
 * root image (§9.4), or "": its file and memory sizes differ (no BSS), its address and file
 * offset differ modulo the page, or it lies beyond the file.
 */
export function segmentProblem(p: ElfPhdr, size: u64): str {
  if (p.filesz !== p.memsz) return "PT_LOAD with p_filesz != p_memsz";
  if ((p.vaddr & 0xfff) !== (p.offset & 0xfff)) return "PT_LOAD p_vaddr != p_offset mod 4096";
  if (p.offset > size || p.filesz > size - p.offset) return "PT_LOAD beyond the file";
  return "";
}

/** Program header `i` of the image whose header is at `image`. */
export function phdrAt(image: Virt, i: u16): ElfPhdr {
  const h = structAt<ElfHeader>(image);
  return structAt<ElfPhdr>(image + h.phoff + u64(i) * sizeof<ElfPhdr>());
}
