// Execution tests: every program in test/compiler/run/ (a file, or a folder
// whose entry is main.ts) is compiled by ktsc, built for the host with gcc and
// with clang under ASan and UBSan together with a harness that calls
// `<module>_main()`, run, and what it prints and its exit status are compared
// with the program's leading comment lines:
//
//   // expect-out: <one line of stdout, exactly>
//   // expect-exit: <status>          (default 0; a panic is 1)
//
// Every program also type-checks with stock tsc and the prelude
// (run/tsconfig.json, which editors use too). A failure to compile, a C
// warning, a sanitizer report or a wrong line of output is a compiler bug.
// Beside them, programs too long to keep as files are generated here (long
// operator chains), with what they must print computed here too; those go
// through the ktsc command, whose compiler thread has the stack they need.
// KTS_RUN_KEEP=1 keeps the work directory; KTS_RUN_ONLY=<name> runs one program.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t, { type Test } from "tap";
import { hostCflags, hostCompilers, pool, type Ran, run } from "../lib/host.ts";
import { formatDiagnostic } from "../../compiler/diagnostics.ts";
import { compile, writeModules } from "../../compiler/index.ts";
import { effectsProgram, type Generated, nestingProgram } from "./nesting.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(import.meta.dirname, "run");
const runtime = path.join(root, "runtime-c");
/** `npx ktsc`'s launcher. */
const ktscJs = path.join(root, "compiler", "ktsc.js");
const COMPILERS = hostCompilers;
const CFLAGS = ["-I", runtime, ...hostCflags];
const runEnv = {
  ...process.env,
  // Objects from `new` are never freed: leaks are by design, not findings.
  ASAN_OPTIONS: "detect_leaks=0:abort_on_error=0:exitcode=86",
  UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1:exitcode=87",
};

interface Program {
  /** `bounds` for run/bounds.ts, `modules` for run/modules/. */
  name: string;
  files: string[];
  srcRoot: string;
  /** The module whose `main()` the harness calls. */
  entry: string;
  out: string[];
  exit: number;
  /** Compiled by the ktsc command (compiler/cli.ts: a large stack) instead of the library. */
  command?: boolean;
}

function expectations(file: string): { out: string[]; exit: number } {
  const out: string[] = [];
  let exit = 0;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("//")) break;
    const o = /^\/\/ expect-out:(?: (.*))?$/.exec(line);
    if (o) out.push(o[1] ?? "");
    const x = /^\/\/ expect-exit: (\d+)\s*$/.exec(line);
    if (x) exit = Number(x[1]);
  }
  return { out, exit };
}

function discover(): Program[] {
  const programs: Program[] = [];
  for (const e of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const files = fs
        .readdirSync(p)
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(p, f));
      programs.push({
        name: e.name,
        files,
        srcRoot: p,
        entry: "main",
        ...expectations(path.join(p, "main.ts")),
      });
    } else if (e.name.endsWith(".ts")) {
      const name = e.name.replace(/\.ts$/, "");
      programs.push({ name, files: [p], srcRoot: dir, entry: name, ...expectations(p) });
    }
  }
  return programs;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-run-"));
if (process.env.KTS_RUN_KEEP) t.comment(`work directory ${work}`);
else t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));

/**
 * Left-deep chains of 129, 300 and 3000 operators: 129 narrow terms were
 * enough to nest the C past clang's 256 brackets (compiler/lower/deep.ts). Sums of `u8` and `i8` wrap at every step; a sum of calls that
 * each fold their argument into `trace` shows the terms ran in order.
 */
function chains(): Program {
  const u8 = (v: bigint) => BigInt.asUintN(8, v);
  const lines: string[] = [];
  const out: string[] = [];
  const fns: string[] = [];
  for (const n of [129, 300, 3000]) {
    const terms = (f: (i: number) => string, ops: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => (i ? ` ${ops(i)} ` : "") + f(i)).join("");
    // u8: 200 and 77 in turn; i8: +100, -(-27), +100, ... as `x - y + x - y`.
    fns.push(
      `function sumU8_${n}(a: u8, b: u8): u8 {\n  return ${terms(
        (i) => (i % 2 ? "b" : "a"),
        () => "+",
      )};\n}`,
      `function sumI8_${n}(x: i8, y: i8): i8 {\n  return ${terms(
        (i) => (i % 2 ? "y" : "x"),
        (i) => (i % 2 ? "-" : "+"),
      )};\n}`,
      `function calls_${n}(): u8 {\n  return ${terms(
        (i) => `at(${(i % 251) + 1})`,
        () => "+",
      )};\n}`,
    );
    let sumU8 = 0n;
    let sumI8 = 0n;
    let sumCalls = 0n;
    let trace = 0n;
    for (let i = 0; i < n; i++) {
      sumU8 = u8(sumU8 + (i % 2 ? 77n : 200n));
      sumI8 = BigInt.asIntN(8, i % 2 ? sumI8 - -27n : sumI8 + 100n);
      const k = BigInt((i % 251) + 1);
      sumCalls = u8(sumCalls + k);
      trace = BigInt.asUintN(32, trace * 31n + k);
    }
    lines.push(
      `  log(\`${n}: \${sumU8_${n}(200, 77)} \${sumI8_${n}(100, -27)}\`);`,
      `  trace = 0;`,
      `  const c${n}: u8 = calls_${n}();`,
      `  log(\`${n} calls: \${c${n}} \${trace}\`);`,
    );
    out.push(`${n}: ${sumU8} ${sumI8}`, `${n} calls: ${sumCalls} ${trace}`);
  }
  const source = [
    "let trace: u32 = 0;",
    "function at(k: u8): u8 {\n  trace = trace * 31 + k;\n  return k;\n}",
    ...fns,
    `export function main(): void {\n${lines.join("\n")}\n}`,
    "",
  ].join("\n\n");
  return generated("chains", { source, out });
}

/** A generated program, written into the work directory, compiled by the ktsc command. */
function generated(name: string, g: Generated): Program {
  const dir = path.join(work, "generated");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(file, g.source);
  return { name, files: [file], srcRoot: dir, entry: name, out: g.out, exit: 0, command: true };
}

const programs = [
  ...discover(),
  chains(),
  // Expressions nested hundreds of levels deep in every shape, and 24 deep (nesting.ts).
  generated("nesting", nestingProgram([24, 300], [0, 1, 77])),
  generated("deep_effects", effectsProgram(80)),
].filter((p) => !process.env.KTS_RUN_ONLY || p.name === process.env.KTS_RUN_ONLY);
const width = Math.max(2, os.availableParallelism());

t.test("the corpus covers enough programs", async (t) => {
  if (!process.env.KTS_RUN_ONLY) t.ok(programs.length >= 15, `${programs.length} programs`);
  for (const p of programs)
    t.ok(p.out.length > 0 || p.exit !== 0, `${p.name} states what it prints`);
});

t.test("stock tsc accepts every program with the prelude", async (t) => {
  const tsc = path.join(root, "node_modules", ".bin", "tsc");
  const r = await run(tsc, ["--noEmit", "-p", path.join(dir, "tsconfig.json")]);
  t.equal(r.code, 0, r.stdout + r.stderr);
});

t.test("the runtime builds for the host", async (t) => {
  const r = await pool(
    COMPILERS.flatMap((cc) =>
      ["log", "host"].map(
        (f) => () =>
          run(cc, [
            ...CFLAGS,
            "-c",
            path.join(runtime, `${f}.c`),
            "-o",
            path.join(work, `${f}-${cc}.o`),
          ]),
      ),
    ),
    width,
  );
  for (const b of r) t.equal(b.code, 0, b.stderr);
});

/** Compiles a program into cdir; the names of its modules, or undefined after a failed check. */
async function lower(t: Test, p: Program, cdir: string): Promise<string[] | undefined> {
  if (p.command) {
    // A time limit: a lowering exponential in the nesting (each level lowering its operand
    // twice) once took minutes for 24 levels.
    const r = await run(
      process.execPath,
      [ktscJs, "build", "-o", cdir, "--root", p.srcRoot, ...p.files],
      { timeoutMs: 120_000 },
    );
    t.ok(r.code === 0 && r.stderr === "", "the ktsc command compiles the program", {
      stderr: r.stderr.slice(0, 4000),
    });
    if (r.code !== 0) return undefined;
    return fs.readdirSync(cdir).flatMap((f) => (f.endsWith(".c") ? [f.slice(0, -2)] : []));
  }
  const compiled = compile({ files: p.files, srcRoot: p.srcRoot, displayRoot: root });
  t.equal(compiled.internalError?.message, undefined, "no internal compiler error");
  t.same(compiled.diagnostics.map(formatDiagnostic), [], "ktsc accepts the program");
  if (compiled.internalError || compiled.diagnostics.length) return undefined;
  writeModules(compiled.modules, cdir);
  return compiled.modules.map((m) => m.name);
}

for (const p of programs) {
  t.test(p.name, async (t) => {
    const cdir = path.join(work, p.name);
    const modules = await lower(t, p, cdir);
    if (!modules) return;
    t.ok(modules.includes(p.entry), `the program has a module '${p.entry}'`);
    const harness = path.join(cdir, "kts_run_harness.c");
    fs.writeFileSync(
      harness,
      `#include "${p.entry}.h"\n\nint main(void)\n{\n    ${p.entry}_main();\n    return 0;\n}\n`,
    );
    const sources = [...modules.map((m) => path.join(cdir, `${m}.c`)), harness];
    const builds = await Promise.all(
      COMPILERS.map((cc) =>
        run(cc, [
          ...CFLAGS,
          "-I",
          cdir,
          ...sources,
          path.join(work, `log-${cc}.o`),
          path.join(work, `host-${cc}.o`),
          "-o",
          path.join(cdir, `run-${cc}`),
        ]),
      ),
    );
    for (const [i, cc] of COMPILERS.entries()) {
      const b = builds[i];
      t.ok(b.code === 0 && b.stderr === "", `${cc} builds it without a warning`, {
        diagnostics: b.stderr.slice(0, 6000),
      });
      if (b.code !== 0) continue;
      const r = await run(path.join(cdir, `run-${cc}`), [], { env: runEnv, timeoutMs: 20_000 });
      const got = r.stdout.split("\n");
      if (got[got.length - 1] === "") got.pop();
      t.same(got, p.out, `${cc}: stdout`);
      t.equal(r.code ?? r.signal, p.exit, `${cc}: exit status`);
      t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    }
  });
}
