// Every TypeScript, Markdown and JSON file is prettier-formatted (see .prettierignore).

import * as path from "node:path";
import { execa } from "execa";
import t from "tap";

const root = path.resolve(import.meta.dirname, "..");

t.test("prettier --check", async (t) => {
  const r = await execa(path.join(root, "node_modules", ".bin", "prettier"), ["--check", "."], {
    cwd: root,
    reject: false,
    all: true,
  });
  t.equal(r.exitCode, 0, r.all);
});
