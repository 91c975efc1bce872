// expect: KTS1204 5:15
// A constant shift count of 8 on a u8 is out of range (0..7), though C would promote to int.

export function f(x: u8): u8 {
  return x << 8;
}
