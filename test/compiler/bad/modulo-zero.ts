// expect: KTS1208 5:8
// Remainder by constant zero in `%=`.

export function f(x: u64): u64 {
  x %= 0;
  return x;
}
