// Multiboot v1 and v2 boot information, read from the structures the boot
// loader left in low memory (identity-mapped at boot) into the boot
// description (boot.ts): memory map, modules, command lines, ACPI RSDP.

import { MULTIBOOT1_BOOTLOADER_MAGIC, MULTIBOOT2_BOOTLOADER_MAGIC } from "../abi/root_pd.ts";
import * as boot from "./boot.ts";

const MB1_FLAG_MEMORY: u32 = 1 << 0;
const MB1_FLAG_CMDLINE: u32 = 1 << 2;
const MB1_FLAG_MODS: u32 = 1 << 3;
const MB1_FLAG_ELF_SHDR: u32 = 1 << 5;
const MB1_FLAG_MMAP: u32 = 1 << 6;
const MB1_FLAG_DRIVES: u32 = 1 << 7;
const MB1_FLAG_LOADER_NAME: u32 = 1 << 9;
const MB1_FLAG_APM: u32 = 1 << 10;
const MB1_FLAG_VBE: u32 = 1 << 11;
/** Sizes of what the APM and VBE fields point at (multiboot 0.6.96 §3.3). */
const MB1_APM_TABLE_BYTES: u64 = 20;
const VBE_CONTROL_INFO_BYTES: u64 = 512;
const VBE_MODE_INFO_BYTES: u64 = 256;
/** The longest string kept readable (a command line, the loader's name). */
const MAX_STRING: u64 = 4096;

const MB2_TAG_END: u32 = 0;
const MB2_TAG_CMDLINE: u32 = 1;
const MB2_TAG_MODULE: u32 = 3;
const MB2_TAG_MMAP: u32 = 6;
const MB2_TAG_ACPI_OLD: u32 = 14;
const MB2_TAG_ACPI_NEW: u32 = 15;

/** Multiboot v1 information structure (the fields the kernel reads). */
class Mb1Info {
  flags: u32;
  memLower: u32;
  memUpper: u32;
  bootDevice: u32;
  cmdline: u32;
  modsCount: u32;
  modsAddr: u32;
  /** With the ELF flag: number, size and address of the section headers, string table index. */
  syms: Arr<u32, 4>;
  mmapLength: u32;
  mmapAddr: u32;
  drivesLength: u32;
  drivesAddr: u32;
  configTable: u32;
  bootLoaderName: u32;
  apmTable: u32;
  vbeControlInfo: u32;
  vbeModeInfo: u32;
  vbeMode: u16;
  vbeInterfaceSeg: u16;
  vbeInterfaceOff: u16;
  vbeInterfaceLen: u16;
}
// Multiboot 0.6.96 §3.3, up to the VBE fields (the framebuffer fields that follow are not read).
layout(Mb1Info, {
  size: 88,
  offsets: {
    flags: 0,
    cmdline: 16,
    modsCount: 20,
    modsAddr: 24,
    syms: 28,
    mmapLength: 44,
    mmapAddr: 48,
    drivesLength: 52,
    drivesAddr: 56,
    configTable: 60,
    bootLoaderName: 64,
    apmTable: 68,
    vbeControlInfo: 72,
    vbeModeInfo: 76,
    vbeMode: 80,
    vbeInterfaceLen: 86,
  },
});

/** Multiboot v1 memory-map entry; `size` does not count itself. */
class Mb1MmapEntry {
  size: u32;
  base: u64;
  length: u64;
  type: u32;
}
layout(Mb1MmapEntry, {
  packed: true,
  size: 24,
  offsets: { size: 0, base: 4, length: 12, type: 20 },
});

/** Multiboot v1 module entry. */
class Mb1Module {
  start: u32;
  end: u32;
  cmdline: u32;
  reserved: u32;
}
layout(Mb1Module, { size: 16, offsets: { start: 0, end: 4, cmdline: 8 } });

/** Multiboot v2 tag header; tags are 8-byte aligned. */
class Mb2Tag {
  type: u32;
  size: u32;
}
layout(Mb2Tag, { size: 8, offsets: { type: 0, size: 4 } });

/** Multiboot v2 memory-map tag (type 6) header; entries follow. */
class Mb2MmapTag {
  type: u32;
  size: u32;
  entrySize: u32;
  entryVersion: u32;
}
layout(Mb2MmapTag, { size: 16, offsets: { entrySize: 8, entryVersion: 12 } });

/** Multiboot v2 module tag (type 3); the command line follows at offset 16. */
class Mb2ModuleTag {
  type: u32;
  size: u32;
  start: u32;
  end: u32;
}
layout(Mb2ModuleTag, { size: 16, offsets: { start: 8, end: 12 } });

class Mb2MmapEntry {
  base: u64;
  length: u64;
  type: u32;
  reserved: u32;
}
layout(Mb2MmapEntry, { size: 24, offsets: { base: 0, length: 8, type: 16 } });

/** Low memory is identity-mapped while booting. */
function early(pa: u64): Virt {
  return virt(pa);
}

/** Keeps the NUL-terminated string at `pa` readable for the root (at most MAX_STRING bytes). */
function stringSpan(pa: u64): void {
  const s = ptrFromVirt<u8>(early(pa));
  let n: u64 = 0;
  while (n < MAX_STRING - 1 && s.get(usize(n)) !== 0) n++;
  boot.addInfoSpan(pa, pa + n + 1);
}

/**
 * Multiboot v1: the structure points at its command lines, module list,
 * memory map and tables wherever the loader put them (QEMU -kernel: the page
 * after the kernel image). Each piece is kept out of the allocator, so the
 * root can read all of it through RSI as on NOVA (nova-abi.md §9.4).
 */
function parseMb1(pa: u64): void {
  const mbi = structAt<Mb1Info>(early(pa));
  boot.info.loader = 1;
  boot.info.infoStart = phys(pa);
  boot.info.infoEnd = phys(pa + sizeof<Mb1Info>());
  if ((mbi.flags & MB1_FLAG_CMDLINE) !== 0) {
    boot.info.cmdline = boot.keepString(early(u64(mbi.cmdline)));
    stringSpan(u64(mbi.cmdline));
  }
  if ((mbi.flags & MB1_FLAG_MODS) !== 0) {
    const list = u64(mbi.modsAddr);
    boot.addInfoSpan(list, list + u64(mbi.modsCount) * sizeof<Mb1Module>());
    for (let i: u32 = 0; i < mbi.modsCount; i++) {
      const m = structAt<Mb1Module>(early(list + u64(i) * sizeof<Mb1Module>()));
      boot.addModule(phys(u64(m.start)), phys(u64(m.end)), boot.keepString(early(u64(m.cmdline))));
      if (u64(i) < u64(boot.MAX_MODULES)) stringSpan(u64(m.cmdline));
    }
  }
  if ((mbi.flags & MB1_FLAG_ELF_SHDR) !== 0)
    boot.addInfoSpan(u64(mbi.syms[2]), u64(mbi.syms[2]) + u64(mbi.syms[0]) * u64(mbi.syms[1]));
  if ((mbi.flags & MB1_FLAG_DRIVES) !== 0)
    boot.addInfoSpan(u64(mbi.drivesAddr), u64(mbi.drivesAddr) + u64(mbi.drivesLength));
  if ((mbi.flags & MB1_FLAG_LOADER_NAME) !== 0) stringSpan(u64(mbi.bootLoaderName));
  if ((mbi.flags & MB1_FLAG_APM) !== 0)
    boot.addInfoSpan(u64(mbi.apmTable), u64(mbi.apmTable) + MB1_APM_TABLE_BYTES);
  if ((mbi.flags & MB1_FLAG_VBE) !== 0) {
    const control = u64(mbi.vbeControlInfo);
    const mode = u64(mbi.vbeModeInfo);
    boot.addInfoSpan(control, control + VBE_CONTROL_INFO_BYTES);
    boot.addInfoSpan(mode, mode + VBE_MODE_INFO_BYTES);
  }
  if ((mbi.flags & MB1_FLAG_MMAP) !== 0) {
    let at = u64(mbi.mmapAddr);
    const end = at + mbi.mmapLength;
    boot.addInfoSpan(at, end);
    while (at < end) {
      const e = structAt<Mb1MmapEntry>(early(at));
      boot.addRange(e.base, e.length, e.type);
      at += u64(e.size) + 4;
    }
  } else if ((mbi.flags & MB1_FLAG_MEMORY) !== 0) {
    // No map: the basic fields give KiB below 1 MiB and from 1 MiB up.
    boot.addRange(0, u64(mbi.memLower) * 1024, boot.MemoryType.AVAILABLE);
    boot.addRange(0x100000, u64(mbi.memUpper) * 1024, boot.MemoryType.AVAILABLE);
  }
}

function parseMb2(pa: u64): void {
  const totalSize = ptrFromVirt<u32>(early(pa)).load();
  boot.info.loader = 2;
  boot.info.infoStart = phys(pa);
  boot.info.infoEnd = phys(pa + totalSize);
  let at = pa + 8;
  const end = pa + totalSize;
  while (at + sizeof<Mb2Tag>() <= end) {
    const tag = structAt<Mb2Tag>(early(at));
    if (tag.type === MB2_TAG_END || tag.size < 8) break;
    if (tag.type === MB2_TAG_CMDLINE) boot.info.cmdline = boot.keepString(early(at + 8));
    else if (tag.type === MB2_TAG_MODULE) {
      const m = structAt<Mb2ModuleTag>(early(at));
      boot.addModule(phys(u64(m.start)), phys(u64(m.end)), boot.keepString(early(at + 16)));
    } else if (tag.type === MB2_TAG_MMAP) {
      const mm = structAt<Mb2MmapTag>(early(at));
      if (mm.entrySize >= sizeof<Mb2MmapEntry>()) {
        for (let e = at + 16; e + mm.entrySize <= at + tag.size; e += mm.entrySize) {
          const entry = structAt<Mb2MmapEntry>(early(e));
          boot.addRange(entry.base, entry.length, entry.type);
        }
      }
    } else if (
      tag.type === MB2_TAG_ACPI_NEW ||
      (tag.type === MB2_TAG_ACPI_OLD && u64(boot.info.rsdp) === 0)
    ) {
      boot.info.rsdp = early(at + 8); // prefer the ACPI 2.0 copy when both are given
      boot.info.rsdpLength = tag.size - 8;
    }
    at += (u64(tag.size) + 7) & ~7;
  }
}

/** Fills the boot description; false for an unknown boot loader. */
export function parse(magic: u32, info: Phys): bool {
  if (magic === MULTIBOOT1_BOOTLOADER_MAGIC) parseMb1(u64(info));
  else if (magic === MULTIBOOT2_BOOTLOADER_MAGIC) parseMb2(u64(info));
  else return false;
  return true;
}
