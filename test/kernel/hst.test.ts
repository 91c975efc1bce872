// Host and MSR spaces (kernel-ts/space_hst.ts, space_msr.ts) with the mapping
// database on the host under ASan+UBSan, with gcc and clang:
// test/kernel/dialect/hst_main.ts checks a fresh host space, a guest space and the NOVA host
// space (computed, protected memory CAP0), a DMA space (IOMMU table entries), the PTE of every cache attribute
// and permission set, kernel pages (replace and revoke a capability, delegate
// as CAP0), partial MEM_CAP, a space destroyed with its last reference, an
// order-20 delegation from the NOVA host space and its revocation, the NOVA
// MSR space and the MSR windows; then 6,000 random operations over four host
// and three MSR spaces against a reference model (capabilities, parents,
// page-table entries, TLB invalidation of every changed entry), and every
// allocation back. Modes 1-2 misuse a space and must panic.

import t from "tap";
import { forEachBuild, expectPanics, runUnit } from "./host-unit.ts";

const misuse: [number, string, string, RegExp][] = [
  [1, "memory capability with undefined permissions", "space_hst", /invalid memory capability/],
  [2, "MSR permissions beyond R/W", "space_msr", /permissions not defined for an MSR capability/],
];

t.test("host and MSR spaces", async (t) => {
  await forEachBuild(t, "hst_main", "kernel-ts/space_hst.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.code, 0, `${cc}: test exits 0`);
    t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    t.match(
      r.stdout,
      /^hst: a fresh host space is CAP0 at all 2\^35 selectors.*; the last user page never executable$/m,
      `${cc}: fresh`,
    );
    t.match(
      r.stdout,
      /^hst: a guest space has 2\^36 selectors and nested tables of its own/m,
      `${cc}: guest space`,
    );
    t.match(
      r.stdout,
      /^hst: a DMA space has the selectors it was made with and IOMMU tables/m,
      `${cc}: DMA space`,
    );
    t.match(
      r.stdout,
      /^hst: AMD-Vi DMA space: table entries name the next level/m,
      `${cc}: AMD-Vi`,
    );
    t.match(r.stdout, /^hst: kernel pages replace capabilities .* partial MEM_CAP after 1 of 8/m);
    t.match(r.stdout, /^hst: order 20: 1048559 pages delegated from the NOVA host space/m);
    t.match(r.stdout, /^hst: MSR spaces: NOVA MSR space per the table/m, `${cc}: MSR`);
    const m =
      /^hst: (\d+) random operations: (\d+) from the NOVA host space, (\d+) host delegations, (\d+) in place, (\d+) revocations, (\d+) kernel pages, (\d+) MSR delegations/m.exec(
        r.stdout,
      );
    t.ok(m && Number(m[1]) >= 6000, `${cc}: ≥ 6,000 random operations`);
    t.ok(m && Number(m[2]) >= 1000 && Number(m[3]) >= 1000 && Number(m[7]) >= 1000, `${cc}: mix`);
    t.match(r.stdout, /^hst: model matched after every operation/m, `${cc}: model matched`);
    t.match(
      r.stdout,
      /^hst: spaces dropped: every capability, node, page table and object given back$/m,
    );
    if (!t.passing()) t.comment(r.stdout);
    await expectPanics(t, cc, exe, misuse);
  });
});
