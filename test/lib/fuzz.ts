// The hypercall fuzzer (user/fuzz) from the host: the QEMU command line of a
// run and what its console says, shared by test/boot/fuzz.test.ts and
// `npm run fuzz` (scripts/fuzz.ts). A run is deterministic: QEMU counts
// instructions (-icount, one TCG thread), so the seed, the counts, the CPUs
// and the icount shift replay it exactly, interleaving and timeouts included.

import { type Boot, PANIC_STATUS, SUCCESS_STATUS } from "./qemu.ts";

export interface FuzzRun {
  seed: bigint;
  /** The workers' calls over all rounds (the handlers' come on top). */
  calls: number;
  rounds: number;
  cpus: number;
  /** -icount shift: 2^shift ns per instruction (the timing the run sees). */
  shift: number;
  /** Print every call before it is made (trace=1). */
  trace?: boolean;
  /** vCPUs run guests (vcpus=1, user/fuzz/gen.ts). */
  vcpus?: boolean;
  /** q35 with `-device intel-iommu`: DMA spaces and assign_dev. */
  iommu?: boolean;
}

/** QEMU's extra arguments for `run` of the fuzzer image `elf` (test/lib/qemu.ts boot()). */
export function fuzzArgs(elf: string, run: FuzzRun): string[] {
  const words = [
    `seed=0x${run.seed.toString(16)}`,
    `calls=${run.calls}`,
    `rounds=${run.rounds}`,
    ...(run.trace ? ["trace=1"] : []),
    ...(run.vcpus ? ["vcpus=1"] : []),
  ];
  // SVM and nested paging: create_ec makes vCPUs (BAD_FTR without), as test/boot/stress.test.ts.
  return [
    ...(run.iommu ? ["-device", "intel-iommu"] : []),
    ...["-accel", "tcg,thread=single", "-icount", `shift=${run.shift},align=off,sleep=off`],
    ...["-cpu", "qemu64,+svm,+npt"],
    ...["-m", "256M", "-smp", String(run.cpus), "-append", "kstat"],
    ...["-initrd", `${elf} ${words.join(" ")}`],
  ];
}

/** The command that runs `run` again. */
export function reproducer(run: FuzzRun): string {
  const flags =
    (run.trace ? " --trace" : "") + (run.vcpus ? " --vcpus" : "") + (run.iommu ? " --iommu" : "");
  return `npm run fuzz -- --seed 0x${run.seed.toString(16)} --calls ${run.calls} --rounds ${run.rounds} --smp ${run.cpus} --shift ${run.shift}${flags}`;
}

/** One `FUZZ call <name> <total> <NAME:count,…>` line. */
export interface CallCounts {
  total: number;
  statuses: Record<string, number>;
}

export interface FuzzResult {
  outcome: "pass" | "fail" | "panic" | "hang" | "error";
  /** Why, in one line: the task's FAIL line, the panic line, the timeout, QEMU's status. */
  why: string;
  /** `FUZZ start …`, the task's first line (what a panic report repeats). */
  start?: string;
  /** The summary line `FUZZ seed=…` and its fields. */
  summary?: string;
  calls: number;
  kmemBefore?: string;
  kmemAfter?: string;
  perCall: Map<string, CallCounts>;
  /** The task's lines about a failure: its FUZZ last/worker lines, the kernel's PANIC/EXC/STACK lines. */
  details: string[];
}

function counts(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === "-") return out;
  for (const part of text.split(",")) {
    const [name, n] = part.split(":");
    out[name] = Number(n);
  }
  return out;
}

/** What a boot of the fuzzer came to. */
export function fuzzResult(b: Boot): FuzzResult {
  const lines = b.console.split("\n");
  const start = lines.find((l) => l.startsWith("FUZZ start "));
  const summary = lines.find((l) => l.startsWith("FUZZ seed="));
  const m = summary && /calls=(\d+) .* kmem_before=(\S+) kmem_after=(\S+)/.exec(summary);
  const perCall = new Map<string, CallCounts>();
  for (const l of lines) {
    const c = /^FUZZ call (\S+) (\d+) (\S+)$/.exec(l);
    if (c) perCall.set(c[1], { total: Number(c[2]), statuses: counts(c[3]) });
  }
  const panic = lines.find((l) => /^(PANIC|EXC): /.test(l));
  const failLine = lines.find((l) => l.startsWith("FUZZ: FAIL"));
  const details = lines.filter((l) =>
    /^(FUZZ (last|worker|leak|reproduce)|PANIC:|EXC:|STACK:|WATCHDOG:)/.test(l),
  );
  const result: FuzzResult = {
    outcome: "error",
    why: "",
    start,
    summary,
    calls: m ? Number(m[1]) : 0,
    kmemBefore: m?.[2],
    kmemAfter: m?.[3],
    perCall,
    details,
  };
  if (panic || b.status === PANIC_STATUS) {
    result.outcome = "panic";
    result.why = panic ?? `panic exit status ${b.status}`;
  } else if (b.timedOut) {
    result.outcome = "hang";
    result.why = `no end within the time limit; last line ${JSON.stringify(lines.filter((l) => l).at(-1) ?? "")}`;
  } else if (failLine) {
    result.outcome = "fail";
    result.why = failLine;
  } else if (lines.includes("FUZZ: PASS") && b.status === SUCCESS_STATUS) {
    result.outcome = "pass";
    result.why = "FUZZ: PASS";
  } else result.why = `no verdict, QEMU status ${b.status}`;
  return result;
}

/** Hypercalls with at least one SUCCESS. */
export function succeeded(r: FuzzResult): string[] {
  return [...r.perCall].filter(([, c]) => (c.statuses.SUCCESS ?? 0) > 0).map(([name]) => name);
}
