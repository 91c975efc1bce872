// expect: KTS1303 6:23
// expect: KTS1303 8:23
// expect: KTS1303 9:3
// `async` functions and `await`.

export async function f(): void {}

export async function g(): void {
  await f();
}
