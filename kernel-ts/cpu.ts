// The boot CPU's identity from CPUID: vendor string and brand string.

const LEAF_VENDOR: u32 = 0;
const LEAF_EXT_MAX: u32 = 0x80000000;
const LEAF_BRAND_FIRST: u32 = 0x80000002;
const LEAF_BRAND_LAST: u32 = 0x80000004;

/** 12 vendor bytes + NUL, e.g. "AuthenticAMD". */
const vendorBytes = array<u8, 13>();
/** 48 brand bytes + NUL. */
const brandBytes = array<u8, 49>();

function storeWord(dst: Arr<u8, number>, at: usize, word: u32): void {
  dst[at] = u8(word);
  dst[at + 1] = u8(word >> 8);
  dst[at + 2] = u8(word >> 16);
  dst[at + 3] = u8(word >> 24);
}

export function identify(): void {
  const r = array<u32, 4>();
  cpuid(LEAF_VENDOR, 0, r);
  // The vendor string is EBX, EDX, ECX in that order.
  storeWord(vendorBytes, 0, r[1]);
  storeWord(vendorBytes, 4, r[3]);
  storeWord(vendorBytes, 8, r[2]);

  cpuid(LEAF_EXT_MAX, 0, r);
  if (r[0] < LEAF_BRAND_LAST) return; // no brand string: stays empty
  let at: usize = 0;
  for (let leaf = LEAF_BRAND_FIRST; leaf <= LEAF_BRAND_LAST; leaf++) {
    cpuid(leaf, 0, r);
    for (let i: usize = 0; i < 4; i++) {
      storeWord(brandBytes, at, r[i]);
      at += 4;
    }
  }
  // Some CPUs right-align the brand with leading blanks: drop them.
  let skip: usize = 0;
  while (skip < 48 && brandBytes[skip] === 0x20) skip++;
  for (let i: usize = 0; i + skip <= 48; i++) brandBytes[i] = brandBytes[i + skip];
}

export function vendor(): str {
  return strFromBytes(vendorBytes);
}

export function brand(): str {
  return strFromBytes(brandBytes);
}
