// expect: KTS1308 5:10
// `x++` as a returned value.

export function f(x: u32): u32 {
  return x++;
}
