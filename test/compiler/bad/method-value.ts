// expect: KTS1307 12:12
// A method is not a value: there are no bound methods (with tsc's own error silenced here).

class A {
  m(): u32 {
    return 1;
  }
}

export function f(a: A): u32 {
  // @ts-ignore
  return a.m;
}
