// expect: KTS1103 4:23
// A parameter of type never (or void) cannot be passed.

export function f(_x: never): u32 {
  return 0;
}
