// expect: KTS1213 5:11
// switch takes an integer; strings are not compared.

export function f(s: str): u32 {
  switch (s) {
    case "a":
      return 1;
  }
  return 0;
}
