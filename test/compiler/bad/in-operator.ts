// expect: KTS1307 9:14
// `in`.

export class A {
  x: u32;
}

export function f(a: A): bool {
  return "x" in a;
}
