// expect: KTS1312 5:3
// `console`.

export function f(): void {
  console.log("hello");
}
