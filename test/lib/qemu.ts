// Boots an image under QEMU for a test: collects the serial console, the
// exit status, and on failure gives the last console lines to print; and the
// checks every boot test ends with (expectBootOk, expectPanicExit).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import type { Test } from "tap";
import { requireTools } from "../../build/tools.ts";
import { EXIT_PANIC, EXIT_SUCCESS, qemuArgs, qemuStatus } from "../../scripts/qemu-args.ts";

export interface Boot {
  status: number | undefined;
  timedOut: boolean;
  console: string;
  /** QEMU's own messages (warnings, -trace output). */
  stderr: string;
  /** The last lines of the console, for failure messages. */
  tail: string;
}

/**
 * Boots `image` under QEMU and collects its console. With `consoleFile` the console goes to a
 * file, read after QEMU ended: the one way a run under -icount is replayed exactly
 * (scripts/qemu-args.ts Wiring).
 */
export async function boot(
  image: string,
  extra: string[] = [],
  timeoutMs = 120_000,
  media: "kernel" | "cdrom" = "kernel",
  consoleFile = false,
): Promise<Boot> {
  // A missing QEMU is named with its install line, not mistaken for a boot with no console.
  requireTools(["qemu"]);
  const dir = consoleFile ? fs.mkdtempSync(path.join(os.tmpdir(), "kts-boot-")) : undefined;
  const file = dir && path.join(dir, "console");
  const r = await execa(
    "qemu-system-x86_64",
    qemuArgs(image, extra, media, { consoleFile: file }),
    {
      reject: false,
      timeout: timeoutMs,
      stdin: "ignore",
    },
  );
  const text = file ? (fs.existsSync(file) ? fs.readFileSync(file, "latin1") : "") : r.stdout;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  return booted(r.exitCode, !!r.timedOut, text, r.stderr);
}

/** A Boot from what QEMU left: its status, whether it was ended for taking too long, its output. */
export function booted(
  status: number | undefined,
  timedOut: boolean,
  output: string,
  stderr: string,
): Boot {
  // The console is serial plus nothing else: QEMU's own warnings go to stderr.
  const text = output.replace(/\r/g, "");
  return {
    status,
    timedOut,
    console: text,
    stderr,
    tail: `--- last console lines ---\n${text.split("\n").slice(-20).join("\n")}\n--- qemu stderr ---\n${stderr.split("\n").slice(-10).join("\n")}`,
  };
}

/** QEMU's exit status when the kernel reports success through the debug-exit device. */
export const SUCCESS_STATUS = (EXIT_SUCCESS << 1) | 1;
/** ... and when it panics. */
export const PANIC_STATUS = (EXIT_PANIC << 1) | 1;

/** How QEMU ended, for assertion messages: `status 33 (kernel reported success), timed out: no`. */
function ending(b: Boot): string {
  const why = b.status === undefined ? "killed" : qemuStatus(b.status).reason;
  return `status ${b.status} (${why}), timed out: ${b.timedOut ? "yes" : "no"}`;
}

/** The first panic or exception report line (PANIC:, EXC:), or undefined. */
function report(console: string): string | undefined {
  return /^(?:PANIC|EXC): .*$/m.exec(console)?.[0];
}

/**
 * The kernel's side of a good end, under QEMU and Bochs alike: no panic or exception report
 * and the `Boot complete` line. `p` prefixes the messages.
 */
export function expectKernelDone(t: Test, console: string, p: string): void {
  const r = report(console);
  t.notOk(
    r,
    `${p}no panic or exception report [got ${r === undefined ? "none" : JSON.stringify(r)}]`,
  );
  const done = /^Boot complete$/m.test(console);
  const last = console.trimEnd().split("\n").at(-1) ?? "";
  t.ok(done, `${p}Boot complete [got ${done ? "it" : `none, last line ${JSON.stringify(last)}`}]`);
}

/** The failures of each test when its console tail was last printed. */
const shownAt = new WeakMap<Test, number>();

/**
 * Prints `tail` as a comment if `t` has failed since the last tail was printed: once per boot
 * that went wrong, after every check of it (the test's own and the common ones).
 */
export function tailOnFailure(t: Test, tail: string): void {
  const fails = t.assertTotals.fail;
  if (fails > (shownAt.get(t) ?? 0)) {
    t.comment(tail);
    shownAt.set(t, fails);
  }
}

/**
 * The common end of a boot that should succeed, called after the test's own checks of `b`:
 * QEMU ended by itself (no timeout) with the kernel's success status, no panic or exception
 * report, `Boot complete`; each message says what it got, and if anything in the test failed,
 * the console tail is printed once. `what` names the boot when a test has several.
 */
export function expectBootOk(t: Test, b: Boot, what = ""): void {
  const p = what ? `${what}: ` : "";
  t.notOk(b.timedOut, `${p}QEMU ends by itself [got ${ending(b)}]`);
  t.equal(b.status, SUCCESS_STATUS, `${p}the kernel's success exit [got ${ending(b)}]`);
  expectKernelDone(t, b.console, p);
  tailOnFailure(t, b.tail);
}

/**
 * The end of a boot that should stop in a kernel panic (a deliberate fault, the watchdog):
 * QEMU ended by itself with the panic status, a report, no `Boot complete`; the tail once on
 * failure, as expectBootOk.
 */
export function expectPanicExit(t: Test, b: Boot, what = ""): void {
  const p = what ? `${what}: ` : "";
  t.notOk(b.timedOut, `${p}QEMU ends by itself [got ${ending(b)}]`);
  t.equal(b.status, PANIC_STATUS, `${p}the kernel's panic exit [got ${ending(b)}]`);
  const r = report(b.console);
  t.ok(r, `${p}a panic report [got ${r === undefined ? "none" : JSON.stringify(r)}]`);
  t.notMatch(b.console, /^Boot complete$/m, `${p}the kernel stopped: no Boot complete`);
  tailOnFailure(t, b.tail);
}
