// expect: KTS1103 6:22
// expect: KTS1103 9:22
// Only a parameter itself takes an array of any length; inside another array, or as a pointer's
// target, `Arr<T, number>` has no layout in C.

export function f(a: Arr<Arr<u8, number>, 2>): u8 {
  return a[0][0];
}
export function g(p: Ptr<Arr<u8, number>>): u8 {
  return p.load()[0];
}
