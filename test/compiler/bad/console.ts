// expect: KTS1312 4:3
// `console`.
export function f(): void {
  console.log("hello");
}
