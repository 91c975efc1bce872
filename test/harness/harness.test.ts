// The test harness itself: a test file that does not load, or that ends
// without running its tests, fails `npm test`. Each fixture of
// test/harness/fixtures runs alone in a scratch project that has this
// project's `test` script and tap configuration (package.json), so the check is
// of the configuration `npm test` really uses; a scratch project keeps tap's
// bookkeeping (.tap/) apart from the run this file is part of.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { run } from "../lib/host.ts";

const root = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

async function npmTestOn(fixture: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-harness-"));
  try {
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ type: "module", scripts: { test: pkg.scripts.test }, tap: pkg.tap }),
    );
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    fs.mkdirSync(path.join(dir, "test"));
    fs.copyFileSync(
      path.join(import.meta.dirname, "fixtures", `${fixture}.ts`),
      path.join(dir, "test", `${fixture}.test.ts`),
    );
    const r = await run("npm", ["test"], { cwd: dir, timeoutMs: 120_000 });
    return { ...r, output: r.stdout + r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

t.test("a file that passes: npm test exits 0 (the control case)", async (t) => {
  const r = await npmTestOn("passes");
  t.equal(r.code, 0, `exit status 0 [got ${r.code}]`, { tail: r.output.slice(-1500) });
});

t.test("a file that throws at its top level fails the run with its error", async (t) => {
  const r = await npmTestOn("throws");
  t.not(r.code, 0, `exit status not 0 [got ${r.code}]`, { tail: r.output.slice(-1500) });
  t.match(r.output, /this file throws at its top level/, "the error is shown");
  t.match(r.output, /^not ok 1 - test\/throws\.test\.ts/m, "the file is reported failed");
});

t.test("a file whose top-level await never settles fails the run, not a skip", async (t) => {
  const r = await npmTestOn("unsettled");
  t.not(r.code, 0, `exit status not 0 [got ${r.code}]`, { tail: r.output.slice(-1500) });
  t.match(r.output, /^not ok 1 - test\/unsettled\.test\.ts/m, "the file is reported failed");
  t.notMatch(r.output, /# SKIP/, "not counted as a skip");
});
