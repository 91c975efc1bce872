// A u64 narrowed into a u32 without a conversion: stock tsc must reject it.
export function low(x: u64): u32 {
  const y: u32 = x;
  return y;
}
