#!/usr/bin/env -S npx tsx
// ktsc: the dialect compiler's command line.
//
// Exit status: 0 success, 1 the program has errors (diagnostics on stderr),
// 2 an internal compiler error (always a bug in ktsc), 64 bad usage.

import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { formatDiagnostic, formatDiagnosticPlain } from "./diagnostics.ts";
import { compile, writeModules } from "./index.ts";

const usage = `Usage: ktsc [check|build] [options] [files...]

Compiles TypeScript-dialect modules to freestanding C (one .c/.h pair per module).

Commands:
  check            type-check and apply the dialect rules; write nothing
  build            check, lower and emit C (default)

Options:
  -p, --project <dir>   directory with tsconfig.json (default: kernel-ts)
  -o, --out <dir>       output directory for C files (default: out/c/<project>)
  --cache <dir>         per-module cache for incremental builds
  --root <dir>          module names are relative to this directory
  --pretty <true|false> tsc's pretty format (default) or its plain one for problem matchers
  -h, --help            show this help

Diagnostics look like tsc's: file.ts:line:col - error KTSnnnn: message, or with --pretty false
file.ts(line,col): error KTSnnnn: message. Their paths, and the #line paths of the C, are
relative to the package root (the nearest directory with a package.json above the inputs),
wherever ktsc runs from.
Exit status: 0 ok, 1 errors in the program, 2 internal compiler error, 64 usage.`;

export function main(argv: string[]): number {
  let cmd = "build";
  let project: string | undefined;
  let outDir: string | undefined;
  let cacheDir: string | undefined;
  let srcRoot: string | undefined;
  let pretty = true;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === "-h" || a === "--help") {
        process.stdout.write(usage + "\n");
        return 0;
      } else if (a === "check" || a === "build") cmd = a;
      else if (a === "-p" || a === "--project") project = value();
      else if (a === "-o" || a === "--out") outDir = value();
      else if (a === "--cache") cacheDir = value();
      else if (a === "--root") srcRoot = value();
      else if (a === "--pretty") {
        const v = value();
        if (v !== "true" && v !== "false")
          throw new Error(`--pretty takes true or false, not ${v}`);
        pretty = v === "true";
      } else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
      else files.push(a);
    } catch (e) {
      process.stderr.write(`ktsc: ${(e as Error).message}\n${usage}\n`);
      return 64;
    }
  }
  if (!files.length && !project) project = "kernel-ts";
  // A wrong path is the user's mistake, not a compiler bug: say so before loading anything.
  const missing = files.length
    ? files.filter((f) => !fs.existsSync(f))
    : [path.join(project!, "tsconfig.json")].filter(
        (f) => !fs.existsSync(f) && !(project!.endsWith(".json") && fs.existsSync(project!)),
      );
  if (missing.length) {
    process.stderr.write(`ktsc: not found: ${missing.join(", ")}\n`);
    return 64;
  }
  // A directory among the files is a project given the wrong way (`ktsc check kernel-ts`).
  const dirs = files.filter((f) => fs.statSync(f).isDirectory());
  if (dirs.length) {
    process.stderr.write(
      `ktsc: ${dirs.join(", ")}: a directory, not a source file (a project is -p <dir>)\n${usage}\n`,
    );
    return 64;
  }
  const displayRoot = packageRoot(path.resolve(files.length ? files[0] : project!));
  const result = compile({
    project: files.length ? undefined : project,
    files,
    srcRoot,
    cacheDir,
    displayRoot,
  });
  if (result.internalError) {
    const e = result.internalError;
    process.stderr.write(
      `ktsc: internal compiler error${e.where ? ` at ${e.where}` : ""}: ${e.message}\n` +
        `This is a bug in ktsc, not in your program. Please report it with the input.\n`,
    );
    return 2;
  }
  const format = pretty ? formatDiagnostic : formatDiagnosticPlain;
  for (const d of result.diagnostics) process.stderr.write(format(d) + "\n");
  if (result.diagnostics.length) {
    const n = result.diagnostics.length;
    process.stderr.write(`\nFound ${n} error${n === 1 ? "" : "s"}.\n`);
    return 1;
  }
  if (cmd === "build") {
    const dir = outDir ?? path.join("out", "c", path.basename(project ?? "files"));
    writeModules(result.modules, dir);
  }
  return 0;
}

/**
 * The nearest directory at or above `from` with a package.json: what paths in diagnostics and
 * in the C are relative to, so that neither depends on the working directory. Without one, the
 * directory of `from`.
 */
function packageRoot(from: string): string {
  const start = fs.existsSync(from) && fs.statSync(from).isDirectory() ? from : path.dirname(from);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/**
 * The stack of the thread the compiler runs in. tsc's parser and checker, and ktsc's checker and
 * lowering, recurse as deep as an expression nests: a flat sum of 20,000 terms, which tsc
 * accepts, needs far more than the main thread's stack of about 1 MB. docs/diagnostics.md gives
 * the limits (sourceDepthLimit in compiler/load/project.ts).
 */
const STACK_MB = 256;

if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // The worker starts as plain JavaScript that registers tsx's loader, then loads this file.
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const boot = `import(${api}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(boot, {
    eval: true,
    argv: process.argv.slice(2),
    workerData: { ktsc: true },
    resourceLimits: { stackSizeMb: STACK_MB },
  });
  worker.on("message", (code: number) => {
    process.exitCode = code;
  });
  worker.on("error", (e: Error) => {
    process.stderr.write(
      `ktsc: internal compiler error: ${e.message}\n` +
        `This is a bug in ktsc, not in your program. Please report it with the input.\n`,
    );
    process.exitCode = 2;
  });
} else if (!isMainThread && (workerData as { ktsc?: boolean } | null)?.ktsc) {
  parentPort!.postMessage(main(process.argv.slice(2)));
}
