// expect: KTS1315 5:3
// A class declared inside a function.

export function f(): void {
  class Local {
    x: u32;
  }
}
