// expect: KTS1002 5:8
// expect: KTS1106 5:8
// A default import (tsc also reports the missing default export).

import device from "./_lib/device.ts";

export function f(): void {}
