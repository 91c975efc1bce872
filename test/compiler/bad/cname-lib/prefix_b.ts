// A valid module, `cname_lib_prefix_b` in C: its `c` is `cname_lib_prefix_b_c`, as is the
// variable `b_c` of the corpus program cname_lib_prefix.ts, which is reported (KTS1109).

export function c(): u32 {
  return 1;
}
