// `npm run fuzz [-- options]`: the hypercall fuzzer's soak (docs/testing.md):
// boots the hypervisor with user/fuzz as its root task again and again, each
// boot with a new seed (random, or from --seed on), prints each boot's FUZZ
// lines and a summary (calls, seconds, panics, hangs, leaks), and exits with
// status 1 if any boot failed, after the command that replays it (the runs
// are deterministic: test/lib/fuzz.ts).
//
// The boots run without QEMU's exit device, so a kernel panic halts the
// machine instead of ending QEMU: the script then reads the fuzzer's rings
// (its last calls per worker and handler) from guest memory over QMP and
// prints them, as it does for a boot that does not end in time.

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { BuildError, buildKernel } from "../build/kernel.ts";
import { MissingTools, ensureTools, toolSets } from "../build/tools.ts";
import { buildUser } from "../build/user.ts";
import {
  type FuzzResult,
  type FuzzRun,
  fuzzArgs,
  fuzzResult,
  reproducer,
} from "../test/lib/fuzz.ts";
import { type Boot, PANIC_STATUS, SUCCESS_STATUS, booted } from "../test/lib/qemu.ts";
import { qemuArgs } from "./qemu-args.ts";

const USAGE = `npm run fuzz [-- options]
  --boots N     boots to run (default 10; 1 with --seed)
  --seed S      the first boot's seed (decimal or 0x hex; the next ones count up); default random
  --calls N     the workers' calls per boot (default 1000000)
  --rounds N    rounds per boot (default 10)
  --smp N       CPUs (default 4)
  --shift N     -icount shift (default 0)
  --trace       every call printed before it is made
  --vcpus       vCPUs run guests (vcpus=1)
  --iommu       q35 with -device intel-iommu (DMA spaces, assign_dev)
  --timeout S   seconds a boot may take (default: 120 + calls / 5000)`;

interface Options {
  boots: number;
  seed?: bigint;
  calls: number;
  rounds: number;
  smp: number;
  shift: number;
  trace: boolean;
  vcpus: boolean;
  iommu: boolean;
  timeout?: number;
}

function parseOptions(argv: string[]): Options {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      boots: { type: "string" },
      seed: { type: "string" },
      calls: { type: "string", default: "1000000" },
      rounds: { type: "string", default: "10" },
      smp: { type: "string", default: "4" },
      shift: { type: "string", default: "0" },
      trace: { type: "boolean", default: false },
      vcpus: { type: "boolean", default: false },
      iommu: { type: "boolean", default: false },
      timeout: { type: "string" },
    },
  });
  const count = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} ${text}: not a count`);
    return n;
  };
  const seed = v.seed === undefined ? undefined : BigInt(v.seed);
  return {
    boots: count("boots", v.boots ?? (seed === undefined ? "10" : "1")),
    seed,
    calls: count("calls", v.calls),
    rounds: count("rounds", v.rounds),
    smp: count("smp", v.smp),
    shift: count("shift", v.shift),
    trace: v.trace,
    vcpus: v.vcpus,
    iommu: v.iommu,
    timeout: v.timeout === undefined ? undefined : count("timeout", v.timeout),
  };
}

/** Where the fuzzer's streams (user/fuzz/state.ts `streams`) lie in its ELF file. */
async function streamsOffset(elf: string): Promise<number> {
  const { stdout } = await execa("nm", [elf]);
  const sym = /^([0-9a-f]+) \S fuzz_state_streams$/m.exec(stdout);
  if (!sym) throw new Error(`no fuzz_state_streams in ${elf}`);
  const va = BigInt(`0x${sym[1]}`);
  const f = fs.readFileSync(elf);
  const phoff = Number(f.readBigUInt64LE(0x20));
  for (let i = 0; i < f.readUInt16LE(0x38); i++) {
    const p = phoff + i * f.readUInt16LE(0x36);
    const offset = f.readBigUInt64LE(p + 8);
    const vaddr = f.readBigUInt64LE(p + 16);
    const filesz = f.readBigUInt64LE(p + 32);
    if (f.readUInt32LE(p) === 1 && va >= vaddr && va < vaddr + filesz)
      return Number(offset + va - vaddr);
  }
  throw new Error(`fuzz_state_streams is in no PT_LOAD segment of ${elf}`);
}

// user/fuzz/state.ts: Stream = calls, done, hist[256], ring[32] of Record (rdi, rsi, rdx,
// rax, r8, status, n); 24 workers (PD · 8 + CPU), then 8 handlers.
const STREAM_BYTES = 16 + 256 * 8 + 32 * 56;
const STREAMS = 32;
const WORKERS = 24;
const NAMES = [
  ...["ipc_call", "ipc_reply", "create_pd", "create_ec", "create_sc", "create_pt", "create_sm"],
  ...["ctrl_pd", "ctrl_ec", "ctrl_sc", "ctrl_pt", "ctrl_sm", "ctrl_hw", "assign_int"],
  ...["assign_dev", "reserved"],
];
const STATUSES = [
  ...["SUCCESS", "TIMEOUT", "ABORTED", "OVRFLOW", "BAD_HYP", "BAD_CAP", "BAD_PAR"],
  ...["BAD_FTR", "BAD_CPU", "BAD_DEV", "MEM_OBJ", "MEM_CAP"],
];

/** The last calls of every stream that made any, oldest first, as the task prints them. */
function decodeStreams(mem: Buffer): string[] {
  const out: string[] = [];
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  for (let s = 0; s < STREAMS; s++) {
    const base = s * STREAM_BYTES;
    const calls = Number(mem.readBigUInt64LE(base));
    const who = s < WORKERS ? `w${s}` : `h${s - WORKERS}`;
    const records = [];
    for (let i = 0; i < 32; i++) {
      const r = base + 16 + 256 * 8 + i * 56;
      const q = (k: number) => mem.readBigUInt64LE(r + 8 * k);
      records.push({ rdi: q(0), rsi: q(1), rdx: q(2), rax: q(3), r8: q(4), status: q(5), n: q(6) });
    }
    const made = records.filter((e) => e.n !== 0n || e.rdi !== 0n);
    if (calls === 0 && made.length === 0) continue;
    out.push(`stream ${who}: ${calls} calls, done ${mem.readBigUInt64LE(base + 8)}`);
    for (const e of made.sort((a, b) => Number(a.n - b.n))) {
      const status =
        e.status < 12n
          ? STATUSES[Number(e.status)]
          : e.status === 0x100n
            ? "(none yet)"
            : `BAD ${hex(e.status)}`;
      out.push(
        `  last ${who} #${e.n} ${NAMES[Number(e.rdi & 0xfn)]} rdi=${hex(e.rdi)} rsi=${hex(e.rsi)} rdx=${hex(e.rdx)} rax=${hex(e.rax)} r8=${hex(e.r8)} -> ${status}`,
      );
    }
  }
  return out;
}

/** One QMP exchange after the greeting: the commands in order; resolves with the replies. */
function qmp(socket: string, commands: object[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(socket);
    let text = "";
    let sent = 0;
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error("QMP did not answer"));
    }, 20_000);
    c.on("data", (d) => {
      text += d.toString();
      // Each command goes after the previous answer (the greeting for the first).
      const answers = (text.match(/"return"|"error"|"QMP"/g) ?? []).length;
      if (answers > sent && sent < commands.length)
        c.write(JSON.stringify(commands[sent++]) + "\n");
      else if (answers > commands.length) {
        clearTimeout(timer);
        c.end();
        resolve(text);
      }
    });
    c.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The streams from guest memory (the module's physical address from the boot log). */
async function readStreams(socket: string, console: string, offset: number): Promise<string[]> {
  const module = /^MEM: reserved (0x[0-9a-f]+)-0x[0-9a-f]+ module$/m.exec(console);
  if (!module) return ["(no module line in the boot log: memory not read)"];
  const file = path.join(path.dirname(socket), "streams.bin");
  const size = STREAMS * STREAM_BYTES;
  const reply = await qmp(socket, [
    { execute: "qmp_capabilities" },
    { execute: "stop" },
    { execute: "pmemsave", arguments: { val: Number(module[1]) + offset, size, filename: file } },
  ]);
  if (!fs.existsSync(file)) return [`(QMP pmemsave failed: ${reply.trim()})`];
  return decodeStreams(fs.readFileSync(file));
}

interface Ended {
  boot: Boot;
  memory: string[];
  seconds: number;
}

/** How often a running boot's console file is read. */
const POLL_MS = 200;
/** A panic report's lines come for a moment (the stack walk), then the CPUs halt. */
const REPORT_MS = 1500;

/**
 * One boot of `run`, ended by `Boot complete`, a panic report or the timeout. The console goes
 * to a file (scripts/qemu-args.ts Wiring: the one way the run replays exactly), read as it grows.
 */
async function bootOnce(
  elf: string,
  fuzz: string,
  run: FuzzRun,
  timeoutS: number,
  offset: number,
): Promise<Ended> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-fuzz-"));
  const socket = path.join(dir, "qmp.sock");
  const file = path.join(dir, "console");
  const wiring = { consoleFile: file, exitDevice: false };
  const args = [
    ...qemuArgs(elf, fuzzArgs(fuzz, run), "kernel", wiring),
    ...["-qmp", `unix:${socket},server=on,wait=off`],
  ];
  const t0 = Date.now();
  const q = execa("qemu-system-x86_64", args, { reject: false, stdin: "ignore" });
  let exited = false;
  void q.finally(() => (exited = true));
  let console = "";
  let ended: "done" | "panic" | "timeout" | undefined;
  let panicAt = 0;
  while (!ended) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const seen = console.length;
    if (fs.existsSync(file)) console = fs.readFileSync(file, "latin1").replace(/\r/g, "");
    const fresh = console.slice(console.lastIndexOf("\n", seen) + 1);
    if (/^Boot complete$/m.test(fresh) || exited) ended = "done";
    else if (/^(PANIC|WATCHDOG): /m.test(fresh) || panicAt) {
      // Quiet for REPORT_MS: the report is complete.
      if (!panicAt || console.length !== seen) panicAt = Date.now();
      else if (Date.now() - panicAt >= REPORT_MS) ended = "panic";
    } else if (Date.now() - t0 > timeoutS * 1000) ended = "timeout";
  }
  let memory: string[] = [];
  if (ended !== "done")
    memory = await readStreams(socket, console, offset).catch((e: Error) => [
      `(memory not read: ${e.message})`,
    ]);
  q.kill("SIGKILL");
  const r = await q;
  fs.rmSync(dir, { recursive: true, force: true });
  const status = /^Boot complete$/m.test(console)
    ? SUCCESS_STATUS
    : ended === "panic"
      ? PANIC_STATUS
      : undefined;
  return {
    boot: booted(status, ended === "timeout", console, String(r.stderr ?? "")),
    memory,
    seconds: (Date.now() - t0) / 1000,
  };
}

function randomSeed(): bigint {
  return crypto.randomBytes(8).readBigUInt64LE();
}

/** The kind of failure for the summary: the task's FAIL word (leak, hang, …) or the outcome. */
function kind(r: FuzzResult): string {
  if (r.outcome !== "fail") return r.outcome;
  return /^FUZZ: FAIL (\S+)/.exec(r.why)?.[1] ?? "fail";
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  ensureTools(toolSets.qemu);
  const kernel = await buildKernel({ progress: false });
  const fuzz = await buildUser("fuzz", { progress: false });
  const offset = await streamsOffset(fuzz);
  const timeoutS = o.timeout ?? 120 + Math.ceil(o.calls / 5000);
  const failures: string[] = [];
  const tally = new Map<string, number>();
  let calls = 0;
  let seconds = 0;
  for (let i = 0; i < o.boots; i++) {
    const seed =
      o.seed === undefined ? randomSeed() : (o.seed + BigInt(i)) & 0xffff_ffff_ffff_ffffn;
    const run: FuzzRun = {
      seed,
      calls: o.calls,
      rounds: o.rounds,
      cpus: o.smp,
      shift: o.shift,
      trace: o.trace,
      vcpus: o.vcpus,
      iommu: o.iommu,
    };
    const e = await bootOnce(kernel.elf, fuzz, run, timeoutS, offset);
    const r = fuzzResult(e.boot);
    calls += r.calls;
    seconds += e.seconds;
    process.stdout.write(
      `boot ${i + 1}/${o.boots} (${e.seconds.toFixed(1)} s): ${r.start ?? "no FUZZ start line"}\n`,
    );
    if (o.trace)
      for (const l of e.boot.console.split("\n").filter((l) => l.startsWith("FUZZ trace")))
        process.stdout.write(`${l}\n`);
    if (r.summary) process.stdout.write(`${r.summary}\n`);
    process.stdout.write(`${r.why}\n`);
    if (r.outcome === "pass") continue;
    const k = kind(r);
    tally.set(k, (tally.get(k) ?? 0) + 1);
    for (const l of r.details) process.stdout.write(`${l}\n`);
    if (e.memory.length)
      process.stdout.write(
        `the fuzzer's last calls, read from guest memory:\n${e.memory.join("\n")}\n`,
      );
    if (r.outcome === "hang" || r.outcome === "error") process.stdout.write(`${e.boot.tail}\n`);
    failures.push(`${k}: ${reproducer(run)}`);
  }
  const count = (k: string) => tally.get(k) ?? 0;
  const others = [...tally].filter(([k]) => !["panic", "hang", "leak"].includes(k));
  process.stdout.write(
    `FUZZ SOAK: ${o.boots} boots, ${calls} calls, ${seconds.toFixed(0)} s, ${o.smp} CPUs, panics ${count("panic")}, hangs ${count("hang")}, leaks ${count("leak")}` +
      others.map(([k, n]) => `, ${k} ${n}`).join("") +
      "\n",
  );
  for (const f of failures) process.stdout.write(`FAILED ${f}\n`);
  return failures.length ? 1 : 0;
}

try {
  process.exit(await main());
} catch (e) {
  if (e instanceof BuildError || e instanceof MissingTools) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
