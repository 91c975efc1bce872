// expect: KTS1308 7:7
// A chained assignment uses an assignment as a value.

export function f(): u32 {
  let a: u32 = 0;
  let b: u32 = 0;
  a = b = 1;
  return a + b;
}
