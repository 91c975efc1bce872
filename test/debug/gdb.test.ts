// `npm run debug` (docs/debugging.md): its own session code in batch mode.
// gdb breaks on the first statement of Sm.down in kernel-ts/sm.ts, which
// only the ctrl_sm hypercall (kernel-ts/ctrl_sm.ts) reaches, so the root task
// has to run to it; then bt, next, the TypeScript names of arguments and
// locals, and list must all speak of TypeScript files and lines. The line
// numbers come from the sources, so edits elsewhere in them do not break the
// test.

import * as fs from "node:fs";
import * as path from "node:path";
import t from "tap";
import { parseDebugArgs } from "../../scripts/debug-args.ts";
import { prepare, runSession } from "../../scripts/debug-session.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const source = (rel: string) =>
  fs
    .readFileSync(path.join(repo, rel), "utf8")
    .split("\n")
    .map((text, i) => ({ text, line: i + 1 }));
const sm = source("kernel-ts/sm.ts");
const ctrlSmSrc = source("kernel-ts/ctrl_sm.ts");

/** The line of the one statement containing `text` (the test stops if there are more or none). */
function lineOf(lines: ReturnType<typeof source>, text: string): number {
  const hits = lines.filter((l) => l.text.includes(text));
  if (hits.length !== 1) throw new Error(`${hits.length} lines contain "${text}", wanted 1`);
  return hits[0].line;
}

/** The line of the brace that closes the block opened on line `start`. */
function blockEnd(lines: ReturnType<typeof source>, start: number): number {
  let depth = 0;
  for (const l of lines.slice(start - 1)) {
    for (const c of l.text) depth += c === "{" ? 1 : c === "}" ? -1 : 0;
    if (depth === 0) return l.line;
  }
  throw new Error(`no end of the block at line ${start}`);
}

const MARKER = "const n = this.counter.load(Order.RELAXED);";
const marker = lineOf(sm, MARKER);
const downEnd = blockEnd(sm, lineOf(sm, "down(e: Ec, zero: bool, timeout: u64): u32 {"));
const callSite = lineOf(ctrlSmSrc, "return s.down(");

t.test("the command line", async (t) => {
  t.same(
    parseDebugArgs(["-smp", "2", "--O2", "--gdb", "--batch", "-ex", "bt"]),
    { help: false, o2: true, qemu: ["-smp", "2"], gdb: ["--batch", "-ex", "bt"] },
    "QEMU's arguments before --gdb, gdb's after it, --O2 taken out",
  );
  t.same(parseDebugArgs([]).gdb, [], "no --gdb: gdb gets only the session's setup");
  t.throws(() => parseDebugArgs(["--02"]), /unknown option --02/, "a mistyped option is refused");
});

t.test("a batch session: TypeScript breakpoint, bt, next, locals, list", async (t) => {
  // Each command's output follows its `@@ name` line in the transcript.
  const commands: [string, string][] = [
    ["break", `break kernel-ts/sm.ts:${marker}`],
    ["continue", "continue"],
    ["bt", "bt"],
    ["next", "next"],
    ["frame", "frame"],
    ["args", "info args"],
    ["print", "print zero"],
    ["up", "up"],
    ["locals", "info locals"],
    ["down", "down"],
    ["list", "list"],
  ];
  const gdb = ["-nx", "--batch"];
  for (const [name, cmd] of commands) gdb.push("-ex", `echo @@ ${name}\\n`, "-ex", cmd);
  // What `npm run debug -- --gdb <gdb>` runs, with the output collected instead of shown.
  const args = parseDebugArgs(["--gdb", ...gdb]);
  const target = await prepare(args, false);
  const r = await runSession({ ...target, gdb: args.gdb, capture: true, timeoutMs: 120_000 });
  const out = new Map<string, string>();
  for (const part of r.transcript.split(/^@@ /m).slice(1)) {
    const nl = part.indexOf("\n");
    out.set(part.slice(0, nl), part.slice(nl + 1));
  }
  const section = (name: string) => out.get(name) ?? "";

  t.notOk(r.timedOut, "gdb finished within 120 s");
  t.equal(r.gdbStatus, 0, "gdb's exit status");
  t.match(
    section("break"),
    new RegExp(`^Breakpoint 1 at 0x[0-9a-f]+: file kernel-ts/sm\\.ts, line ${marker}\\.$`, "m"),
    `a breakpoint on the TypeScript line of "${MARKER}"`,
  );
  t.match(
    section("continue"),
    new RegExp(`^Breakpoint 1, Sm_down \\(.*\\) at kernel-ts/sm\\.ts:${marker}$`, "m"),
    "the root task's ctrl_sm down reaches it",
  );

  const frames = section("bt")
    .split("\n")
    .filter((l) => l.startsWith("#"));
  t.match(frames[0] ?? "", new RegExp(` at kernel-ts/sm\\.ts:${marker}$`), "frame 0 is sm.ts");
  t.ok(
    frames.some((f) =>
      new RegExp(`ctrl_sm_ctrlSm .* at kernel-ts/ctrl_sm\\.ts:${callSite}$`).test(f),
    ),
    `a frame ctrl_sm_ctrlSm at kernel-ts/ctrl_sm.ts:${callSite} (the call of s.down)`,
    { found: frames },
  );
  const places = frames.flatMap((f) => / at (\S+):\d+$/.exec(f)?.[1] ?? []);
  t.same(
    places.filter((p) => !/^kernel-ts\/\w+\.ts$/.test(p)),
    [],
    "every frame with a line names a kernel-ts/*.ts file, not the C",
  );

  const after = Number(/^#0 .* at kernel-ts\/sm\.ts:(\d+)$/m.exec(section("frame"))?.[1]);
  t.ok(
    after > marker && after <= downEnd,
    `next went to sm.ts:${after}, wanted a later line of Sm.down (${marker + 1}..${downEnd})`,
  );
  t.match(section("args"), /^zero = (true|false)$/m, "the argument `zero` by its TypeScript name");
  t.match(section("args"), /^timeout = \d+$/m, "the argument `timeout`");
  t.match(section("print"), /^\$\d+ = (true|false)$/m, "print zero");
  t.match(
    section("up"),
    new RegExp(`^#1 .*ctrl_sm_ctrlSm .* at kernel-ts/ctrl_sm\\.ts:${callSite}$`, "m"),
    "up: the caller's TypeScript line",
  );
  t.match(
    section("locals"),
    /^s = 0x[0-9a-f]+$/m,
    "ctrlSm's local `s` (const s = structAt<Sm>(…))",
  );
  t.match(
    section("list"),
    new RegExp(`^${marker}\\s+${MARKER.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
    "list shows the TypeScript source",
  );

  t.ok(r.qemuPid !== undefined, "QEMU was started");
  t.notOk(alive(r.qemuPid!), `QEMU (pid ${r.qemuPid}) ended with gdb`);
  if (!t.passing())
    t.comment(
      `--- gdb transcript ---\n${r.transcript}\n--- last console lines ---\n` +
        `${r.console.split("\n").slice(-15).join("\n")}\n--- qemu stderr ---\n${r.qemuStderr}`,
    );
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
