// What every ACPI table parser shares: the System Description Table header,
// the checksum, the Generic Address Structure and bounded little-endian reads.
//
// A parser gets a table's virtual address and the number of bytes it may
// read (`avail`). check() validates the header against `avail`; after that a
// parser reads only below the length check() returned, at offsets it has
// compared with that length first. ACPI tables are byte-packed: multi-byte
// fields sit at any alignment, so they are read through packed structs or
// byte by byte, never through an aligned pointer.

export const HEADER_SIZE: u32 = 36;

/** ACPI 6.5 §5.2.6, System Description Table Header. */
export class SdtHeader {
  signature: Arr<u8, 4>;
  length: u32;
  revision: u8;
  checksum: u8;
  oemId: Arr<u8, 6>;
  oemTableId: Arr<u8, 8>;
  oemRevision: u32;
  creatorId: u32;
  creatorRevision: u32;
}
layout(SdtHeader, {
  packed: true,
  size: 36,
  offsets: {
    signature: 0,
    length: 4,
    revision: 8,
    checksum: 9,
    oemId: 10,
    oemTableId: 16,
    oemRevision: 24,
    creatorId: 28,
    creatorRevision: 32,
  },
});

/** ACPI 6.5 §5.2.3.2, Generic Address Structure. */
export class Gas {
  spaceId: u8;
  bitWidth: u8;
  bitOffset: u8;
  accessSize: u8;
  address: u64;
}
layout(Gas, {
  packed: true,
  size: 12,
  offsets: { spaceId: 0, bitWidth: 1, bitOffset: 2, accessSize: 3, address: 4 },
});

/** Address space ids of a Generic Address Structure. */
export enum Space {
  MEMORY = 0,
  IO = 1,
  PCI_CONFIG = 2,
}

export function spaceName(id: u8): str {
  if (id === Space.MEMORY) return "memory";
  if (id === Space.IO) return "I/O";
  if (id === Space.PCI_CONFIG) return "PCI config";
  return "other";
}

export function u8At(va: Virt, off: u32): u8 {
  return ptrFromVirt<u8>(va).get(off);
}

export function u16At(va: Virt, off: u32): u16 {
  return u16(u8At(va, off)) | (u16(u8At(va, off + 1)) << 8);
}

export function u32At(va: Virt, off: u32): u32 {
  return u32(u16At(va, off)) | (u32(u16At(va, off + 2)) << 16);
}

export function u64At(va: Virt, off: u32): u64 {
  return u64(u32At(va, off)) | (u64(u32At(va, off + 4)) << 32);
}

/** The 8-bit sum of `len` bytes: 0 for a table with a correct checksum. */
export function sum(va: Virt, len: u32): u8 {
  const p = ptrFromVirt<u8>(va);
  let s: u8 = 0;
  for (let i: u32 = 0; i < len; i++) s += p.get(i);
  return s;
}

/** A 4-character signature as the little-endian u32 the bytes form. */
export function sigValue(sig: str): u32 {
  let v: u32 = 0;
  for (let i: usize = 0; i < 4 && i < strLength(sig); i++) v |= u32(strByte(sig, i)) << (8 * i);
  return v;
}

/** `len` bytes at `va` as a NUL-terminated, printable string in `out` ('?' for other bytes). */
export function copyText(va: Virt, len: u32, out: Arr<u8, number>, cap: u32): void {
  let i: u32 = 0;
  for (; i < len && i + 1 < cap; i++) {
    const c = u8At(va, i);
    out[i] = c >= 0x20 && c < 0x7f ? c : 0x3f;
  }
  if (cap !== 0) out[i] = 0;
}

/**
 * Validates the header of a table that must have signature `sig`: at least
 * `minLength` bytes long, no longer than the `avail` bytes readable at `va`,
 * bytes summing to zero. Returns the table's length, or 0 after logging why
 * it was rejected as `<tag>: <what> rejected: <reason>`.
 */
export function check(va: Virt, avail: u32, sig: str, minLength: u32, tag: str, what: str): u32 {
  if (avail < HEADER_SIZE) {
    log(`${tag}: ${what} rejected: ${avail} bytes cannot hold the ${HEADER_SIZE}-byte header`);
    return 0;
  }
  if (u32At(va, 0) !== sigValue(sig)) {
    log(`${tag}: ${what} rejected: signature ${hex(u32At(va, 0))} is not ${sig}`);
    return 0;
  }
  const length = structAt<SdtHeader>(va).length;
  const min = minLength < HEADER_SIZE ? HEADER_SIZE : minLength;
  if (length < min) {
    log(`${tag}: ${what} rejected: length ${length} below the minimum of ${min}`);
    return 0;
  }
  if (length > avail) {
    log(`${tag}: ${what} rejected: length ${length} beyond the ${avail} bytes available`);
    return 0;
  }
  const s = sum(va, length);
  if (s !== 0) {
    log(`${tag}: ${what} rejected: checksum off by ${hex(s)}`);
    return 0;
  }
  return length;
}

const HEX_DIGITS: str = "0123456789abcdef";

/**
 * A PCI function as `bb:dd.f` (bus, device, function in hex) written into
 * `out`, which must hold 8 bytes; returns it as a string. `devfn` is
 * device << 3 | function, as ACPI tables and PCI requester ids store it.
 */
export function bdf(bus: u8, devfn: u8, out: Arr<u8, number>): str {
  out[0] = strByte(HEX_DIGITS, usize(bus >> 4));
  out[1] = strByte(HEX_DIGITS, usize(bus & 0xf));
  out[2] = 0x3a;
  out[3] = strByte(HEX_DIGITS, usize(devfn >> 7));
  out[4] = strByte(HEX_DIGITS, usize((devfn >> 3) & 0xf));
  out[5] = 0x2e;
  out[6] = strByte(HEX_DIGITS, usize(devfn & 7));
  out[7] = 0;
  return strFromBytes(out);
}
