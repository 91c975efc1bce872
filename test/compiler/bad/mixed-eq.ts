// expect: KTS1202 5:12
// Equality of an i64 and a u32 mixes signedness, although i64 holds every u32.

export function f(a: i64, b: u32): bool {
  return a === b;
}
