// expect: KTS1213 5:12
// bools are not ordered.

export function f(a: bool, b: bool): bool {
  return a < b;
}
