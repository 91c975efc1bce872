// expect: KTS1002 5:30
// expect: KTS1003 5:30
// Import of a Node.js built-in: not a module of this project.

import { readFileSync } from "node:fs";

export function f(): void {
  readFileSync("/etc/hostname");
}
