// expect: KTS1306 5:3
// `debugger`.

export function f(): void {
  debugger;
}
