// expect: KTS1314 7:16
// A local initialized from a fixed array: C cannot copy it (the C used to
// declare a zero-filled array instead).

export function f(): u8 {
  const a = array<u8, 4>();
  const copy = a;
  return copy[0];
}
