// expect: KTS1213 5:10
// A whole array has no log format.

export function f(a: Arr<u8, 2>): void {
  log(`${a}`);
}
