// expect: KTS1202 5:5
// A compound assignment of an i8 into a u8 mixes signedness.

export function f(a: u8, b: i8): u8 {
  a += b;
  return a;
}
