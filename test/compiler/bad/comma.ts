// expect: KTS1307 7:13
// The comma operator.

export function f(): u32 {
  let i: u32 = 0;
  let j: u32 = 0;
  for (i = 0, j = 10; i < j; i++) {}
  return i;
}
