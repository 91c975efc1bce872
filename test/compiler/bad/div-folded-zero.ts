// expect: KTS1208 5:14
// A divisor that folds to zero, `(2 - 2)`, is a constant zero divisor.

export function f(x: u32): u32 {
  return x / (2 - 2);
}
