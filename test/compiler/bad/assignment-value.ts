// expect: KTS1308 6:8
// An assignment used as a value.

export function f(x: u32): u32 {
  let y: u32 = 0;
  if ((y = x) > 4) return y;
  return 0;
}
