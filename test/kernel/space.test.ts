// Object and PIO spaces (kernel-ts/space_obj.ts, space_pio.ts) on the host
// under ASan+UBSan, with gcc and clang: test/kernel/dialect/space_main.ts
// checks a fresh object space (CAP0 at all 0x40000 selectors, no table), the
// insert statuses (BAD_CAP, BAD_PAR, MEM_CAP), 40,000 random inserts and
// removes against a flat model (lookups, counts, reference counts, leaves
// freed when empty), the PIO space's I/O bitmap, and that every page comes
// back. Modes 1-4 misuse a space and must panic.

import t from "tap";
import { forEachBuild, expectPanics, runUnit } from "./host-unit.ts";

const misuse: [number, string, string, RegExp][] = [
  [1, "permissions the kind lacks", "space_obj", /permissions not defined for the object's kind/],
  [2, "PIO permissions beyond A", "space_pio", /permissions not defined for a PIO capability/],
  [3, "space freed with capabilities", "space_obj", /captable: released while it holds/],
  [4, "remove of an empty slot", "space_obj", /captable: clear of an empty slot/],
];

t.test("object and PIO spaces", async (t) => {
  await forEachBuild(t, "space_main", "kernel-ts/space_obj.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.code, 0, `${cc}: test exits 0`);
    t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    t.match(r.stdout, /^space: a fresh object space is CAP0 at all 262144 selectors/m);
    t.match(r.stdout, /^space: insert into an occupied slot is BAD_CAP, beyond SELNUM BAD_PAR/m);
    t.match(r.stdout, /^space: 40000 random operations .* match the model/m, `${cc}: random`);
    t.match(r.stdout, /^space: PIO ports: 8 KiB I\/O bitmap/m, `${cc}: PIO`);
    t.match(r.stdout, /^space: every object, table page and bitmap given back$/m, `${cc}: memory`);
    if (!t.passing()) t.comment(r.stdout);
    await expectPanics(t, cc, exe, misuse);
  });
});
