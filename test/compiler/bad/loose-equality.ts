// expect: KTS1210 5:12
// `==`.

export function f(x: u32): bool {
  return x == 0;
}
