// `npm run qemu [-- extra qemu args]`: builds the hypervisor and its default
// root task (user/roottest: the root test task, which prints its TEST lines
// and ends) and boots them on QEMU q35 with the serial console on this
// terminal; `-initrd <modules>` among the extra arguments replaces the root
// task. Returns when the kernel asks QEMU to exit: status 0 for success, the
// kernel's code otherwise.

import { execa } from "execa";
import { BuildError, buildKernel, summary } from "../build/kernel.ts";
import { ensureTools, MissingTools, toolSets } from "../build/tools.ts";
import { buildUser } from "../build/user.ts";
import { qemuArgs, qemuStatus } from "./qemu-args.ts";

try {
  ensureTools(toolSets.qemu);
  const r = await buildKernel();
  process.stderr.write(summary(r) + "\n");
  const extra = process.argv.slice(2);
  if (!extra.includes("-initrd")) extra.push("-initrd", await buildUser("roottest"));
  const q = await execa("qemu-system-x86_64", qemuArgs(r.elf, extra), {
    stdio: "inherit",
    reject: false,
  });
  const status = qemuStatus(q.exitCode ?? 1);
  if (status.ok) process.exit(0);
  process.stderr.write(`qemu: ${status.reason}\n`);
  process.exit(status.code);
} catch (e) {
  if (e instanceof BuildError || e instanceof MissingTools) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
