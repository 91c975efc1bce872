// The mapping database (kernel-ts/mdb.ts) over object and PIO spaces on the
// host under ASan+UBSan, with gcc and clang: test/kernel/dialect/mdb_main.ts
// checks the statuses (BAD_CAP, BAD_PAR, partial MEM_CAP), a space destroyed
// with its last capability, an order-18 delegation, then 12,000 random root
// insertions, delegations and revocations against a reference model (every
// capability, parent, reference count and I/O bitmap bit compared after every
// operation; no descendant survives a revoke; rights never increase along a
// chain; objects destroyed exactly when their last capability goes); then every
// allocation given back. Modes 1-5 break a kernel invariant and must panic.

import t from "tap";
import { forEachBuild, expectPanics, runUnit } from "./host-unit.ts";

const misuse: [number, string, string, RegExp][] = [
  [1, "reference dropped twice", "kobject", /kobject: reference count underflow/],
  [2, "misaligned object", "capability", /capability: object not 32-byte aligned/],
  [3, "undefined permissions", "space_obj", /permissions not defined for the object's kind/],
  [4, "forged rights in a chain", "mdb", /mdb: rights increase along a chain/],
  [5, "destroy while referenced", "kobject", /kobject: destroy of an object still referenced/],
];

t.test("mapping database", async (t) => {
  await forEachBuild(t, "mdb_main", "kernel-ts/mdb.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.code, 0, `${cc}: test exits 0`);
    t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    t.match(r.stdout, /^mdb: statuses: BAD_CAP .* MEM_CAP \(partial\)$/m, `${cc}: statuses`);
    t.match(r.stdout, /^mdb: a space destroyed with its last capability/m, `${cc}: cascade`);
    t.match(r.stdout, /^mdb: order 18: 262144 capabilities delegated at once/m, `${cc}: order 18`);
    const m = /^mdb: (\d+) random operations: .* (\d+) delegations .* (\d+) revocations/m.exec(
      r.stdout,
    );
    t.ok(m && Number(m[1]) >= 10_000, `${cc}: ≥ 10,000 random operations`);
    t.ok(m && Number(m[2]) >= 1000 && Number(m[3]) >= 500, `${cc}: delegations and revocations`);
    t.match(r.stdout, /^mdb: model matched after every operation/m, `${cc}: model matched`);
    t.match(r.stdout, /^mdb: spaces dropped: .* every node, table page and object given back$/m);
    if (!t.passing()) t.comment(r.stdout);
    await expectPanics(t, cc, exe, misuse);
  });
});
