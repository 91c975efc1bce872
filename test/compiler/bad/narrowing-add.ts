// expect: KTS1201 5:15
// Implicit narrowing: `let y: u8 = x + 1` with x: u32.

export function f(x: u32): u8 {
  let y: u8 = x + 1;
  return y;
}
