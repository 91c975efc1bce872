// expect: KTS1304 5:10
// Strings are not compared.

export function f(a: str, b: str): bool {
  return a < b;
}
