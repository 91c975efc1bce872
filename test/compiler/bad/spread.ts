// expect: KTS1002 10:15
// expect: KTS1307 10:15
// A spread argument (tsc also rejects it).

function sum3(a: u32, b: u32, c: u32): u32 {
  return a + b + c;
}

export function f(xs: Arr<u32, 3>): u32 {
  return sum3(...xs);
}
