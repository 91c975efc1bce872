// expect: KTS1211 5:10
// `!` takes a bool: an integer is compared explicitly.

export function f(x: u32): bool {
  return !x;
}
