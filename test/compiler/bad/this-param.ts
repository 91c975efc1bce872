// expect: KTS1307 8:10
// A `this` parameter on a module-level function.

export class C {
  v: u32;
}
export function f(this: C): u32 {
  return this.v;
}
