// expect: KTS1307 8:12
// `instanceof`.
export class A {
  x: u32;
}

export function f(a: A): bool {
  return a instanceof A;
}
