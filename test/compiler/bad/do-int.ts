// expect: KTS1211 6:10
// The condition of do-while must be bool.

export function f(x: u32): void {
  do x = x - 1;
  while (x);
}
