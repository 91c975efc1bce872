// expect: KTS1203 6:10
// A case label that does not fit the switch's type is that, not a label that is no constant.

export function f(x: u8): u32 {
  switch (x) {
    case 300:
      return 1;
  }
  return 0;
}
