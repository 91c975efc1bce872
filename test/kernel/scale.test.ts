// kernel-ts/scale.ts (time conversions without 64-bit overflow) on the host
// under ASan+UBSan, with gcc and clang: every `scale v mul div = r` line that
// test/kernel/dialect/scale_main.ts prints must be floor(v·mul/div) computed
// with BigInt, among them 5 s at a 3.7 GHz TSC, which a plain v·mul/div in 64
// bits got wrong (about 14 ms).

import t from "tap";
import { forEachBuild, runUnit } from "./host-unit.ts";

t.test("scale", async (t) => {
  await forEachBuild(t, "scale_main", "kernel-ts/scale.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.code, 0, `${cc}: test exits 0`, { tail: r.stdout.slice(-600) });
    t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    const lines = [...r.stdout.matchAll(/^scale (\d+) (\d+) (\d+) = (\d+)$/gm)];
    const wrong = lines.filter(
      ([, v, m, d, got]) => (BigInt(v) * BigInt(m)) / BigInt(d) !== BigInt(got),
    );
    t.ok(lines.length >= 20_040, `${cc}: ${lines.length} conversions printed`);
    t.same(wrong.map((l) => l[0]).slice(0, 5), [], `${cc}: every result is floor(v·mul/div)`);
    const watchdog = lines.find(
      ([, v, m, d]) => v === "5000000000" && m === "3700000000" && d === "1000000000",
    );
    t.equal(
      watchdog?.[4],
      "18500000000",
      `${cc}: 5 s at 3.7 GHz is 18.5e9 ticks [got ${watchdog?.[4]}]`,
    );
    t.match(r.stdout, /^scale: done$/m, `${cc}: the harness ran to its end`);
  });
});
