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
