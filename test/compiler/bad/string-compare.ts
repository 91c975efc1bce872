// expect: KTS1304 5:10
// String comparison.

export function f(a: str, b: str): bool {
  return a === b;
}
