// expect: KTS1103 4:22
// Tuples are not part of the dialect.

export function f(p: [u8, u8]): u8 {
  return p[0];
}
