// One `npm run debug` session (docs/debugging.md): QEMU stopped at the reset
// vector with its gdb server on a Unix socket in a directory of its own (two
// sessions never compete for a TCP port), and gdb attached to it with the
// kernel's symbols. QEMU never outlives gdb.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { buildKernel, summary } from "../build/kernel.ts";
import { buildUser } from "../build/user.ts";
import { type DebugArgs, gdbSetup } from "./debug-args.ts";
import { qemuArgs } from "./qemu-args.ts";

export class DebugError extends Error {}

export interface Target {
  elf: string;
  /** QEMU's extra arguments, with the root task's -initrd. */
  qemu: string[];
  summary: string;
}

/** Builds the kernel (-Og into out/debug unless --O2) and the root task unless -initrd names one. */
export async function prepare(args: DebugArgs, progress?: boolean): Promise<Target> {
  const r = await buildKernel({ debug: !args.o2, progress });
  const qemu = [...args.qemu];
  if (!qemu.includes("-initrd")) qemu.push("-initrd", await buildUser("roottest", { progress }));
  return { elf: r.elf, qemu, summary: summary(r) };
}

export interface SessionOptions {
  elf: string;
  qemu: string[];
  gdb: string[];
  /** Collect gdb's and QEMU's output (tests) instead of sharing this terminal with them. */
  capture?: boolean;
  /** gdb is ended after this long. */
  timeoutMs?: number;
}

export interface SessionResult {
  /** gdb's exit status (1 when it was ended by a signal or the timeout). */
  gdbStatus: number;
  timedOut: boolean;
  /** gdb's stdout and stderr, interleaved (capture only). */
  transcript: string;
  /** QEMU's serial console (capture only). */
  console: string;
  /** QEMU's own messages (capture only). */
  qemuStderr: string;
  qemuPid: number | undefined;
  /** QEMU's exit status when the machine ended by itself before gdb did, else undefined. */
  qemuStatus: number | undefined;
}

/** How long to wait for QEMU to open its gdb socket. */
const LISTEN_MS = 30_000;

const HANDLED_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export async function runSession(o: SessionOptions): Promise<SessionResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nova-debug-"));
  const socket = path.join(dir, "gdb.sock");
  const script = path.join(dir, "setup.gdb");
  fs.writeFileSync(script, gdbSetup(o.elf, socket));
  const out = o.capture ? "pipe" : "inherit";
  // Its own process group: Ctrl-C at the gdb prompt goes to the terminal's group, and gdb
  // turns it into a stop of the target; it must not end QEMU. stdin is not the terminal,
  // so QEMU never puts the terminal gdb reads into raw mode.
  const qemu = execa(
    "qemu-system-x86_64",
    qemuArgs(o.elf, [...o.qemu, "-S", "-gdb", `unix:${socket},server=on,wait=off`]),
    { detached: true, stdin: "ignore", stdout: out, stderr: out, reject: false },
  );
  let qemuEnded = false;
  void qemu.then(() => (qemuEnded = true));
  let gdb: ReturnType<typeof startGdb> | undefined;
  // A detached QEMU is not ended with this process by execa: a signal that ends the session
  // ends QEMU first. While gdb runs at the terminal, SIGINT is gdb's (it stops the target).
  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === "SIGINT" && !o.capture && gdb) return;
    qemu.kill("SIGKILL");
    gdb?.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(128 + os.constants.signals[signal]);
  };
  for (const s of HANDLED_SIGNALS) process.on(s, onSignal);
  try {
    for (let waited = 0; !fs.existsSync(socket); waited += 20) {
      if (qemuEnded) {
        const q = await qemu;
        // Interactively QEMU's message is already on the terminal; captured, it goes here.
        const said = q.stderr ? `\n${String(q.stderr)}` : "";
        throw new DebugError(
          `QEMU ended (status ${q.exitCode}) before its gdb server listened${said}`,
        );
      }
      if (waited > LISTEN_MS)
        throw new DebugError(`QEMU opened no gdb socket in ${LISTEN_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    gdb = startGdb(script, o);
    const g = await gdb;
    const endedBefore = qemuEnded;
    // SIGTERM lets QEMU end as it does on its own; execa sends SIGKILL if it is still there 5 s later.
    if (!qemuEnded) qemu.kill();
    const q = await qemu;
    return {
      gdbStatus: g.exitCode ?? 1,
      timedOut: !!g.timedOut,
      transcript: String(g.all ?? ""),
      console: String(q.stdout ?? "").replace(/\r/g, ""),
      qemuStderr: String(q.stderr ?? ""),
      qemuPid: qemu.pid,
      qemuStatus: endedBefore ? q.exitCode : undefined,
    };
  } finally {
    if (!qemuEnded) {
      qemu.kill("SIGKILL");
      await qemu;
    }
    for (const s of HANDLED_SIGNALS) process.off(s, onSignal);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** gdb quietly (no banner) with the session's setup first, then the user's arguments. */
function startGdb(script: string, o: SessionOptions) {
  const args = ["-q", "-x", script, ...o.gdb];
  return o.capture
    ? execa("gdb", args, { stdin: "ignore", all: true, reject: false, timeout: o.timeoutMs })
    : execa("gdb", args, { stdio: "inherit", reject: false, timeout: o.timeoutMs });
}
