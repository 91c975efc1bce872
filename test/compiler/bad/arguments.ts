// expect: KTS1312 5:13
// `arguments` is JavaScript runtime, as the other names of tsc's library are.

export function f(a: u32): u32 {
  const x = arguments;
  return a;
}
