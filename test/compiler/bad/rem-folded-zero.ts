// expect: KTS1208 5:14
// A remainder by `(1 << 4) - 16`, which folds to zero.

export function f(x: i32): i32 {
  return x % ((1 << 4) - 16);
}
