// expect: KTS1319 6:9
// expect: KTS1319 9:10
// Unused declarations: C's -Wunused-* would reject them under -Werror.

export function f(x: u32): u32 {
  const twice = x * 2;
  return x;
}
function helper(): void {}
