// temporary: the task benches only
import { buildKernel } from "/work/main/build/kernel.ts";
import { buildUser } from "/work/main/build/user.ts";
import { boot } from "/work/main/test/lib/qemu.ts";
const out = "/tmp/qbench-out";
const k = await buildKernel({ outDir: out, progress: false });
const task = await buildUser("roottest-bench", { outDir: out, progress: false });
for (const cpus of (process.argv[2] ?? "1,2,4,8").split(",").map(Number)) {
  const run = await boot(k.elf, ["-initrd", task, "-icount", "shift=0,align=off,sleep=off", ...(cpus > 1 ? ["-smp", String(cpus)] : [])], 180_000);
  const lines = run.console.split("\n").filter((l) => /^BENCH \S+ (n=|FAIL)/.test(l));
  console.log(`-smp ${cpus}\n` + lines.join("\n"));
  if (!lines.length) console.log(run.tail);
}
