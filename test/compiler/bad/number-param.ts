// expect: KTS1101 4:22
// `number` as a parameter type.

export function f(x: number): u32 {
  return 0;
}
