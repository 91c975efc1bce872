// expect: KTS1301 5:18
// An arrow function (closure).

export function f(x: u32): u32 {
  const double = (v: u32): u32 => v * 2;
  return double(x);
}
