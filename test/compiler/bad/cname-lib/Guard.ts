// A valid module, `cname_lib_Guard` in C, whose header guard is KTS_CNAME_LIB_GUARD_H, as is
// that of the corpus program cname_lib_guard.ts. It sorts first, so the program is the one
// reported (KTS1109).

export function ready(): bool {
  return true;
}
