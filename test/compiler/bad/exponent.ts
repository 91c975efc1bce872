// expect: KTS1307 5:12
// `**` is not part of the dialect.

export function f(x: u32): u32 {
  return x ** 2;
}
