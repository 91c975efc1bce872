// expect: KTS1103 9:3
// A struct that embeds itself, here through another struct, would have no size.

class A {
  b: Inline<B>;
}

class B {
  a: Inline<A>;
}

export function f(x: A): B {
  return x.b;
}
