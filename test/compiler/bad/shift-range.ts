// expect: KTS1204 5:15
// Shift count out of range: `x << 32` on a u32.

export function f(x: u32): u32 {
  return x << 32;
}
