// expect: KTS1204 5:9
// Shift count out of range in `<<=`.

export function f(x: u32): u32 {
  x <<= 40;
  return x;
}
