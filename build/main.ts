// `npm run build [-- --cc clang]`: builds out/hypervisor.elf and the user programs
// (out/user/<name>.elf, boot one with `npm run qemu -- -initrd out/user/<name>.elf`),
// and prints one summary line for each.

import * as path from "node:path";
import { BuildError, buildKernel, summary } from "./kernel.ts";
import { buildUser, USER_PROGRAMS } from "./user.ts";
import { buildTools, ensureTools, MissingTools } from "./tools.ts";

const args = process.argv.slice(2);
const ccIndex = args.indexOf("--cc");
const cc = ccIndex >= 0 ? args[ccIndex + 1] : "gcc";
if (cc !== "gcc" && cc !== "clang") {
  process.stderr.write(`build: --cc takes gcc or clang, not '${cc}'\n`);
  process.exit(64);
}
try {
  ensureTools(buildTools(cc));
  const r = await buildKernel({ cc });
  process.stdout.write(summary(r) + "\n");
  for (const name of USER_PROGRAMS) {
    const elf = await buildUser(name, { cc });
    process.stdout.write(`built ${path.relative(process.cwd(), elf)}: user program ${name}\n`);
  }
} catch (e) {
  if (e instanceof BuildError || e instanceof MissingTools) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
