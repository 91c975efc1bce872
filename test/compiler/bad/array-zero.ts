// expect: KTS1316 6:13
// expect: KTS1203 7:12
// array<T, N>() with N = 0.

export function f(): u8 {
  const a = array<u8, 0>();
  return a[0];
}
