// expect: KTS1316 4:13
// `hex()` outside a log template.
export function f(x: u32): void {
  const h = hex(x);
}
