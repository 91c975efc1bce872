// expect: KTS1205 4:10
// `as any`.
export function f(x: u64): u32 {
  return x as any;
}
