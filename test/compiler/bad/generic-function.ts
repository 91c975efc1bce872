// expect: KTS1105 4:26
// A generic function.

export function identity<T>(x: T): T {
  return x;
}
