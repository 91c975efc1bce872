// The serializing and locked instructions of each single-CPU hypercall bench
// (`npm run bench`, docs/testing.md): the bench task boots once more, under
// gdb through QEMU's gdb server (scripts/debug-session.ts, as `npm run
// debug`), and gdb single-steps the last measured call of each bench of
// user/roottest/bench.ts, from the RDTSC before it to the RDTSC after it
// (scripts/bench-trace.py); scripts/serializing.ts says which of the
// instructions count. Under -icount the bench's tick count is exactly that
// many instructions, so the caller can check that the trace covered the
// measured region.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { qemuStatus } from "./qemu-args.ts";
import { runSession, type SessionResult } from "./debug-session.ts";
import { classify, type Serializing } from "./serializing.ts";

/** bench() of user/roottest/bench.ts as ktsc names it (module roottest_bench). */
const BENCH_FUNCTION = "roottest_bench_bench";
/** A measured call is a few thousand instructions; one that has not returned after this never will. */
const STEP_LIMIT = 100_000;
/** The whole boot under gdb: about 1 ms per step and per breakpoint stop. */
const TIMEOUT_MS = 600_000;

export interface Traced {
  /** Instructions from the first RDTSC of the measured call to the second. */
  instructions: number;
  /** Its serializing and locked instructions, in execution order, with the function of each. */
  serializing: (Serializing & { where: string })[];
  /** How many of the instructions ran in the kernel (the rest: the bench task's hypercall wrapper). */
  kernel: number;
  /** Instructions per function, in the order the functions were first entered. */
  byFunction: Map<string, number>;
}

export class TraceError extends Error {}

/** bench()'s entry and the two RDTSCs around the measured call, from the task's ELF. */
async function benchAddresses(task: string): Promise<{ entry: bigint; rdtsc: bigint[] }> {
  const { stdout } = await execa("objdump", [
    "-d",
    "--no-show-raw-insn",
    `--disassemble=${BENCH_FUNCTION}`,
    task,
  ]);
  const entry = new RegExp(`^([0-9a-f]+) <${BENCH_FUNCTION}>:$`, "m").exec(stdout)?.[1];
  const rdtsc = [...stdout.matchAll(/^\s*([0-9a-f]+):\s+rdtsc\s*$/gm)].map((m) =>
    BigInt(`0x${m[1]}`),
  );
  if (entry === undefined || rdtsc.length !== 2)
    throw new TraceError(
      `${task}: wanted ${BENCH_FUNCTION} with two RDTSCs (the measured call between them), ` +
        `found ${entry === undefined ? "no such function (inlined?)" : `${rdtsc.length} RDTSCs`}`,
    );
  return { entry: BigInt(`0x${entry}`), rdtsc };
}

/** An `x/i` line: `=> 0xffffffff8040cf2c <klock_enter+12>:\tlock xadd …`. */
const LISTING = /^(?:=> )?0x([0-9a-f]+)(?: <([^>+]+)(?:\+\d+)?>)?:\s+(.*)$/;
/** Kernel code is in the upper half of the address space. */
const KERNEL_HALF = 0xffff_8000_0000_0000n;

/**
 * Boots `kernel` with `task` (QEMU arguments `qemu`, which must make the run deterministic
 * like the measured one) and traces the call after `skip` measured ones in every bench.
 */
export async function traceBenches(o: {
  kernel: string;
  task: string;
  qemu: string[];
  skip: number;
}): Promise<Map<string, Traced>> {
  const { entry, rdtsc } = await benchAddresses(o.task);
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nova-bench-trace-"));
  const out = path.join(dir, "trace.txt");
  try {
    const session = await runSession({
      elf: o.kernel,
      qemu: ["-initrd", o.task, ...o.qemu],
      gdb: [
        "-nx",
        "--batch",
        "-ex",
        `add-symbol-file ${o.task}`,
        "-ex",
        `set $bench_out = "${out}"`,
        "-ex",
        `set $bench_entry = ${hex(entry)}`,
        "-ex",
        `set $bench_start = ${hex(rdtsc[0])}`,
        "-ex",
        `set $bench_end = ${hex(rdtsc[1])}`,
        "-ex",
        `set $bench_skip = ${o.skip}`,
        "-ex",
        `set $bench_limit = ${STEP_LIMIT}`,
        "-x",
        path.join(import.meta.dirname, "bench-trace.py"),
      ],
      capture: true,
      timeoutMs: TIMEOUT_MS,
    });
    const text = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    // BENCH_TRACE_OUT=<file>: the whole listing, every executed instruction, kept for reading.
    if (process.env.BENCH_TRACE_OUT) fs.writeFileSync(process.env.BENCH_TRACE_OUT, text);
    return parse(text, session);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The traces in bench-trace.py's output `text`; `session` says how the boot went. */
function parse(text: string, session: SessionResult): Map<string, Traced> {
  const lines = text.split("\n");
  const fail = (why: string) =>
    new TraceError(
      `${why}\n--- last trace lines ---\n${lines.slice(-5).join("\n")}\n` +
        `--- last gdb lines ---\n${session.transcript.split("\n").slice(-10).join("\n")}\n` +
        `--- last console lines ---\n${session.console.split("\n").slice(-10).join("\n")}\n` +
        `--- qemu stderr ---\n${session.qemuStderr}`,
    );
  if (session.timedOut) throw fail(`the traced boot did not end in ${TIMEOUT_MS / 1000} s`);

  const traces = new Map<string, Traced>();
  let name: string | undefined;
  const fresh = (): Traced => ({
    instructions: 0,
    serializing: [],
    kernel: 0,
    byFunction: new Map(),
  });
  let current = fresh();
  for (const line of lines) {
    const m = /^@@(\S+) ?(.*)$/.exec(line);
    if (!m) continue;
    const [, what, rest] = m;
    if (what === "bench") {
      name = rest;
      current = fresh();
    } else if (what === "step") {
      const [, rcx, listing] = /^([0-9a-f]+) (.*)$/.exec(rest) ?? [];
      const insn = LISTING.exec(listing ?? "");
      if (!insn) throw fail(`unexpected x/i output: ${JSON.stringify(rest)}`);
      const [, pc, where = "?", text] = insn;
      current.instructions++;
      if (BigInt(`0x${pc}`) >= KERNEL_HALF) current.kernel++;
      current.byFunction.set(where, (current.byFunction.get(where) ?? 0) + 1);
      const s = classify(text, Number(BigInt(`0x${rcx}`) & 0xffffffffn));
      if (s) current.serializing.push({ ...s, where });
    } else if (what === "traced") {
      if (name === undefined || Number(rest) !== current.instructions)
        throw fail(
          `a trace of ${rest} steps for ${name ?? "no bench"} with ${current.instructions} listed`,
        );
      traces.set(name, current);
    } else if (what === "gave-up") {
      throw fail(`${name}: the measured call did not reach the second RDTSC in ${rest} steps`);
    } else if (what === "end" && !/Remote connection closed/.test(rest)) {
      throw fail(`gdb stopped: ${rest}`);
    }
  }
  const ended = session.qemuStatus === undefined ? undefined : qemuStatus(session.qemuStatus);
  if (!ended?.ok)
    throw fail(`the traced boot did not end well: ${ended?.reason ?? "QEMU was still running"}`);
  return traces;
}

/** `2x lock xadd in klock_enter, xchg in klock_enter`: what a trace's count is made of. */
export function describe(t: Traced): string {
  const counts = new Map<string, number>();
  for (const s of t.serializing) {
    const key = `${s.name} in ${s.where}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (n > 1 ? `${n}x ${k}` : k)).join(", ") || "none";
}
