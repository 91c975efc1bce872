// expect: KTS1103 10:26
// Inline<C> is storage in a field or array, not a result.

export class C {
  v: u32;
}
class H {
  c: Inline<C>;
}
export function f(h: H): Inline<C> {
  return h.c;
}
