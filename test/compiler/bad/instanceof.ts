// expect: KTS1307 9:12
// `instanceof`.

export class A {
  x: u32;
}

export function f(a: A): bool {
  return a instanceof A;
}
