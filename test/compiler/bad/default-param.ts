// expect: KTS1309 4:19
// A default parameter.

export function f(x: u32 = 1): u32 {
  return x;
}
