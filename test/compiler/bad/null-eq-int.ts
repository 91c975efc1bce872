// expect: KTS1213 5:12
// An integer is never null.

export function f(a: u32): bool {
  return a === null;
}
