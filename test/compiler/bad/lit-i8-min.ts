// expect: KTS1203 5:10
// The literal -129 at i8, one below i8's range (-128..127).

export function f(): i8 {
  return -129;
}
