// expect: KTS1309 10:9
// A destructuring declaration.

export class Pair {
  a: u32;
  b: u32;
}

export function f(p: Pair): u32 {
  const { a, b } = p;
  return a + b;
}
