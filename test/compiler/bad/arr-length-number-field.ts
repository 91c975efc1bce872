// expect: KTS1103 5:6
// `Arr<T, number>` has no length: only a parameter may take an array of any length.

class A {
  x: Arr<u8, number>;
}

export function f(a: A): u8 {
  return a.x[0];
}
