// expect: KTS1308 5:16
// `x++` used as a value.

export function f(x: u32): u32 {
  let y: u32 = x++;
  return y;
}
