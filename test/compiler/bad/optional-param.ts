// expect: KTS1309 4:27
// An optional parameter.

export function f(x: u32, y?: u32): u32 {
  return x;
}
