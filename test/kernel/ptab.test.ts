// kernel-ts/ptab.ts on the host under ASan+UBSan, with gcc and clang.

import * as path from "node:path";
import t from "tap";
import { hostCompilers, hostProgram } from "../lib/host.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const files = ["test/kernel/ptab_main.ts", "kernel-ts/ptab.ts", "kernel-ts/kmem.ts"].map((f) =>
  path.join(repo, f),
);

for (const cc of hostCompilers) {
  t.test(`page tables (${cc})`, async (t) => {
    const r = await hostProgram(files, repo, "test_kernel_ptab_main", cc);
    t.equal(r.stderr, "", "no sanitizer finding");
    t.equal(r.code, 0, r.stdout);
    t.match(r.stdout, /^ptab: \d{4} checks passed, \d+ table pages$/m);
  });
}
