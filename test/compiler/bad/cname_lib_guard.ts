// expect: KTS1109 1:1
// Two module names that differ only in case: `cname-lib/Guard.ts` is `cname_lib_Guard`, this
// file `cname_lib_guard`, and both headers would be guarded by KTS_CNAME_LIB_GUARD_H.

import { ready } from "./cname-lib/Guard.ts";

export function f(): bool {
  return ready();
}
