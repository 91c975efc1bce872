// The buddy allocator (kernel-ts/buddy.ts) on the host under ASan+UBSan, with
// gcc and clang: test/kernel/dialect/buddy_main.ts does 200,000 random
// allocations and frees over three regions with a hole, checking every block
// (aligned, inside one region, no page handed out twice) and the allocator's
// invariants; then exhausts memory, frees everything and expects every page
// back, merged into the initial blocks. Modes 1-5 misuse free() and must panic.

import * as path from "node:path";
import t from "tap";
import { run } from "../lib/host.ts";
import { forEachBuild, root, runUnit } from "./host-unit.ts";

const misuse: [number, string, RegExp][] = [
  [1, "double free", /buddy: free of a block that is not allocated at this order/],
  [2, "free at the wrong order", /buddy: free of a block that is not allocated at this order/],
  [3, "misaligned free", /buddy: free of a misaligned block/],
  [4, "free outside every region", /buddy: free of a page outside every region/],
  [5, "free inside an allocated block", /buddy: free of a block that is not allocated/],
];

t.test("stock tsc accepts the harness programs with the prelude", async (t) => {
  const tsc = path.join(root, "node_modules", ".bin", "tsc");
  const r = await run(tsc, [
    "--noEmit",
    "-p",
    path.join(root, "test/kernel/dialect/tsconfig.json"),
  ]);
  t.equal(r.code, 0, r.stdout + r.stderr);
});

t.test("buddy allocator", async (t) => {
  await forEachBuild(t, "buddy_main", "kernel-ts/buddy.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.code, 0, `${cc}: random test exits 0`);
    t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    const ops = Number(/^buddy: (\d+) random operations/m.exec(r.stdout)?.[1]);
    t.ok(ops >= 100_000, `${cc}: ${ops} random operations`);
    t.match(r.stdout, /^buddy: \d+ full checks passed$/m, `${cc}: invariants held throughout`);
    t.match(r.stdout, /^buddy: exhausted by \d+ more blocks, every page handed out exactly once$/m);
    t.match(r.stdout, /^buddy: all (\d+) pages back, merged into the initial \d+ blocks$/m);
    if (!t.passing()) t.comment(r.stdout);
    for (const [mode, what, message] of misuse) {
      const m = await runUnit(exe, mode);
      t.equal(m.code, 1, `${cc}: ${what} stops with a panic`);
      t.match(m.stdout, /^PANIC: .* at kernel-ts\/buddy\.ts:\d+$/m, `${cc}: ${what}: PANIC line`);
      t.match(m.stdout, message, `${cc}: ${what}: message`);
      t.equal(m.stderr, "", `${cc}: ${what}: nothing on stderr`);
    }
  });
});
