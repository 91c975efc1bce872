// expect: KTS1208 5:14
// Division by constant zero.

export function f(x: u32): u32 {
  return x / 0;
}
