// `npm run bench`: build and compiler speed, as `BENCH name value unit` lines.
//
// - kernel_build_cold / kernel_build_warm: `npm run build` of kernel-ts from an
//   empty output directory, then again with nothing changed.
// - ktsc_throughput: check+lower+emit of a synthetic 14,000-line project (about
//   NOVA's size), in TypeScript lines per second.
// - synthetic_build_cold: the same project to objects (ktsc + gcc on all cores),
//   to compare with NOVA's own C++ build (2.5 s) and the goal (under 5 s).
// - hypercall path lengths: user/roottest-bench (user/roottest/bench.ts) on QEMU
//   with `-icount shift=0,align=off,sleep=off` (one TSC tick per instruction,
//   test-platforms.md §7), its `BENCH <name> n= min= med= max=` lines as printed.
// - SMP costs: the same task at -smp 2, 4 and 8 (user/roottest-bench/smp.ts):
//   ipi_roundtrip, remote_wakeup, shootdown_1cpus (-smp 2), shootdown_<k>cpus,
//   hypercall_bad_hyp_<k>cpus (a slow-path entry with k CPUs online);
//   under -icount the TSC is one virtual clock for all vCPUs (the instructions
//   all of them executed), so the ticks include the other CPUs' work.
// - boot_smp64_online_ms: three kernel-only boots at -smp 64, the boot log's
//   time from init.main to all CPUs online, in ms of the TSC. Without -icount:
//   QEMU 7.2's single-threaded icount loop is slow with halted vCPUs (the APs
//   halt until boot is over): 16 CPUs took 34 s of wall time, 64 more than
//   7 minutes, for a bring-up of well under a second.

import * as fs from "node:fs";
import * as path from "node:path";
import { toolchain } from "../build/config.ts";
import { buildKernel, compileObjects, Progress } from "../build/kernel.ts";
import { ensureToolsOrExit, toolSets } from "../build/tools.ts";
import { buildUser } from "../build/user.ts";
import { boot } from "../test/lib/qemu.ts";
import { compile, writeModules } from "../compiler/index.ts";
import { writeSynthetic } from "./synth.ts";

const root = path.resolve(import.meta.dirname, "..");
const benchDir = path.join(root, "out", "bench");

function bench(name: string, value: number, unit: string): void {
  process.stdout.write(
    `BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}\n`,
  );
}

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

ensureToolsOrExit(toolSets.bench);
fs.rmSync(benchDir, { recursive: true, force: true });
const kernelOut = path.join(benchDir, "kernel");
const [cold, coldS] = await time(() => buildKernel({ outDir: kernelOut, progress: false }));
bench("kernel_build_cold", coldS, "s");
const [, warmS] = await time(() => buildKernel({ outDir: kernelOut, progress: false }));
bench("kernel_build_warm", warmS, "s");
bench("kernel_ts_lines", cold.tsLines, "lines");
bench("kernel_text", cold.textBytes, "bytes");

const src = path.join(benchDir, "synthetic");
const files = writeSynthetic(src, 40, 370);
const tsLines = files.reduce((n, f) => n + fs.readFileSync(f, "utf8").split("\n").length - 1, 0);
bench("synthetic_ts_lines", tsLines, "lines");

// Throughput: the best of three in-process runs, each a full load+check+lower+emit.
let best = Infinity;
for (let i = 0; i < 3; i++) {
  const [r, s] = await time(() => compile({ files, srcRoot: src, displayRoot: root }));
  if (r.diagnostics.length || r.internalError) {
    process.stderr.write(
      `synthetic project does not compile: ${JSON.stringify(r.diagnostics[0] ?? r.internalError?.message)}\n`,
    );
    process.exit(1);
  }
  best = Math.min(best, s);
}
bench("ktsc_full_compile", best, "s");
bench("ktsc_throughput", Math.round(tsLines / best), "lines/s");

const [, buildS] = await time(async () => {
  const r = compile({ files, srcRoot: src, displayRoot: root });
  const cDir = path.join(benchDir, "synthetic-c");
  writeModules(r.modules, cDir);
  const tc = toolchain("gcc", path.join(benchDir, "synthetic-out"));
  const objDir = path.join(benchDir, "synthetic-obj");
  fs.mkdirSync(objDir, { recursive: true });
  await compileObjects(
    tc,
    r.modules.map((m) => path.join(cDir, `${m.name}.c`)),
    [path.join(root, "runtime-c"), cDir],
    objDir,
    new Progress(false),
  );
});
bench("synthetic_build_cold", buildS, "s");

// Hypercall path lengths in instructions (deterministic under icount).
const ICOUNT = ["-icount", "shift=0,align=off,sleep=off"];
const benchTask = await buildUser("roottest-bench", { outDir: kernelOut, progress: false });

/** Boots the bench task with `cpus` CPUs, prints its BENCH lines; they must include `expect`. */
async function taskBenches(cpus: number, expect: string[]): Promise<void> {
  const run = await boot(
    cold.elf,
    ["-initrd", benchTask, ...ICOUNT, ...(cpus > 1 ? ["-smp", String(cpus)] : [])],
    120_000,
  );
  const lines = run.console.split("\n").filter((l) => /^BENCH \S+ (n=|FAIL)/.test(l));
  for (const l of lines) process.stdout.write(`${l.trim()}\n`);
  const missing = expect.filter((n) => !lines.some((l) => l.startsWith(`BENCH ${n} n=`)));
  if (!lines.length || lines.some((l) => l.includes(" FAIL")) || missing.length) {
    process.stderr.write(
      `benches at -smp ${cpus} failed${missing.length ? ` (missing ${missing.join(", ")})` : ""}:\n${run.tail}\n`,
    );
    process.exit(1);
  }
}

await taskBenches(1, ["hypercall_bad_hyp"]);
// SMP (user/roottest-bench/smp.ts): one boot per CPU count, each shootdown with k - 1 spinners.
process.stdout.write(
  "# SMP benches: TSC ticks under -icount are one virtual clock for all vCPUs (instructions executed by every CPU)\n",
);
await taskBenches(2, [
  "hypercall_bad_hyp_2cpus",
  "shootdown_1cpus",
  "ipi_roundtrip",
  "remote_wakeup",
  "shootdown_2cpus",
]);
await taskBenches(4, ["hypercall_bad_hyp_4cpus", "shootdown_4cpus"]);
await taskBenches(8, ["hypercall_bad_hyp_8cpus", "shootdown_8cpus"]);

// Bring-up of 64 CPUs, kernel only (no module: the kernel ends after `Boot complete`).
const SMP_LINE =
  /^SMP: bring-up (\d+) ms, (\d+) TSC ticks; all online (\d+) TSC ticks after init\.main$/m;
const TSC_LINE = /^TSC: (\d+) MHz/m;
const online: number[] = [];
for (let i = 0; i < 3; i++) {
  const run64 = await boot(cold.elf, ["-smp", "64"], 120_000);
  const ticks = SMP_LINE.exec(run64.console)?.[3];
  const mhz = TSC_LINE.exec(run64.console)?.[1];
  if (!ticks || !mhz || !/^SMP: 64 of 64 CPUs online/m.test(run64.console)) {
    process.stderr.write(`-smp 64 boot failed:\n${run64.tail}\n`);
    process.exit(1);
  }
  online.push(Math.round(Number(ticks) / (Number(mhz) * 1000)));
}
online.sort((x, y) => x - y);
process.stdout.write(
  `BENCH boot_smp64_online_ms n=3 min=${online[0]} med=${online[1]} max=${online[2]}\n`,
);
