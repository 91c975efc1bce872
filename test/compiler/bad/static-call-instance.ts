// expect: KTS1307 12:10
// expect: KTS1002 12:12
// An instance method called on the class.

export class A {
  v: u32;
  m(): u32 {
    return this.v;
  }
}
export function f(): u32 {
  return A.m();
}
