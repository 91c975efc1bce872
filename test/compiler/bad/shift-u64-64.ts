// expect: KTS1204 5:15
// A constant shift count of 64 on a u64 (0..63).

export function f(x: u64): u64 {
  return x >> 64;
}
