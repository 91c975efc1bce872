// expect: KTS1302 5:16
// `throw`.

export function f(x: u32): u32 {
  if (x === 0) throw 1;
  return x;
}
