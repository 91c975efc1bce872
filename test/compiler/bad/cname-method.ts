// expect: KTS1109 15:3
// Two methods with one C name: `A.b_c` and `A_b.c` are both `A_b_c`.

class A {
  x: u32;

  b_c(): u32 {
    return this.x;
  }
}

class A_b {
  y: u32;

  c(): u32 {
    return this.y;
  }
}

export function f(a: A, b: A_b): u32 {
  return a.b_c() + b.c();
}
