// expect: KTS1001 5:13
// Syntax error: a missing operand.

export function f(x: u32): u32 {
  return x +;
}
