// expect: KTS1307 5:10
// `satisfies` is not part of the dialect.

export function f(x: u32): u32 {
  return x satisfies u32;
}
