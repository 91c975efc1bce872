// expect: KTS1205 5:10
// `as any`.

export function f(x: u64): u32 {
  return x as any;
}
