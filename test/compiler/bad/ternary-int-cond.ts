// expect: KTS1211 5:10
// The condition of ?: must be bool.

export function f(x: u8): u8 {
  return x ? 1 : 2;
}
