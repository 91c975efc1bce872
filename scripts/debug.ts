// `npm run debug [-- [--O2] [qemu args] [--gdb gdb args]]`: builds the
// hypervisor for gdb and its root task, boots them under QEMU stopped at the
// reset vector and runs gdb on them in this terminal (docs/debugging.md).
// Exits with gdb's status; QEMU ends with gdb.

import { BuildError } from "../build/kernel.ts";
import { ensureTools, MissingTools, toolSets } from "../build/tools.ts";
import { DEBUG_USAGE, DebugUsageError, parseDebugArgs } from "./debug-args.ts";
import { DebugError, prepare, runSession } from "./debug-session.ts";
import { qemuStatus } from "./qemu-args.ts";

try {
  const args = parseDebugArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${DEBUG_USAGE}\n`);
    process.exit(0);
  }
  ensureTools(toolSets.debug);
  const target = await prepare(args);
  process.stderr.write(`${target.summary}\n`);
  const r = await runSession({ elf: target.elf, qemu: target.qemu, gdb: args.gdb });
  // The kernel can finish while gdb lets it run: say how, as npm run qemu does.
  if (r.qemuStatus !== undefined)
    process.stderr.write(`qemu: ${qemuStatus(r.qemuStatus).reason}\n`);
  process.exit(r.gdbStatus);
} catch (e) {
  if (e instanceof DebugUsageError) {
    process.stderr.write(`${e.message}\n${DEBUG_USAGE}\n`);
    process.exit(64);
  }
  if (e instanceof BuildError || e instanceof MissingTools || e instanceof DebugError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
