// expect: KTS1203 5:10
// One below i64's minimum: -9223372036854775809.

export function f(): i64 {
  return -9223372036854775809;
}
