// expect: KTS1205 4:10
// `as` is not a conversion.
export function f(x: u64): u32 {
  return x as u32;
}
