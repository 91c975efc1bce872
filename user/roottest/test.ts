// The root test task's framework: `block(base)` starts a module's block of
// cases, each case prints `TEST <id> <name> PASS` or `TEST <id> <name> FAIL
// ...` with id = base + its index in the block, `summary()` prints
// `TESTS: <passed>/<total> passed`. Ids are stable: a block's ids depend only
// on its own cases, so adding cases to one module (at its end) or a new module
// (its own base) never renumbers another. Blocks must run in ascending id order
// with no overlap (checked: a violation stops the task with #UD).
//
// A failing case says what it got and what it wanted. `expect(name, got, want)`
// and `expectStatus(name, got, want)` are cases of one comparison; a case of
// several parts is `check(name, ok)` with each part written as a comparison
// below (`isStatus`, `isValue`, `atLeast`, ...), which returns its result and
// remembers the last one that went wrong (in `a && b` the first), so:
//   TEST 205 create_sm-bad_cap-pd-cap0 FAIL got SUCCESS want BAD_CAP
//   TEST 201 create_sm-bad_cap-sel-occupied FAIL got BAD_CAP want SUCCESS (part 2)
// `part k` is the case's k-th comparison, named when it made more than one.
// Statuses are printed by their §5 name, other values in hex. A case whose
// parts are no comparisons prints `FAIL` alone.
//
// Cases that do not apply to this machine (vmmtest's VMX-only cases on SVM)
// still take their ids: between `notApplicable(why)` and `applicable()` each
// prints `TEST <id> <name> SKIP not applicable: <why>`, whatever it got, and
// counts neither as passed nor in the summary's total.
//
// Until COM1 is ours (`consoleReady`), results are kept and printed then;
// `hold()` keeps them again until the next `consoleReady()` (a task whose
// other CPUs make the kernel log meanwhile, whose lines would cut ours).
// Only the root EC records cases (the comparisons share one record).

import { statusName } from "../../abi/status.ts";
import { putDec, putHex, puts } from "../nova/console.ts";

/** How a comparison's `want` reads in a FAIL line. */
enum Want {
  /** No comparison went wrong. */
  NONE = 0,
  /** Equal, both statuses: `got BAD_CAP want SUCCESS`. */
  STATUS,
  EQUAL,
  NOT_EQUAL,
  AT_LEAST,
  AT_MOST,
  ABOVE,
  BELOW,
}

/** One case's result, and the comparison of it that went wrong (if any). */
class Case {
  id: u64;
  name: str;
  ok: bool;
  /** The case does not apply, because of `why`. */
  skipped: bool;
  why: str;
  want: u32;
  got: u64;
  value: u64;
  /** Which comparison of the case went wrong (1 = its first), and how many it made. */
  part: u64;
  parts: u64;
}

class Counts {
  passed: u64;
  total: u64;
  /** The next case's id and the first id the next block may use. */
  next: u64;
  /** Whether results are printed now: else they are kept (before COM1 is ours, or held). */
  console: bool;
  early: u64;
  /** The cases from now on do not apply, because of `why`. */
  skipping: bool;
  why: str;
}

const counts = new Counts();
/** The case being evaluated: its comparisons so far. */
const current = new Case();
const EARLY_MAX: usize = 256;
const early = array<Inline<Case>, 256>();

/** Starts a block of cases whose ids count from `base` (above every id so far). */
export function block(base: u64): void {
  assert(base >= counts.next, "test blocks run in ascending, non-overlapping id ranges");
  counts.next = base;
}

function putValue(want: u32, v: u64): void {
  const name = want === Want.STATUS ? statusName(v) : "";
  if (strLength(name) !== 0) puts(name);
  else putHex(v);
}

function line(c: Case): void {
  puts("TEST ");
  putDec(c.id);
  puts(" ");
  puts(c.name);
  if (c.skipped) {
    puts(" SKIP not applicable: ");
    puts(c.why);
    puts("\n");
    return;
  }
  if (c.ok) {
    puts(" PASS\n");
    return;
  }
  puts(" FAIL");
  if (c.want !== Want.NONE) {
    puts(" got ");
    putValue(c.want, c.got);
    puts(" want ");
    if (c.want === Want.NOT_EQUAL) puts("!= ");
    if (c.want === Want.AT_LEAST) puts(">= ");
    if (c.want === Want.AT_MOST) puts("<= ");
    if (c.want === Want.ABOVE) puts("> ");
    if (c.want === Want.BELOW) puts("< ");
    putValue(c.want, c.value);
    if (c.parts > 1) {
      puts(" (part ");
      putDec(c.part);
      puts(")");
    }
  }
  puts("\n");
}

/** Records one comparison of the current case; returns `ok`. */
function compared(ok: bool, want: u32, got: u64, value: u64): bool {
  current.parts++;
  if (!ok) {
    current.want = want;
    current.got = got;
    current.value = value;
    current.part = current.parts;
  }
  return ok;
}

/** A part of a case: status `got` is `want` (a whole RDI too: printed in hex if it is no status). */
export function isStatus(got: u64, want: u64): bool {
  return compared(got === want, Want.STATUS, got, want);
}

/** A part of a case: `got` is `want`. */
export function isValue(got: u64, want: u64): bool {
  return compared(got === want, Want.EQUAL, got, want);
}

/** A part of a case: `got` is not `other`. */
export function isNot(got: u64, other: u64): bool {
  return compared(got !== other, Want.NOT_EQUAL, got, other);
}

export function atLeast(got: u64, min: u64): bool {
  return compared(got >= min, Want.AT_LEAST, got, min);
}

export function atMost(got: u64, max: u64): bool {
  return compared(got <= max, Want.AT_MOST, got, max);
}

export function above(got: u64, min: u64): bool {
  return compared(got > min, Want.ABOVE, got, min);
}

export function below(got: u64, limit: u64): bool {
  return compared(got < limit, Want.BELOW, got, limit);
}

/** One case: `ok` is its result; on FAIL the last comparison that went wrong is printed. */
export function check(name: str, ok: bool): void {
  const c = current;
  c.id = counts.next;
  c.name = name;
  c.ok = ok;
  c.skipped = counts.skipping;
  c.why = counts.why;
  if (ok) c.want = Want.NONE;
  counts.next++;
  if (!c.skipped) counts.total++;
  if (!c.skipped && ok) counts.passed++;
  if (counts.console) line(c);
  else {
    const i = usize(counts.early);
    assert(i < EARLY_MAX, "too many cases kept before they are printed");
    const e = early[i];
    e.id = c.id;
    e.name = c.name;
    e.ok = c.ok;
    e.skipped = c.skipped;
    e.why = c.why;
    e.want = c.want;
    e.got = c.got;
    e.value = c.value;
    e.part = c.part;
    e.parts = c.parts;
    counts.early++;
  }
  // The next case starts with no comparisons.
  c.want = Want.NONE;
  c.parts = 0;
}

/** A case of one comparison: `got` is `want` (FAIL got 0x3 want 0x5). */
export function expect(name: str, got: u64, want: u64): void {
  check(name, isValue(got, want));
}

/** A case of one status: `got` is `want` (FAIL got SUCCESS want BAD_CAP). */
export function expectStatus(name: str, got: u64, want: u64): void {
  check(name, isStatus(got, want));
}

/** The cases from now on do not apply, because of `why` (one line's tail, not empty). */
export function notApplicable(why: str): void {
  assert(strLength(why) !== 0, "a case that does not apply says why");
  counts.skipping = true;
  counts.why = why;
}

/** The cases from now on apply again. */
export function applicable(): void {
  counts.skipping = false;
}

/** COM1 is usable from now on: prints what was recorded before. */
export function consoleReady(): void {
  counts.console = true;
  for (let i: usize = 0; i < usize(counts.early); i++) line(early[i]);
  counts.early = 0;
}

/** Keeps the results from now on, to print them at the next consoleReady(). */
export function hold(): void {
  counts.console = false;
}

/** Prints the summary; returns passed << 32 | total. */
export function summary(): u64 {
  puts("TESTS: ");
  putDec(counts.passed);
  puts("/");
  putDec(counts.total);
  puts(" passed\n");
  return (counts.passed << 32) | counts.total;
}
