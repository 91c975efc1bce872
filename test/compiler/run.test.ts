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
// KTS_RUN_KEEP=1 keeps the work directory; KTS_RUN_ONLY=<name> runs one program.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { hostCflags, hostCompilers, pool, type Ran, run } from "../lib/host.ts";
import { formatDiagnostic } from "../../compiler/diagnostics.ts";
import { compile, writeModules } from "../../compiler/index.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(import.meta.dirname, "run");
const runtime = path.join(root, "runtime-c");
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
  const only = process.env.KTS_RUN_ONLY;
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
  return only ? programs.filter((p) => p.name === only) : programs;
}

const programs = discover();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-run-"));
if (process.env.KTS_RUN_KEEP) t.comment(`work directory ${work}`);
else t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
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

for (const p of programs) {
  t.test(p.name, async (t) => {
    const compiled = compile({ files: p.files, srcRoot: p.srcRoot, displayRoot: root });
    t.equal(compiled.internalError?.message, undefined, "no internal compiler error");
    t.same(compiled.diagnostics.map(formatDiagnostic), [], "ktsc accepts the program");
    if (compiled.internalError || compiled.diagnostics.length) return;
    t.ok(
      compiled.modules.some((m) => m.name === p.entry),
      `the program has a module '${p.entry}'`,
    );
    const cdir = path.join(work, p.name);
    writeModules(compiled.modules, cdir);
    const harness = path.join(cdir, "kts_run_harness.c");
    fs.writeFileSync(
      harness,
      `#include "${p.entry}.h"\n\nint main(void)\n{\n    ${p.entry}_main();\n    return 0;\n}\n`,
    );
    const sources = [...compiled.modules.map((m) => path.join(cdir, `${m.name}.c`)), harness];
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
