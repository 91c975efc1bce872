// expect: KTS1212 5:12
// Multiplying an address.

export function f(p: Phys): Phys {
  return p * 2;
}
