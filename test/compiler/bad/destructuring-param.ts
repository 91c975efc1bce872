// expect: KTS1309 9:21
// A destructuring parameter.

export class Pair {
  a: u32;
  b: u32;
}

export function sum({ a, b }: Pair): u32 {
  return a + b;
}
