// expect: KTS1002 9:19
// A type error tsc reports: too many arguments.

function twice(x: u32): u32 {
  return x * 2;
}

export function f(): u32 {
  return twice(1, 2);
}
