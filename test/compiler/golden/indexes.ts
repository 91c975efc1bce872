// Array indexes whose largest value the compiler proves below the length go
// without the run-time check (compiler/lower/bounds.ts); every other index
// keeps kts_index.

const table = array<u32, 16>();
const bytes = array<u8, 256>();

/** A mask: no check. */
export function masked(x: u64): u32 {
  return table[x & 0xf];
}

/** A const local holding a masked value, through a conversion: no check. */
export function maskedLocal(x: u64): u32 {
  const i = u32(x & 15);
  return table[i];
}

/** A remainder by a constant: no check. */
export function remainder(x: u32): u32 {
  return table[x % 16];
}

/** A shift of a u8 by 4 is at most 15: no check. */
export function shifted(x: u8): u32 {
  return table[x >> 4];
}

/** A u8 into 256 elements: no check. */
export function byType(x: u8): u8 {
  return bytes[x];
}

/** A mask wider than the array: checked. */
export function maskTooWide(x: u64): u32 {
  return table[x & 0x1f];
}

/** A `let` may change after its initializer: checked. */
export function changed(x: u64): u32 {
  let i = x & 0xf;
  i = i + 1;
  return table[i];
}

/** A parameter: checked. */
export function parameter(i: usize): u32 {
  return table[i];
}
