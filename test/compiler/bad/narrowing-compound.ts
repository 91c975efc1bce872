// expect: KTS1201 6:8
// Implicit narrowing in a compound assignment: `i += a` with i: u8, a: u32.

export function f(a: u32): u8 {
  let i: u8 = 0;
  i += a;
  return i;
}
