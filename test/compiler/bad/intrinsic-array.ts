// expect: KTS1316 9:16
// `array<T, N>()` outside a declaration.

function first(a: Arr<u8, 4>): u8 {
  return a[0];
}

export function f(): u8 {
  return first(array<u8, 4>());
}
