// expect: KTS1208 8:8
// Compound division by a named constant that is zero.

const NONE: u32 = 0;

export function f(x: u32): u32 {
  let y = x;
  y /= NONE;
  return y;
}
