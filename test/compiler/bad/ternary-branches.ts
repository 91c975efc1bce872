// expect: KTS1201 5:13
// Conditional branches of different types.

export function f(c: bool, a: u64, p: Phys): u64 {
  const r = c ? a : p;
  return 0;
}
