// expect: KTS1109 10:17
// An enum member and a function with one C name: `cname_enum.function_run` and this module's
// `run` are both `cname_enum_function_run` (a macro and a function: the C would not parse).

enum cname_enum {
  function_run = 1,
}

/** Returns the member. */
export function run(): u32 {
  return cname_enum.function_run;
}
