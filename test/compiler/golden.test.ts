// Golden lowering: test/compiler/golden/*.ts must lower to exactly the C in
// golden/expected/, and that C must compile warning-free with gcc and clang.
// After an intended change: KTS_UPDATE_GOLDEN=1 npx tap test/compiler/golden.test.ts,
// then read the diff of golden/expected/ before committing it.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import t from "tap";
import { toolchain } from "../../build/config.ts";
import { compile, writeModules } from "../../compiler/index.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(import.meta.dirname, "golden");
const expectedDir = path.join(dir, "expected");
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => path.join(dir, f));

const result = compile({ files, srcRoot: dir, displayRoot: root });

t.test("golden programs compile", async (t) => {
  t.same(result.diagnostics, []);
  t.notOk(result.internalError, result.internalError?.message ?? "no internal error");
});

t.test("lowered C matches golden/expected", async (t) => {
  if (process.env.KTS_UPDATE_GOLDEN) writeModules(result.modules, expectedDir);
  for (const m of result.modules) {
    for (const [ext, text] of [
      ["c", m.source],
      ["h", m.header],
    ] as const) {
      const p = path.join(expectedDir, `${m.name}.${ext}`);
      t.equal(text, fs.existsSync(p) ? fs.readFileSync(p, "utf8") : "", `${m.name}.${ext}`);
    }
  }
});

for (const cc of ["gcc", "clang"] as const) {
  t.test(`golden C compiles warning-free with ${cc}`, async (t) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "kts-golden-"));
    writeModules(result.modules, out);
    for (const m of result.modules) {
      const r = await execa(
        cc,
        [
          ...toolchain(cc).cflags,
          "-I",
          path.join(root, "runtime-c"),
          "-I",
          out,
          "-fsyntax-only",
          path.join(out, `${m.name}.c`),
        ],
        { reject: false, all: true },
      );
      t.equal(r.exitCode, 0, `${m.name}.c\n${r.all}`);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });
}
