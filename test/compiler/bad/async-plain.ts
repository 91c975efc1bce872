// expect: KTS1303 3:23
// An `async` function without a return type.
export async function f() {}
