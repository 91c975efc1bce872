// expect: KTS1105 3:26
// A generic function.
export function identity<T>(x: T): T {
  return x;
}
