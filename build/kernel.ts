// Builds the hypervisor: TypeScript -> C (ktsc, incremental per module),
// C and assembly -> objects (incremental per file), link -> out/hypervisor.elf.

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { compile, writeModules } from "../compiler/index.ts";
import { formatDiagnostic } from "../compiler/diagnostics.ts";
import { type Toolchain, toolchain } from "./config.ts";
import { withBuildLock } from "./lock.ts";
import { buildTools, requireTools } from "./tools.ts";
import { lineRows, tableAsm, textSymbols } from "./symbols.ts";
import { unwindRows } from "./unwind.ts";

export class BuildError extends Error {}

export interface BuildOptions {
  cc?: "gcc" | "clang";
  outDir?: string;
  /** -Og for gdb instead of -O2, by default into out/debug (build/config.ts). */
  debug?: boolean;
  /** Progress lines on stderr (default: when stderr is a terminal). */
  progress?: boolean;
}

export interface BuildResult {
  elf: string;
  modules: number;
  /** Modules lowered again this time (the rest came from the cache). */
  lowered: number;
  objectsCompiled: number;
  tsLines: number;
  cLines: number;
  textBytes: number;
  seconds: number;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const rel = (p: string) => path.relative(root, p);

export class Progress {
  constructor(private readonly on: boolean) {}
  step(text: string): void {
    if (this.on) process.stderr.write(`\r\x1b[K${text}`);
  }
  done(): void {
    if (this.on) process.stderr.write("\r\x1b[K");
  }
}

/** Writes `text` to `file` unless it already holds exactly that (keeps its mtime for make-style checks). */
function writeIfChanged(file: string, text: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Whether obj is older than its command line or any dependency recorded in its .d file. */
function stale(obj: string, cmdHash: string): boolean {
  const cmdFile = `${obj}.cmd`;
  if (!fs.existsSync(obj) || !fs.existsSync(cmdFile)) return true;
  if (fs.readFileSync(cmdFile, "utf8") !== cmdHash) return true;
  const depFile = obj.replace(/\.o$/, ".d");
  if (!fs.existsSync(depFile)) return true;
  const objTime = fs.statSync(obj).mtimeMs;
  const deps = fs
    .readFileSync(depFile, "utf8")
    .replace(/\\\n/g, " ")
    .split(/\s+/)
    .filter((d) => d && !d.endsWith(":"));
  return deps.some((d) => !fs.existsSync(d) || fs.statSync(d).mtimeMs > objTime);
}

async function runPool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

/** Bytes of code: the sizes of all function symbols (the .text section itself is page-padded). */
async function textSize(elf: string): Promise<number> {
  const { stdout } = await execa("nm", ["-S", "--defined-only", elf]);
  let total = 0;
  for (const line of stdout.split("\n")) {
    const [, size, type] = line.split(/\s+/);
    if (type === "t" || type === "T") total += parseInt(size, 16);
  }
  return total;
}

/**
 * Compiles C and assembly sources to objects in objDir, in parallel, skipping
 * every object whose command line and dependencies are unchanged.
 */
export async function compileObjects(
  tc: Toolchain,
  sources: string[],
  includeDirs: string[],
  objDir: string,
  progress: Progress,
  prefixOf: (src: string) => string = () => "",
): Promise<{ objects: string[]; compiled: number }> {
  const includes = includeDirs.flatMap((d) => ["-I", d]);
  const objects: string[] = [];
  const jobs: { src: string; obj: string; args: string[]; hash: string }[] = [];
  for (const src of sources) {
    const base = path.basename(src).replace(/\.(c|S)$/, "");
    const obj = path.join(objDir, `${prefixOf(src)}${base}.o`);
    const flags = src.endsWith(".S") ? ["-D__ASSEMBLY__", "-Wa,--fatal-warnings"] : tc.cflags;
    const args = [
      ...flags,
      ...includes,
      "-MMD",
      "-MF",
      obj.replace(/\.o$/, ".d"),
      "-c",
      src,
      "-o",
      obj,
    ];
    objects.push(obj);
    const hash = createHash("sha256").update(tc.cc).update(args.join("\0")).digest("hex");
    if (stale(obj, hash)) jobs.push({ src, obj, args, hash });
  }
  let done = 0;
  await runPool(jobs, os.cpus().length, async (j) => {
    progress.step(`[${++done}/${jobs.length}] ${tc.cc} ${rel(j.src)}`);
    const r = await execa(tc.cc, j.args, { cwd: root, reject: false, all: true });
    if (r.exitCode !== 0) {
      progress.done();
      throw new BuildError(`${tc.cc} failed on ${rel(j.src)}:\n${r.all}`);
    }
    fs.writeFileSync(`${j.obj}.cmd`, j.hash);
  });
  return { objects, compiled: jobs.length };
}

/**
 * The kernel's C is compiled with every function in a section of its own and linked with
 * these flags, so the linker drops the functions nothing calls: the out-of-line copies of
 * exported `@inline` functions (docs/dialect.md), and exported functions only host tests use.
 * Both links of the image (build() below) drop the same ones: the symbol table's object holds
 * numbers, not references. The assembly's sections are kept by the linker script or by a reference.
 */
const GC = ["--gc-sections"];

/**
 * Writes `unit`, one C translation unit that includes every file of `cFiles`, and returns its
 * path. The kernel's C is compiled as this one unit, so gcc and clang inline small functions
 * across modules (ktsc emits one C file per TypeScript module, each with its module's prefix on
 * every global name, so the files never collide: ktsc reports two names that would, KTS1109).
 * Lowering stays incremental per module (ktsc's cache); the unit is compiled again whenever any
 * file in it changed (its .d file lists them).
 *
 * User programs stay one object per module (build/user.ts): a hypercall may run a portal
 * handler of the same program before it returns, and gcc assumes an asm statement calls no
 * function; only a call into another translation unit makes it assume that the program's
 * variables may have changed (runtime-c/kts.h kts_syscall).
 */
export function oneUnit(cFiles: string[], unit: string): string {
  const dir = path.dirname(unit);
  const lines = [
    "/* Generated by build/kernel.ts: the image's C as one translation unit. Do not edit. */",
    ...cFiles.map((f) => `#include "${path.relative(dir, f)}"`),
    "",
  ];
  writeIfChanged(unit, lines.join("\n"));
  return unit;
}

export async function buildKernel(opts: BuildOptions = {}): Promise<BuildResult> {
  const tc: Toolchain = toolchain(opts.cc ?? "gcc", opts.outDir, opts.debug);
  return withBuildLock(path.resolve(root, tc.outDir, "hypervisor.elf"), () => build(tc, opts));
}

/** buildKernel, holding the lock of its output. */
async function build(tc: Toolchain, opts: BuildOptions): Promise<BuildResult> {
  const start = performance.now();
  const progress = new Progress(opts.progress ?? !!process.stderr.isTTY);
  requireTools(buildTools(tc.cc));
  const out = path.resolve(root, tc.outDir);
  const cDir = path.join(out, "c", "kernel-ts");
  const objDir = path.join(out, "obj");
  fs.mkdirSync(objDir, { recursive: true });

  progress.step("ktsc kernel-ts");
  const result = compile({
    project: path.join(root, "kernel-ts"),
    displayRoot: root,
    cacheDir: path.join(out, "cache"),
  });
  if (result.internalError) {
    progress.done();
    throw new BuildError(`ktsc: internal compiler error: ${result.internalError.message}`);
  }
  if (result.diagnostics.length) {
    progress.done();
    throw new BuildError(result.diagnostics.map(formatDiagnostic).join("\n"));
  }
  writeModules(result.modules, cDir);
  // Drop C files of modules that no longer exist, so they are not linked.
  const live = new Set(result.modules.flatMap((m) => [`${m.name}.c`, `${m.name}.h`]));
  for (const f of fs.readdirSync(cDir)) if (!live.has(f)) fs.rmSync(path.join(cDir, f));

  const cSources = [
    ...result.modules.map((m) => path.join(cDir, `${m.name}.c`)),
    path.join(root, "runtime-c", "log.c"),
    path.join(root, "runtime-c", "kernel.c"),
    path.join(root, "arch", "x86_64", "abi_asm.c"),
  ];
  const asmSources = [
    path.join(root, "arch", "x86_64", "multiboot.S"),
    path.join(root, "arch", "x86_64", "start.S"),
    path.join(root, "arch", "x86_64", "stack.S"),
    path.join(root, "arch", "x86_64", "entry.S"),
    path.join(root, "arch", "x86_64", "syscall.S"),
    path.join(root, "arch", "x86_64", "svm.S"),
    path.join(root, "arch", "x86_64", "vmx.S"),
    path.join(root, "arch", "x86_64", "trampoline.S"),
  ];
  const sources = [...cSources, ...asmSources];
  const includes = [path.join(root, "runtime-c"), cDir, path.join(root, "arch", "x86_64")];
  const { objects, compiled } = await compileObjects(
    // GC's other half.
    { ...tc, cflags: [...tc.cflags, "-ffunction-sections"] },
    [oneUnit(cSources, path.join(out, "gen", "image.c")), ...asmSources],
    includes,
    objDir,
    progress,
  );

  const elf = path.join(out, "hypervisor.elf");
  const script = path.join(out, "linker.ld");
  const scriptSrc = path.join(root, "arch", "x86_64", "linker.ld.S");
  const needLink =
    compiled > 0 ||
    !fs.existsSync(elf) ||
    [scriptSrc, path.join(root, "arch", "x86_64", "memory.h")].some(
      (f) => fs.statSync(f).mtimeMs > fs.statSync(elf).mtimeMs,
    );
  let tableObjects = 0;
  if (needLink) {
    progress.step(`ld ${rel(elf)}`);
    await execa(tc.cpp, [
      "-P",
      "-undef",
      "-I",
      path.join(root, "arch", "x86_64"),
      scriptSrc,
      "-o",
      script,
    ]);
    const link = async (extra: string, output: string) => {
      const r = await execa(
        tc.ld,
        [...tc.ldflags, ...GC, "-T", script, "-o", output, ...objects, extra],
        {
          reject: false,
          all: true,
        },
      );
      if (r.exitCode !== 0) {
        progress.done();
        throw new BuildError(`ld failed:\n${r.all}`);
      }
    };
    // Symbol, line and unwind tables for fault reports (build/symbols.ts): link with an empty
    // table, read the first image's symbols, lines and call-frame information, link again
    // with them.
    const genDir = path.join(out, "gen");
    const assemble = async (name: string, text: string) => {
      const src = path.join(genDir, `${name}.S`);
      writeIfChanged(src, text);
      const r = await compileObjects(tc, [src], includes, objDir, progress);
      tableObjects += r.compiled;
      return r.objects[0];
    };
    const pass1 = path.join(out, "hypervisor.pass1.elf");
    await link(await assemble("symbols-empty", tableAsm()), pass1);
    progress.step(`symbols ${rel(pass1)}`);
    const first = await textSymbols(pass1);
    const sourcesByName = new Map<string, string>();
    for (const src of [...result.modules.map((m) => path.join(root, m.rel)), ...sources]) {
      // objdump names a row's file by its last component only.
      const other = sourcesByName.get(path.basename(src));
      if (other !== undefined) {
        progress.done();
        throw new BuildError(`${other} and ${rel(src)}: the line table needs distinct file names`);
      }
      sourcesByName.set(path.basename(src), rel(src));
    }
    const { rows, files } = await lineRows(pass1, sourcesByName);
    const table = tableAsm({
      textStart: first.textStart,
      symbols: first.symbols,
      lines: rows,
      files,
      unwind: await unwindRows(pass1, first.textStart),
    });
    await link(await assemble("symbols", table), elf);
    const second = await textSymbols(elf);
    const same = (a: typeof first.symbols, b: typeof first.symbols) =>
      a.length === b.length &&
      a.every((s, i) => s.name === b[i].name && s.address === b[i].address);
    if (!same(first.symbols, second.symbols)) {
      progress.done();
      throw new BuildError(
        "the symbol table moved code between the two links (see build/symbols.ts)",
      );
    }
  }
  progress.done();
  const countLines = (s: string) => s.split("\n").length - 1;
  return {
    elf,
    modules: result.modules.length,
    lowered: result.modules.filter((m) => !m.cached).length,
    objectsCompiled: compiled + tableObjects,
    tsLines: result.modules.reduce((n, m) => n + m.tsLines, 0),
    cLines: result.modules.reduce((n, m) => n + countLines(m.header) + countLines(m.source), 0),
    textBytes: await textSize(elf),
    seconds: (performance.now() - start) / 1000,
  };
}

export function summary(r: BuildResult): string {
  return (
    `built ${rel(r.elf)}: ${r.modules} modules (${r.lowered} lowered), ${r.tsLines} TS lines -> ` +
    `${r.cLines} C lines, ${r.objectsCompiled} objects compiled, .text ${r.textBytes} bytes, ` +
    `${r.seconds.toFixed(2)} s`
  );
}
