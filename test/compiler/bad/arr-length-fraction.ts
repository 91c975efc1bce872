// expect: KTS1103 5:6
// An array's length is a non-negative integer (tsc accepts 2.5 and -1 as type arguments).

class A {
  x: Arr<u8, 2.5>;
}

export function f(a: A): u8 {
  return a.x[0];
}
