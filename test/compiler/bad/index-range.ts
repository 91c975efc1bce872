// expect: KTS1203 5:12
// A constant index past the end of a fixed array.

export function f(a: Arr<u8, 4>): u8 {
  return a[4];
}
