// expect: KTS1211 5:10
// `!` on an integer.

export function f(x: u32): bool {
  return !x;
}
