// The bad-input corpus: every program in test/compiler/bad/ is compiled alone,
// as its own project, and must be rejected with exactly the diagnostics its
// leading `// expect: KTSnnnn line:col` comments name, without a crash, an
// internal error or any C. Together the programs cover every code of the
// catalog in compiler/diagnostics.ts, and docs/diagnostics.md shows each code
// with a corpus program and exactly what the compiler prints for it.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { type Code, codes, formatDiagnostic } from "../../compiler/diagnostics.ts";
import { type CompileResult, compile } from "../../compiler/index.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(root, "test", "compiler", "bad");
const corpus = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .sort();

/**
 * Codes that no program can trigger, each with the reason. Empty: every code
 * in the catalog has a program here.
 */
const untriggerable: Partial<Record<Code, string>> = {};

interface Expected {
  code: string;
  line: number;
  col: number;
}

/** The `// expect:` lines of a program's leading comment block. */
function expectations(text: string): Expected[] {
  const out: Expected[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("//")) break;
    const m = /^\/\/ expect: (KTS\d{4}) (\d+):(\d+)\s*$/.exec(line);
    if (m) out.push({ code: m[1], line: Number(m[2]), col: Number(m[3]) });
  }
  return out;
}

const show = (d: Expected) => `${d.code} ${d.line}:${d.col}`;

const results = new Map<string, CompileResult | Error>();
/** Compiles one file as a project of its own; a thrown exception is a crash. */
function compileAlone(file: string, srcRoot: string): CompileResult | Error {
  let r = results.get(file);
  if (!r) {
    try {
      r = compile({ files: [file], srcRoot, displayRoot: root });
    } catch (e) {
      r = e as Error;
    }
    results.set(file, r);
  }
  return r;
}

t.test("the corpus is large enough", async (t) => {
  t.ok(corpus.length >= 45, `${corpus.length} programs`);
});

for (const name of corpus) {
  t.test(name, async (t) => {
    const file = path.join(dir, name);
    const want = expectations(fs.readFileSync(file, "utf8"));
    t.ok(want.length > 0, "the program states at least one `// expect:` line");
    const r = compileAlone(file, dir);
    if (r instanceof Error) {
      t.fail(`the compiler crashed: ${r.stack}`);
      return;
    }
    t.equal(r.internalError?.message, undefined, "no internal compiler error");
    t.same(r.diagnostics.map(show), want.map(show), "exactly the expected diagnostics");
    const rel = path.relative(root, file).split(path.sep).join("/");
    t.same(
      r.diagnostics.filter((d) => d.file !== rel).map((d) => `${d.file}:${show(d)}`),
      [],
      "every diagnostic is in the program itself",
    );
    for (const d of r.diagnostics) t.ok(d.message.length > 0, `${show(d)} has a message`);
    t.equal(r.modules.length, 0, "no C is emitted for a program with errors");
  });
}

t.test("a zero-byte file is an empty module", async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kts-bad-"));
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const file = path.join(tmp, "empty.ts");
  fs.writeFileSync(file, "");
  const r = compileAlone(file, tmp);
  if (r instanceof Error) return t.fail(`the compiler crashed: ${r.stack}`);
  t.equal(r.internalError, undefined);
  t.same(r.diagnostics.map(show), ["KTS1004 1:1"]);
  t.equal(r.modules.length, 0);
});

t.test("the modules the corpus imports are valid on their own", async (t) => {
  for (const [file, srcRoot] of [
    [path.join(dir, "_lib", "device.ts"), dir],
    [path.join(dir, "cname-lib", "module.ts"), dir],
    [path.join(dir, "cname-lib", "Guard.ts"), dir],
    [path.join(dir, "cname-lib", "prefix_b.ts"), dir],
    [path.join(root, "test", "compiler", "fixtures", "outside.ts"), undefined],
  ] as const) {
    const r = compileAlone(file, srcRoot ?? path.dirname(file));
    if (r instanceof Error) return t.fail(`the compiler crashed: ${r.stack}`);
    t.equal(r.internalError, undefined, path.basename(file));
    t.same(r.diagnostics, [], path.basename(file));
    t.equal(r.modules.length, 1, `${path.basename(file)} is lowered`);
  }
});

t.test("every code in the catalog has a corpus program", async (t) => {
  const covered = new Set<string>();
  for (const name of corpus) {
    for (const e of expectations(fs.readFileSync(path.join(dir, name), "utf8")))
      covered.add(e.code);
  }
  for (const code of covered) t.ok(code in codes, `${code} is in compiler/diagnostics.ts`);
  for (const code of Object.keys(codes) as Code[]) {
    if (untriggerable[code]) {
      t.notOk(covered.has(code), `${code} is listed as untriggerable but a program triggers it`);
      continue;
    }
    t.ok(covered.has(code), `${code} (${codes[code]}) is covered`);
  }
});

t.test("docs/diagnostics.md shows every code with what the compiler prints", async (t) => {
  const doc = fs.readFileSync(path.join(root, "docs", "diagnostics.md"), "utf8");
  const sections = new Map<string, string>();
  for (const s of doc.split(/\n(?=### )/)) {
    const m = /^### (KTS\d{4}): (.*)\n/.exec(s);
    if (m) sections.set(m[1], s);
  }
  const example =
    /\[`(test\/compiler\/bad\/[\w-]+\.ts)`\]\([^)]*\):\n\n```ts\n([\s\S]*?)\n```\n\n```text\n([\s\S]*?)\n```/g;
  for (const [code, title] of Object.entries(codes)) {
    const section = sections.get(code);
    if (!section) {
      t.fail(`${code} has no section`);
      continue;
    }
    t.ok(section.startsWith(`### ${code}: ${title}\n`), `${code}: the heading is the catalog's`);
    const examples = [...section.matchAll(example)];
    t.ok(examples.length > 0, `${code} has an example`);
    for (const [, rel, program, output] of examples) {
      const file = path.join(root, rel);
      t.equal(program, fs.readFileSync(file, "utf8").trimEnd(), `${rel} is shown as it is`);
      const r = compileAlone(file, dir);
      if (r instanceof Error) {
        t.fail(`the compiler crashed on ${rel}`);
        continue;
      }
      t.same(output.split("\n"), r.diagnostics.map(formatDiagnostic), `${rel}: ktsc's output`);
      t.ok(output.includes(` - error ${code}: `), `${rel} shows ${code}`);
    }
  }
});

/** Runs the CLI the way a user does, from the repository root. */
function ktsc(...args: string[]) {
  return spawnSync("npx", ["tsx", "compiler/cli.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
}

t.test("CLI: a bad program exits 1 with tsc-style diagnostics on stderr", async (t) => {
  const rel = "test/compiler/bad/narrowing-add.ts";
  const [want] = expectations(fs.readFileSync(path.join(root, rel), "utf8"));
  const r = ktsc("check", rel);
  t.equal(r.status, 1, "exit status 1");
  t.equal(r.stdout, "", "nothing on stdout");
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("test/"));
  t.equal(lines.length, 1, r.stderr);
  t.match(lines[0], /^test\/compiler\/bad\/narrowing-add\.ts:\d+:\d+ - error KTS\d{4}: \S.*$/);
  t.ok(
    lines[0].startsWith(`${rel}:${want.line}:${want.col} - error ${want.code}: `),
    `${lines[0]} names ${show(want)}`,
  );
  t.match(r.stderr, /\nFound 1 error\.\n$/);
});

t.test("CLI: a directory where a file belongs is a usage error (64), not a crash", async (t) => {
  const r = ktsc("check", "kernel-ts");
  t.equal(r.status, 64, `exit status 64 [got ${r.status}]`, { stderr: r.stderr });
  const said = /^ktsc: kernel-ts: a directory, not a source file \(a project is -p <dir>\)$/m;
  t.match(r.stderr, said, "it says what is wrong and how to name a project");
  const crash = /^ktsc: internal compiler error|^\s+at \S+ \(/m;
  t.notMatch(r.stderr, crash, "no internal error, no stack trace");
});

t.test("CLI: deep, long and garbage input gets a result, never a stack trace", async (t) => {
  // The compiler's recursion follows expression depth; ktsc runs it on a thread with a large
  // stack (compiler/cli.ts). tsc itself overflows near 1,000 nested parentheses.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-deep-"));
  const fn = (body: string) => `export function f(a: u32): u32 {\n  return ${body};\n}\n`;
  const inputs: [string, string, number][] = [
    ["sum", fn(Array(3000).fill("a").join(" + ")), 0],
    ["nested", fn("(".repeat(3000) + "a" + ")".repeat(3000)), 0],
    ["garbage", "export function f(): u32 { return ((( ;; }}} [ 1 +\n".repeat(4000), 1],
  ];
  const crash = /^ktsc: internal compiler error|^\s+at \S+ \(/m;
  for (const [name, text, status] of inputs) {
    const file = path.join(dir, `${name}.ts`);
    fs.writeFileSync(file, text);
    const r = ktsc("check", file);
    t.equal(r.status, status, `${name}: exit status ${status} [got ${r.status}]`, {
      stderr: r.stderr.slice(0, 2000),
    });
    t.notMatch(r.stderr, crash, `${name}: no internal error, no stack trace`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `npx ktsc`'s launcher, which finds tsx from wherever it is started. */
const ktscJs = path.join(root, "compiler", "ktsc.js");

t.test(
  "CLI: the C and the diagnostics' paths do not depend on the working directory",
  async (t) => {
    const rel = "test/compiler/run/order.ts";
    const outs = [root, os.tmpdir()].map((cwd) => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "kts-cwd-"));
      const r = spawnSync(process.execPath, [ktscJs, "build", "-o", out, path.join(root, rel)], {
        cwd,
        encoding: "utf8",
      });
      t.equal(r.status, 0, `build from ${cwd} [got ${r.status}]`, { stderr: r.stderr });
      const c = fs.readFileSync(path.join(out, "order.c"), "utf8");
      fs.rmSync(out, { recursive: true, force: true });
      return c;
    });
    t.equal(outs[1], outs[0], "the same C from the repository and from elsewhere");
    t.match(
      outs[0],
      /^#line \d+ "test\/compiler\/run\/order\.ts"$/m,
      "#line paths from the package root",
    );
    const bad = "test/compiler/bad/narrowing-add.ts";
    const [want] = expectations(fs.readFileSync(path.join(root, bad), "utf8"));
    const r = spawnSync(
      process.execPath,
      [ktscJs, "check", "--pretty", "false", path.join(root, bad)],
      { cwd: os.tmpdir(), encoding: "utf8" },
    );
    t.equal(r.status, 1, "exit status 1");
    t.match(
      r.stderr,
      new RegExp(
        `^${bad.replace(/[./]/g, "\\$&")}\\(${want.line},${want.col}\\): error ${want.code}: `,
        "m",
      ),
      "--pretty false: tsc's plain format, the path from the package root",
    );
  },
);

t.test("CLI: --help exits 0", async (t) => {
  const r = ktsc("--help");
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^Usage: ktsc/);
});
