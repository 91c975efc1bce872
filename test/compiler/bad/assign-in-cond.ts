// expect: KTS1308 5:8
// An assignment inside a condition.

export function f(x: u32): u32 {
  if ((x = 1) === 1) return 2;
  return x;
}
