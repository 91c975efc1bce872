// expect: KTS1213 5:12
// Pointers are compared for equality only.

export function f(p: Ptr<u8>, q: Ptr<u8>): bool {
  return p < q;
}
