// expect: KTS1103 4:22
// A literal type is not a width.

export function f(x: 1): u32 {
  return x;
}
