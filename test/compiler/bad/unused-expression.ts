// expect: KTS1306 5:3
// An expression statement that is not a call, assignment or increment.

export function f(x: u32): void {
  x + 1;
}
