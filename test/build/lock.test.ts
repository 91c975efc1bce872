// build/lock.ts: builds of one output never overlap, in one process or
// across processes, and a killed holder does not leave the lock behind.
// Then the real case: two processes build the same user program into one
// fresh output directory at once, and both get the same, complete ELF.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import t from "tap";
import { withBuildLock } from "../../build/lock.ts";

const root = path.resolve(import.meta.dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-lock-"));
t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes <work>/<name>.mts: `fn` imported from build/<module>.ts, then `body`. */
function script(name: string, fn: string, module: string, body: string): string {
  const file = path.join(work, `${name}.mts`);
  const from = JSON.stringify(path.join(root, "build", `${module}.ts`));
  fs.writeFileSync(file, `import { ${fn} } from ${from};\n${body}`);
  return file;
}

/**
 * Runs a script in Node itself with tsx's loader (the tsx command would run
 * it in a child process, which a SIGKILL would not reach).
 */
function node(file: string) {
  return execa(process.execPath, ["--import", "tsx", file], {
    cwd: root,
    reject: false,
    all: true,
  });
}

t.test("two builds of one output run one after the other", async (t) => {
  const out = path.join(work, "a.elf");
  const events: string[] = [];
  const run = (who: string) =>
    withBuildLock(out, async () => {
      events.push(`${who} in`);
      await sleep(300);
      events.push(`${who} out`);
    });
  await Promise.all([run("first"), run("second")]);
  t.equal(events.length, 4);
  t.equal(
    events[0].split(" ")[0],
    events[1].split(" ")[0],
    "the first holder leaves before the next enters",
  );
  t.equal(events[2].split(" ")[0], events[3].split(" ")[0]);
});

t.test("builds of different outputs do not wait for each other", async (t) => {
  const events: string[] = [];
  const run = (out: string) =>
    withBuildLock(path.join(work, out), async () => {
      events.push(`${out} in`);
      await sleep(300);
      events.push(`${out} out`);
    });
  await Promise.all([run("b.elf"), run("c.elf")]);
  t.same(events.slice(0, 2).sort(), ["b.elf in", "c.elf in"]);
});

t.test("a holder killed by SIGKILL lets the lock go", async (t) => {
  const out = path.join(work, "d.elf");
  const child = node(
    script(
      "hold",
      "withBuildLock",
      "lock",
      `await withBuildLock(${JSON.stringify(out)}, async () => {\n` +
        `  process.stdout.write("held\\n");\n` +
        `  await new Promise(() => setInterval(() => {}, 1000));\n` +
        `});\n`,
    ),
  );
  await new Promise<void>((resolve) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("held")) resolve();
    });
  });
  let entered = false;
  const waiting = withBuildLock(out, async () => {
    entered = true;
  });
  await sleep(500);
  t.notOk(entered, "the other process holds it");
  child.kill("SIGKILL");
  await child;
  await waiting;
  t.ok(entered, "taken once the holder is gone");
});

t.test("two processes build roottest into one fresh directory", async (t) => {
  const outDir = path.join(work, "out");
  const build = script(
    "build",
    "buildUser",
    "user",
    `process.stdout.write(await buildUser("roottest", { outDir: ${JSON.stringify(outDir)}, progress: false }));\n`,
  );
  const [a, b] = await Promise.all([node(build), node(build)]);
  t.equal(a.exitCode, 0, a.all);
  t.equal(b.exitCode, 0, b.all);
  t.equal(a.stdout, b.stdout, "the same ELF");
  t.ok(fs.statSync(a.stdout).size > 10_000, "a complete ELF");
});
