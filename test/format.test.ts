// Every TypeScript, Markdown and JSON file is prettier-formatted (see .prettierignore).

import * as path from "node:path";
import t from "tap";
import { run } from "./lib/host.ts";

const root = path.resolve(import.meta.dirname, "..");

t.test("prettier --check", async (t) => {
  const r = await run(path.join(root, "node_modules", ".bin", "prettier"), ["--check", "."], {
    cwd: root,
  });
  t.equal(r.code, 0, r.stdout + r.stderr);
});
