// `npm run check`: stock tsc over the tooling, the kernel and every user program (what an
// editor shows), and the dialect's own rules (ktsc check) over the kernel and every user
// program. Exit status 1 if any step fails; each failing step is named.
//
// Where the time goes: every tsc run is a process that loads TypeScript and checks its whole
// program (2-6 s each, nine of them), and ktsc loads TypeScript and ts-morph once more. So the
// tsc runs go in parallel, one per core, and the ktsc checks run in this process, one after
// the other, meanwhile (compiler/index.ts compile(), which the build uses too). An editor
// checks one file on each keystroke through the tsserver plugin instead (docs/editor.md).

import * as os from "node:os";
import { execa } from "execa";
import { USER_PROGRAMS } from "../build/user.ts";
import { formatDiagnostic } from "../compiler/diagnostics.ts";
import { compile } from "../compiler/index.ts";

const tscSteps: string[][] = [
  ["-p", "tsconfig.json"],
  ["--noEmit", "-p", "kernel-ts"],
  ...USER_PROGRAMS.map((p) => ["--noEmit", "-p", `user/${p}`]),
];

const ktscSteps: { project: string; srcRoot?: string }[] = [
  { project: "kernel-ts" },
  ...USER_PROGRAMS.map((p) => ({ project: `user/${p}`, srcRoot: "user" })),
];

const failed: string[] = [];

/** The tsc runs, at most one per core at a time. */
async function tscAll(): Promise<void> {
  const queue = [...tscSteps];
  const worker = async () => {
    for (let args = queue.shift(); args; args = queue.shift()) {
      const r = await execa("npx", ["tsc", ...args], { all: true, reject: false });
      if (r.all) process.stdout.write(r.all + "\n");
      if (r.exitCode !== 0) failed.push(`tsc ${args.join(" ")}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, os.cpus().length - 1) }, worker));
}

/** The ktsc checks, in this process, while the tsc runs go on. */
async function ktscAll(): Promise<void> {
  for (const s of ktscSteps) {
    // Let the tsc children's output through between two checks.
    await new Promise((resolve) => setImmediate(resolve));
    const r = compile({ project: s.project, srcRoot: s.srcRoot, displayRoot: "." });
    for (const d of r.diagnostics) process.stderr.write(formatDiagnostic(d) + "\n");
    if (r.internalError)
      process.stderr.write(`ktsc: internal compiler error: ${r.internalError.message}\n`);
    if (r.diagnostics.length || r.internalError) failed.push(`ktsc check -p ${s.project}`);
  }
}

await Promise.all([tscAll(), ktscAll()]);
for (const f of failed) process.stderr.write(`check: ${f} failed\n`);
process.exit(failed.length ? 1 : 0);
