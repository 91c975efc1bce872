// expect: KTS1303 5:23
// expect: KTS1303 7:23
// expect: KTS1303 8:3
// `async` functions and `await`.
export async function f(): void {}

export async function g(): void {
  await f();
}
