// Boots a GRUB ISO headless under Bochs (../shared/docs/test-platforms.md §4):
// RFB display without waiting for a client, the built-in debugger driven by
// an rc file, COM1 into a file. Exit status 0 = the kernel's magic breakpoint
// (success), 1 = Bochs panic (the kernel's shutdown-port failure, or a triple
// fault with reset_on_triple_fault=0), 124 = timeout.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import type { Test } from "tap";
import { requireTools, toolSets } from "../../build/tools.ts";
import { expectKernelDone, tailOnFailure } from "./qemu.ts";

export interface BochsBoot {
  /** Bochs' exit status; undefined when a signal ended it. */
  status: number | undefined;
  /** The signal that ended Bochs, if one did. */
  signal: string | undefined;
  timedOut: boolean;
  /** The debugger stopped at a magic breakpoint (`xchg %bx,%bx`: the kernel's success exit). */
  magicBreak: boolean;
  /** Bochs' own reason for a panic exit ("Shutdown port: shutdown requested" for a kernel failure). */
  exitMessage: string | undefined;
  /** The serial console with GRUB's terminal escape sequences removed. */
  console: string;
  tail: string;
}

export function stripEscapes(s: string): string {
  return s
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
    .replace(/\x1b[()][A-Z0-9]/g, "")
    .replace(/\r/g, "");
}

export async function bochs(
  iso: string,
  opts: {
    cpus?: number;
    model?: string;
    megs?: number;
    timeoutMs?: number;
    /** RDMSR/WRMSR of MSRs Bochs lacks read 0 / are dropped instead of #GP (SVM's VM_CR on ryzen). */
    ignoreBadMsrs?: boolean;
  } = {},
): Promise<BochsBoot> {
  requireTools(toolSets.bochs);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-bochs-"));
  const serial = path.join(dir, "serial.txt");
  fs.writeFileSync(
    path.join(dir, "bochsrc"),
    [
      `megs: ${opts.megs ?? 256}`,
      `cpu: model=${opts.model ?? "corei7_skylake_x"}, count=${opts.cpus ?? 1}, ips=20000000, reset_on_triple_fault=0, ignore_bad_msrs=${opts.ignoreBadMsrs ? 1 : 0}`,
      "romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot",
      "vgaromimage: file=/usr/share/vgabios/vgabios.bin",
      `ata0-master: type=cdrom, path=${iso}, status=inserted`,
      "boot: cdrom",
      'display_library: rfb, options="timeout=0"',
      `log: ${path.join(dir, "bochs.log")}`,
      `com1: enabled=1, mode=file, dev=${serial}`,
      "port_e9_hack: enabled=0",
      "magic_break: enabled=1",
      "clock: sync=none, time0=1",
      "speaker: enabled=0",
      // No sound device of the host's: with ALSA's libraries present Bochs' sound thread
      // aborted at start-up (glibc's buffer-overflow check, SIGABRT).
      "sound: driver=dummy",
      "mouse: enabled=0",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(dir, "dbg.rc"), "continue\nquit\n");
  const r = await execa("bochs", ["-q", "-f", "bochsrc", "-rc", "dbg.rc"], {
    cwd: dir,
    reject: false,
    timeout: opts.timeoutMs ?? 180_000,
    stdin: "ignore",
  });
  const text = fs.existsSync(serial) ? stripEscapes(fs.readFileSync(serial, "latin1")) : "";
  const log = fs.existsSync(path.join(dir, "bochs.log"))
    ? fs.readFileSync(path.join(dir, "bochs.log"), "latin1")
    : "";
  const exitMessage = /Bochs is exiting with the following message:\n(.*)/
    .exec(String(r.stderr))?.[1]
    ?.trim();
  const result: BochsBoot = {
    status: r.exitCode,
    signal: r.signal ?? undefined,
    timedOut: !!r.timedOut,
    magicBreak: /^\(\d+\) Magic breakpoint$/m.test(String(r.stdout)),
    exitMessage,
    console: text,
    tail:
      `--- Bochs exit: status ${r.exitCode} signal ${r.signal ?? "none"} ` +
      `message ${JSON.stringify(exitMessage ?? null)} ---\n` +
      `--- Bochs stdout ---\n${String(r.stdout).split("\n").slice(-8).join("\n")}\n` +
      `--- last console lines ---\n${text.split("\n").slice(-20).join("\n")}\n` +
      `--- bochs log ---\n${log.split("\n").slice(-15).join("\n")}`,
  };
  // For debugging by hand: KTS_BOCHS_LOG=file keeps Bochs' whole log (its VMX checks say there
  // why a VM entry failed).
  if (process.env.KTS_BOCHS_LOG) fs.writeFileSync(process.env.KTS_BOCHS_LOG, log, "latin1");
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * The kernel's success exit, called after the test's own checks of `b` (as qemu.ts
 * expectBootOk): Bochs ended by itself, its debugger stopped at the magic breakpoint and
 * Bochs did not panic (a kernel failure writes the shutdown port, a triple fault panics),
 * then the kernel's side: no panic or exception report, `Boot complete`; if anything in the
 * test failed, the tail once. Once the debugger has stopped at the breakpoint, the emulated
 * CPUs never run again: the rc file's `quit` follows, so an exit status other than 0 after
 * that is Bochs' own teardown. It is reported as a comment, not as the kernel's failure (a CI
 * run saw one status != 0 with a complete boot log once). Each check says what Bochs
 * reported, so the one-line summary tells the story. `what` names the boot when a test has
 * several.
 */
export function expectSuccess(t: Test, b: BochsBoot, what = ""): void {
  const p = what ? `${what}: ` : "";
  const exit =
    `status ${b.status}, signal ${b.signal ?? "none"}, message ${JSON.stringify(b.exitMessage ?? null)}, ` +
    `magic breakpoint: ${b.magicBreak ? "yes" : "no"}, timed out: ${b.timedOut ? "yes" : "no"}`;
  t.notOk(b.timedOut, `${p}Bochs ends by itself [got ${exit}]`);
  t.ok(b.magicBreak, `${p}the kernel's magic breakpoint (success) [got ${exit}]`);
  t.equal(b.exitMessage, undefined, `${p}no Bochs panic [got ${exit}]`);
  if (!b.magicBreak) t.equal(b.status, 0, `${p}Bochs exits with status 0 [got ${exit}]`);
  else if (b.status !== 0)
    t.comment(`Bochs' teardown after the magic breakpoint ended with ${exit}`);
  expectKernelDone(t, b.console, p);
  tailOnFailure(t, b.tail);
}
