// The page tables (kernel-ts/ptab.ts) on the host under ASan+UBSan, with gcc
// and clang: test/kernel/dialect/ptab_main.ts maps 4 KiB, 2 MiB and 1 GiB
// pages in tables from a static pool, checks translations, attributes,
// refused overlaps, unmapping, 300 random pages, and running out of tables.

import t from "tap";
import { forEachBuild, runUnit } from "./host-unit.ts";

t.test("page tables", async (t) => {
  await forEachBuild(t, "ptab_main", "kernel-ts/ptab.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.stderr, "", `${cc}: no sanitizer finding`);
    t.equal(r.code, 0, `${cc}: exits 0`);
    t.match(r.stdout, /^ptab: \d{4} checks passed, \d+ table pages$/m, `${cc}: every check passed`);
  });
});
