// expect: KTS1317 6:10
// A non-constant case label.

export function f(x: u32, y: u32): u32 {
  switch (x) {
    case y:
      return 1;
  }
  return 0;
}
