// The MBUF console's ring (kernel-ts/mbuf.ts, nova-abi.md §9.9) on the host
// under ASan+UBSan, with gcc and clang: test/kernel/dialect/mbuf_main.ts runs
// 20,000 random appends (with newlines) and consumer reads against a model of
// every character written: the ring holds the last unread ones (at most
// N − 1 = 4087, the oldest dropped on overflow), append counts newlines,
// the hash matches, indices stay below N and nonsense indices read as 0.

import t from "tap";
import { forEachBuild, runUnit } from "./host-unit.ts";

t.test("MBUF ring", async (t) => {
  await forEachBuild(t, "mbuf_main", "kernel-ts/mbuf.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.code, 0, `${cc}: test exits 0`);
    t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    const m =
      /^mbuf: 20000 appends and reads match the model, (\d+) characters, (\d+) wraps$/m.exec(
        r.stdout,
      );
    t.ok(m && Number(m[2]) > 100, `${cc}: the ring wrapped many times`);
    t.match(r.stdout, /^mbuf: indices at or beyond N read as 0$/m);
    if (!t.passing()) t.comment(r.stdout);
  });
});
