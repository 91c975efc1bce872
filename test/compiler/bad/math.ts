// expect: KTS1312 5:10
// `Math`.

export function f(a: u32, b: u32): u32 {
  return Math.max(a, b);
}
