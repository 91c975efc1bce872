// expect: KTS1207 5:21
// A non-integer literal.

export function f(): u32 {
  const half: u32 = 0.5;
  return half;
}
