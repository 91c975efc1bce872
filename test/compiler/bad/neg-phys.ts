// expect: KTS1213 5:10
// Negating an address.

export function f(p: Phys): Phys {
  return -p;
}
