// The page tables (kernel-ts/ptab.ts) on the host under ASan+UBSan, with gcc
// and clang: test/kernel/dialect/ptab_main.ts maps 4 KiB, 2 MiB and 1 GiB
// pages in tables from a static pool, checks translations, attributes,
// refused overlaps, unmapping, 300 random pages, and running out of tables.

import t from "tap";
import { buildUnit, cleanUp, runUnit } from "./host-unit.ts";

t.test("page tables", async (t) => {
  const u = await buildUnit("ptab_main");
  t.teardown(() => cleanUp(u.work));
  t.same(u.errors, [], "ktsc compiles the harness and kernel-ts/ptab.ts");
  for (const b of u.builds) {
    t.ok(b.code === 0 && b.stderr === "", `${b.cc} builds it without a warning`, {
      diagnostics: b.stderr.slice(0, 6000),
    });
    if (b.code !== 0) continue;
    const r = await runUnit(b.exe, 0);
    t.equal(r.stderr, "", `${b.cc}: no sanitizer finding`);
    t.equal(r.code, 0, `${b.cc}: exits 0`);
    t.match(
      r.stdout,
      /^ptab: \d{4} checks passed, \d+ table pages$/m,
      `${b.cc}: every check passed`,
    );
  }
});
