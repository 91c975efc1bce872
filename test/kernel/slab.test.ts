// The slab allocator (kernel-ts/slab.ts) over the buddy allocator on the host
// under ASan+UBSan, with gcc and clang: test/kernel/dialect/slab_main.ts does
// 150,000 random allocations and frees of 1 byte to 24 KiB at alignments up to
// 4 KiB, checking each object (aligned, zeroed, inside the memory, its fill
// intact until it is freed) and both allocators' invariants; then frees
// everything and expects every page back in the buddy allocator, merged.
// Modes 1-4 misuse free() and must panic.

import t from "tap";
import { forEachBuild, runUnit } from "./host-unit.ts";

const misuse: [number, string, RegExp][] = [
  [1, "double free", /slab: double free/],
  [2, "free with another size class", /slab: free of an object not from this class/],
  [3, "free of an interior pointer", /slab: free of a pointer that is not an object's start/],
  [4, "free of memory no slab holds", /slab: free of an object not from this class/],
];

t.test("slab allocator", async (t) => {
  await forEachBuild(t, "slab_main", "kernel-ts/slab.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.code, 0, `${cc}: random test exits 0`);
    t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    const ops = Number(/^slab: (\d+) random operations/m.exec(r.stdout)?.[1]);
    t.ok(ops >= 100_000, `${cc}: ${ops} random operations`);
    t.match(
      r.stdout,
      /^slab: everything freed, all \d+ pages back in the buddy allocator, merged$/m,
    );
    if (!t.passing()) t.comment(r.stdout);
    for (const [mode, what, message] of misuse) {
      const m = await runUnit(exe, mode);
      t.equal(m.code, 1, `${cc}: ${what} stops with a panic`);
      t.match(m.stdout, /^PANIC: .* at kernel-ts\/slab\.ts:\d+$/m, `${cc}: ${what}: PANIC line`);
      t.match(m.stdout, message, `${cc}: ${what}: message`);
      t.equal(m.stderr, "", `${cc}: ${what}: nothing on stderr`);
    }
  });
});
