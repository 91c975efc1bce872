// expect: KTS1212 5:12
// Phys and Virt mixed in one expression.

export function f(p: Phys, v: Virt): u64 {
  return p - v;
}
