// expect: KTS1306 6:3
// `for-of`.

export function f(a: Arr<u32, 4>): u32 {
  let sum: u32 = 0;
  for (const v of a) sum += v;
  return sum;
}
