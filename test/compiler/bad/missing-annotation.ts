// expect: KTS1104 5:7
// A local initialised with a bare integer literal has no type.

export function f(): u32 {
  let count = 5;
  return count;
}
