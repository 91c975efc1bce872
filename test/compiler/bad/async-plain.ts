// expect: KTS1303 4:23
// An `async` function without a return type.

export async function f() {}
