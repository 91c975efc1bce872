// expect: KTS1306 4:3
// `debugger`.
export function f(): void {
  debugger;
}
