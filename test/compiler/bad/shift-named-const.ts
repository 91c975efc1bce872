// expect: KTS1204 8:15
// expect: KTS1204 12:9
// A shift count that is a named constant is range-checked like a literal.

const W: u32 = 32;

export function f(x: u32): u32 {
  return x << W;
}

export function g(x: u64): u64 {
  x <<= W + W;
  return x;
}
