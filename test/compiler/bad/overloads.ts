// expect: KTS1106 4:1
// An overload signature is a declaration without a body.

export function f(a: u8): u8;
export function f(a: u8): u8 {
  return a;
}
