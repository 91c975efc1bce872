// expect: KTS1209 5:12
// `>>>`.

export function f(x: u32): u32 {
  return x >>> 4;
}
