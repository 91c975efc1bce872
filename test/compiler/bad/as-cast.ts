// expect: KTS1205 5:10
// `as` is not a conversion.

export function f(x: u64): u32 {
  return x as u32;
}
