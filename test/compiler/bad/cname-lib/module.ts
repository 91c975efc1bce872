// A valid module whose C name, `cname_lib_module`, is also that of the corpus program
// cname_lib_module.ts: `-` in a path is `_` in C. It sorts first (`-` before `_`), so the
// program is the one reported (KTS1109).

export function ready(): bool {
  return true;
}
