// Checks shared by the boot tests of the root tasks built on
// user/roottest/test.ts: their TEST lines (roottest in user.test.ts and the
// SMP tests, the stress tasks), and the kernel statistics page compared
// before and after a run (user/nova/kstat.ts `compare`).

import type { Test } from "tap";

/**
 * One case as user/roottest/test.ts prints it: `TEST <id> <name> PASS`, or
 * `TEST <id> <name> FAIL` with what the case got and wanted, e.g.
 * `FAIL got BAD_CAP want SUCCESS` or `FAIL got 0x1 want >= 0x2 (part 2)`, or
 * `TEST <id> <name> SKIP not applicable: <why>` for a case that does not apply
 * to the machine (neither passed nor failed, and not in the summary's total).
 */
export interface Case {
  id: number;
  name: string;
  pass: boolean;
  skipped: boolean;
  /** The whole line: what a failure message shows. */
  line: string;
}

/** PASS exactly; FAIL alone or with its ` got … want …` tail; SKIP with its reason. */
const CASE =
  /^TEST (\d+) (\S+) (PASS|FAIL(?: got \S+ want (?:[<>!]=? )?\S+(?: \(part \d+\))?)?|SKIP not applicable: \S.*)$/;

/** The console's TEST lines in order; one of another form (a cut line) counts as failed. */
export function cases(console: string): Case[] {
  return console
    .split("\n")
    .filter((l) => l.startsWith("TEST "))
    .map((line) => {
      const m = CASE.exec(line);
      return m
        ? {
            id: Number(m[1]),
            name: m[2],
            pass: m[3] === "PASS",
            skipped: m[3].startsWith("SKIP"),
            line,
          }
        : { id: NaN, name: "", pass: false, skipped: false, line };
    });
}

/**
 * What is wrong with a task's cases, one entry each, [] if nothing: fewer than `min` lines, ids
 * not ascending (ids are per block, test.ts), every case that did not PASS and was not SKIP as
 * its whole line (so a failure message shows what it got and wanted), and a `TESTS:
 * <passed>/<total> passed` summary that does not count every case that applied as passed.
 */
export function caseProblems(console: string, min: number): string[] {
  const all = cases(console);
  const problems: string[] = [];
  if (all.length < min) problems.push(`${all.length} TEST lines, fewer than ${min}`);
  const ids = all.map((c) => c.id).filter((id) => !Number.isNaN(id));
  if (ids.some((id, i) => i > 0 && id <= ids[i - 1])) problems.push("ids not ascending");
  problems.push(...all.filter((c) => !c.pass && !c.skipped).map((c) => c.line));
  const summary = /^TESTS: (\d+)\/(\d+) passed$/m.exec(console);
  const applied = all.filter((c) => !c.skipped).length;
  const want = `${applied}/${applied}`;
  if (!summary) problems.push("no TESTS summary");
  else if (`${summary[1]}/${summary[2]}` !== want)
    problems.push(`summary ${summary[1]}/${summary[2]} passed, not ${want}`);
  return problems;
}

/** At least `min` cases, all PASS, ids ascending, the summary: one assertion that names each failure. */
export function checkCases(t: Test, console: string, min: number): void {
  const problems = caseProblems(console, min);
  const all = cases(console);
  const skipped = all.filter((c) => c.skipped).length;
  const passed = `${all.length - skipped} cases, every one PASS`;
  t.same(
    problems,
    [],
    problems.length
      ? problems.join("; ")
      : skipped
        ? `${passed}, ${skipped} not applicable`
        : passed,
  );
}

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

/** At least `min` cases, all PASS (checkCases), then the task's UD2 (the boot's end: expectBootOk). */
export function checkTestsPassed(t: Test, console: string, min: number): void {
  checkCases(t, console, min);
  t.match(console, /^EC: root EC killed: #UD at /m, "the task ends with its UD2");
}
