// expect: KTS1213 5:11
// switch takes an integer, not an address.

export function f(x: Phys): u32 {
  switch (x) {
    case phys(1):
      return 1;
  }
  return 0;
}
