// expect: KTS1002 5:24
// expect: KTS1003 5:24
// Import of a file that does not exist.

import { helper } from "../nowhere.ts";

export function f(): void {
  helper();
}
