// expect: KTS1202 5:12
// Mixed signedness: u32 + i32.

export function f(a: u32, b: i32): i64 {
  return a + b;
}
