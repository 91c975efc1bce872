// expect: KTS1315 5:3
// A nested function declaration.

export function f(x: u32): u32 {
  function inner(y: u32): u32 {
    return y + 1;
  }
  return inner(x);
}
