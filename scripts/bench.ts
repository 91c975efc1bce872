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

import * as fs from "node:fs";
import * as path from "node:path";
import { toolchain } from "../build/config.ts";
import { buildKernel, compileObjects, Progress } from "../build/kernel.ts";
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
const benchTask = await buildUser("roottest-bench", { outDir: kernelOut, progress: false });
const run = await boot(
  cold.elf,
  ["-initrd", benchTask, "-icount", "shift=0,align=off,sleep=off"],
  120_000,
);
const lines = run.console.split("\n").filter((l) => /^BENCH \S+ (n=|FAIL)/.test(l));
for (const l of lines) process.stdout.write(`${l.trim()}\n`);
if (!lines.length || lines.some((l) => l.includes(" FAIL"))) {
  process.stderr.write(`hypercall benches failed:\n${run.tail}\n`);
  process.exit(1);
}
