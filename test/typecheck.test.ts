// The tooling itself (compiler, build, scripts, tests) type-checks under strict tsc.

import * as path from "node:path";
import { execa } from "execa";
import t from "tap";

const root = path.resolve(import.meta.dirname, "..");

t.test("tsc -p tsconfig.json", async (t) => {
  const r = await execa(path.join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], {
    cwd: root,
    reject: false,
    all: true,
  });
  t.equal(r.exitCode, 0, r.all);
});
