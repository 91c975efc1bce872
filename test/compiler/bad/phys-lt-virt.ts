// expect: KTS1212 5:17
// An address compared with an integer of another kind: convert both or neither.

export function f(a: Phys, b: Virt): bool {
  return u64(a) < b;
}
