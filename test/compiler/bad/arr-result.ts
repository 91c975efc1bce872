// expect: KTS1103 8:26
// C returns no arrays.

class A {
  x: Arr<u8, 4>;
}

export function f(a: A): Arr<u8, 4> {
  return a.x;
}
