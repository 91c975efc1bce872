// Checks shared by the boot tests of the stress root tasks (stress.test.ts,
// smpstress.test.ts): the kernel statistics page compared before and after a
// run (user/nova/kstat.ts `compare`), and the end of a task's TEST lines.

import type { Test } from "tap";

/**
 * Each of the five `<prefix>: <counter> before <n> after <m>` lines (user/nova/kstat.ts) is
 * printed with m = n: the kernel's memory is back where it started.
 */
export function checkKstatBack(t: Test, console: string, prefix: string): void {
  for (const what of [
    "free pages",
    "live objects",
    "live allocations",
    "live bytes",
    "mdb nodes",
  ]) {
    const m = new RegExp(`^${prefix}: ${what} before (\\d+) after (\\d+)$`, "m").exec(console);
    t.ok(m, `${what} reported`);
    if (m) t.equal(m[2], m[1], `${what} back where it started`);
  }
}

/**
 * At least `min` TEST lines, none of them FAIL, the `TESTS:` summary counting them all, then
 * the task's UD2 and the end of the boot.
 */
export function checkTestsPassed(t: Test, console: string, min: number): void {
  const tests = console.match(/^TEST \d+ \S+ (PASS|FAIL)$/gm) ?? [];
  t.ok(tests.length >= min, "every case printed");
  t.same(
    tests.filter((l) => l.endsWith("FAIL")),
    [],
    "no case failed",
  );
  t.match(console, /^TESTS: (\d+)\/\1 passed$/m);
  t.match(console, /^EC: root EC killed: #UD at /m, "the task ends with its UD2");
  t.match(console, /^Boot complete$/m);
}
