// The root test task's framework: `block(base)` starts a module's block of
// cases, `check(name, ok)` records one case as `TEST <id> <name> PASS|FAIL`
// with id = base + its index in the block, `summary()` prints
// `TESTS: <passed>/<total> passed`. Ids are stable: a block's ids depend only
// on its own cases, so adding cases to one module (at its end) or a new module
// (its own base) never renumbers another. Blocks must run in ascending id order
// with no overlap (checked: a violation stops the task with #UD).
//
// Until COM1 is ours (`consoleReady`), results are kept and printed then.

import { putDec, puts } from "../nova/console.ts";

class Counts {
  passed: u64;
  total: u64;
  /** The next case's id and the first id the next block may use. */
  next: u64;
  /** Whether COM1 is ours: results before that are kept and printed later. */
  console: bool;
  early: u64;
}

const counts = new Counts();
const EARLY_MAX: usize = 8;
const early = array<u8, 8>();
const earlyIds = array<u64, 8>();
const earlyNames = array<str, 8>();

/** Starts a block of cases whose ids count from `base` (above every id so far). */
export function block(base: u64): void {
  assert(base >= counts.next, "test blocks run in ascending, non-overlapping id ranges");
  counts.next = base;
}

function line(id: u64, name: str, ok: bool): void {
  puts("TEST ");
  putDec(id);
  puts(" ");
  puts(name);
  puts(ok ? " PASS\n" : " FAIL\n");
}

/** One case: `ok` is its result. */
export function check(name: str, ok: bool): void {
  const id = counts.next;
  counts.next++;
  counts.total++;
  if (ok) counts.passed++;
  if (counts.console) {
    line(id, name, ok);
    return;
  }
  const i = usize(counts.early);
  assert(i < EARLY_MAX, "too many cases before the console");
  early[i] = ok ? 1 : 0;
  earlyIds[i] = id;
  earlyNames[i] = name;
  counts.early++;
}

/** COM1 is usable from now on: prints what was recorded before. */
export function consoleReady(): void {
  counts.console = true;
  for (let i: usize = 0; i < usize(counts.early); i++)
    line(earlyIds[i], earlyNames[i], early[i] !== 0);
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
