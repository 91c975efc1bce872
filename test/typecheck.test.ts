// The tooling itself (compiler, build, scripts, tests) type-checks under strict tsc.

import * as path from "node:path";
import t from "tap";
import { run } from "./lib/host.ts";

const root = path.resolve(import.meta.dirname, "..");

t.test("tsc -p tsconfig.json", async (t) => {
  const r = await run(path.join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], {
    cwd: root,
  });
  t.equal(r.code, 0, r.stdout + r.stderr);
});
