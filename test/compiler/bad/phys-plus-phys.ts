// expect: KTS1212 5:12
// The sum of two physical addresses has no meaning.

export function f(a: Phys, b: Phys): Phys {
  return a + b;
}
