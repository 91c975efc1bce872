// expect: KTS1201 5:12
// A signed array index.

export function f(a: Arr<u8, 16>, i: i32): u8 {
  return a[i];
}
