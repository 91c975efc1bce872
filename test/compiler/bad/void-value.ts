// expect: KTS1213 5:13
// Storing the result of a void function.

export function f(): void {
  const r = log("hello");
}
