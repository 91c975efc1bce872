// expect: KTS1002 4:8
// expect: KTS1106 4:8
// A default import (tsc also reports the missing default export).
import device from "./_lib/device.ts";

export function f(): void {}
