// expect: KTS1211 5:7
// A non-bool `if` condition.

export function f(x: u32): u32 {
  if (x) return 1;
  return 0;
}
