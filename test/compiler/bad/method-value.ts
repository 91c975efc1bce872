// expect: KTS1307 12:15
// A method used as a value.

export class A {
  x: u32;
  get(): u32 {
    return this.x;
  }
}

export function f(a: A): void {
  const g = a.get;
}
