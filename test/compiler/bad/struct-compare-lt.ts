// expect: KTS1213 8:12
// Objects are compared for equality only.

export class C {
  v: u32;
}
export function f(p: C, q: C): bool {
  return p < q;
}
