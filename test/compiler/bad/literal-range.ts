// expect: KTS1203 5:17
// Literal out of range: 256 in a u8.

export function f(): u8 {
  const v: u8 = 256;
  return v;
}
