// expect: KTS1307 5:26
// An array literal.

export function f(): u32 {
  const a: Arr<u32, 3> = [1, 2, 3];
  return a[0];
}
