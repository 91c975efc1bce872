// expect: KTS1316 5:13
// `hex()` outside a log template.

export function f(x: u32): void {
  const h = hex(x);
}
