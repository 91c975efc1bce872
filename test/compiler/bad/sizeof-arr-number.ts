// expect: KTS1316 5:10
// An array without a length has no size.

export function f(): usize {
  return sizeof<Arr<u8, number>>();
}
