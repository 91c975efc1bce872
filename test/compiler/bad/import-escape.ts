// expect: KTS1003 4:25
// Relative import escaping the project folder (the target is a valid dialect module).

import { outside } from "../fixtures/outside.ts";

export function f(): void {
  outside();
}
