// Multiboot v1 and v2 boot information: the memory map, read from the
// structures the boot loader left in low memory (identity-mapped at boot).

export const MB1_MAGIC: u32 = 0x2badb002;
export const MB2_MAGIC: u32 = 0x36d76289;

const MB1_FLAG_MMAP: u32 = 1 << 6;
const MB2_TAG_END: u32 = 0;
const MB2_TAG_MMAP: u32 = 6;
/** Memory-map type of RAM the OS may use (both versions). */
const MEMORY_AVAILABLE: u32 = 1;

/** Multiboot v1 information structure (the fields the kernel reads). */
class Mb1Info {
  flags: u32;
  memLower: u32;
  memUpper: u32;
  bootDevice: u32;
  cmdline: u32;
  modsCount: u32;
  modsAddr: u32;
  syms: Arr<u32, 4>;
  mmapLength: u32;
  mmapAddr: u32;
}
layout(Mb1Info, {
  size: 52,
  offsets: { flags: 0, cmdline: 16, modsCount: 20, mmapLength: 44, mmapAddr: 48 },
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

function usableMb1(info: Mb1Info): u64 {
  if ((info.flags & MB1_FLAG_MMAP) === 0) {
    // No map: the basic fields give KiB below 1 MiB and above 1 MiB.
    return (u64(info.memLower) + u64(info.memUpper)) * 1024;
  }
  let total: u64 = 0;
  let at = u64(info.mmapAddr);
  const end = at + info.mmapLength;
  while (at < end) {
    const e = structAt<Mb1MmapEntry>(early(at));
    if (e.type === MEMORY_AVAILABLE) total += e.length;
    at += u64(e.size) + 4;
  }
  return total;
}

function usableMb2(infoPa: u64): u64 {
  let total: u64 = 0;
  const totalSize = ptrFromVirt<u32>(early(infoPa)).load();
  let at = infoPa + 8;
  const end = infoPa + totalSize;
  while (at + 8 <= end) {
    const tag = structAt<Mb2Tag>(early(at));
    if (tag.type === MB2_TAG_END) break;
    if (tag.type === MB2_TAG_MMAP) {
      const mm = structAt<Mb2MmapTag>(early(at));
      for (let e = at + 16; e + mm.entrySize <= at + tag.size; e += mm.entrySize) {
        const entry = structAt<Mb2MmapEntry>(early(e));
        if (entry.type === MEMORY_AVAILABLE) total += entry.length;
      }
    }
    at += (u64(tag.size) + 7) & ~7;
  }
  return total;
}

/** Bytes of usable RAM the boot loader reports, or 0 for an unknown loader. */
export function usableMemory(magic: u32, info: Phys): u64 {
  if (magic === MB1_MAGIC) return usableMb1(structAt<Mb1Info>(early(u64(info))));
  if (magic === MB2_MAGIC) return usableMb2(u64(info));
  return 0;
}
