// expect: KTS1317 8:10
// A duplicate case label.

export function f(x: u32): u32 {
  switch (x) {
    case 1:
      return 10;
    case 1:
      return 20;
  }
  return 0;
}
