// expect: KTS1211 8:10
// A loop condition of pointer type: compare with null.

class C {
  n: C | null;
}
export function f(p: C | null): void {
  while (p) p = p.n;
}
