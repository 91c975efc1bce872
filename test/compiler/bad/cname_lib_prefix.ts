// expect: KTS1109 8:5
// Module names that overlap: this module is `cname_lib_prefix`, `cname-lib/prefix_b.ts` is
// `cname_lib_prefix_b`, so this `b_c` and that `c` are both `cname_lib_prefix_b_c`. A static
// meets the other module's name as well: the kernel compiles all modules as one C unit.

import { c } from "./cname-lib/prefix_b.ts";

let b_c: u32 = 2;

export function f(): u32 {
  b_c += c();
  return b_c;
}
