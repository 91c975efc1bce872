// expect: KTS1204 5:9
// A compound shift of a u16 by 16 (0..15).

export function f(x: u16): u16 {
  x <<= 16;
  return x;
}
