// expect: KTS1204 5:15
// A negative shift count is out of range, as a count past the width is.

export function f(x: u32): u32 {
  return x << -1;
}
