// expect: KTS1109 1:1
// Two modules with one C name: `cname-lib/module.ts` and this file are both `cname_lib_module`
// (each character C cannot spell is `_`), so their .c and .h files and every global would meet.

import { ready } from "./cname-lib/module.ts";

export function f(): bool {
  return ready();
}
