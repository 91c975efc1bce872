// expect: KTS1107 6:7
// A struct name already declared by another module of the project.

import { reset } from "./_lib/device.ts";

class Device {
  id: u32;
}

export function f(): void {}
