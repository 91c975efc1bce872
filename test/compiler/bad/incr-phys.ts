// expect: KTS1213 5:3
// `++` on an address.

export function f(p: Phys): Phys {
  p++;
  return p;
}
