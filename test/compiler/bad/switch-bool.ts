// expect: KTS1213 5:11
// `switch` on a bool.

export function f(flag: bool): u32 {
  switch (flag) {
    case true:
      return 1;
  }
  return 0;
}
