// The hypercall fuzzer (docs/testing.md), a root task: random hypercalls over
// all 15 numbers (gen.ts) made at once by a worker per PD and CPU (the root PD
// and CHILDREN child PDs: worker.ts) and by the ECs the workers create, which
// the per-CPU handlers steer through chains of calls, replies, wild resumes
// and POISON (handler.ts), in rounds (round.ts). After every round all it
// made is revoked and the kernel statistics page (`kstat` on the kernel's
// command line) must show the memory of the end of the first round again.
//
// Its module command line: `seed=<n> calls=<n> rounds=<n> trace=1 vcpus=1`, numbers
// in decimal or 0x hex; `calls` are the workers' calls over all rounds (the
// handlers' come on top). It prints `FUZZ start seed=…` first (the harness
// repeats it on a panic: the reproducer), a line per round, then
// `FUZZ seed=<s> calls=<n> rounds=<r> statuses=<histogram> kmem_before=<…>
// kmem_after=<…>`, a `FUZZ call` line per hypercall and `FUZZ: PASS`, or
// `FUZZ: FAIL <why>` with the last calls of the streams concerned.

import { KSTAT_SIGNATURE } from "../../abi/kstat_page.ts";
import { PdOp } from "../../abi/hypercall.ts";
import { Status } from "../../abi/status.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { Reader, byteAt, moduleCmdline, reach, unmap } from "../nova/bootinfo.ts";
import { putDec, putHex, puts } from "../nova/console.ts";
import { hasIommu, hip } from "../nova/hip.ts";
import { createPd, createSm, ctrlPd } from "../nova/hypercall.ts";
import {
  KSTAT_ALL,
  KSTAT_LIVE_OBJECTS,
  KstatSnapshot,
  compare,
  kstat,
  take,
} from "../nova/kstat.ts";
import * as acpi from "../roottest/acpi.ts";
import * as setup from "../roottest/setup.ts";
import { NOVA_HST, ROOT_HST, ROOT_OBJ } from "../roottest/sel.ts";
import * as L from "./layout.ts";
import { add, callName, ring, statuses, total } from "./report.ts";
import * as handler from "./handler.ts";
import * as round from "./round.ts";
import { BAD_STATUS, BUCKETS, STREAMS, config, handlerStream, streams } from "./state.ts";

/** Without a command line: a short run. */
const DEFAULT_CALLS: u64 = 100_000;
const DEFAULT_ROUNDS: u64 = 4;
/** How long the kernel's memory may take to come back after a round (ms). */
const SETTLE_MS: u64 = 2000;
/** Two pages of the root host space to read the boot information through. */
const BOOTINFO_VA: u64 = 0x6300_0000;
const MAX_CMDLINE: u64 = 255;

const cmdline = array<u8, 256>();
const reader = new Reader();

/** The module command line into `cmdline` (NUL-terminated); its length. */
function readCmdline(magic: u64, info: u64): u64 {
  reader.self = ROOT_HST;
  reader.nova = NOVA_HST;
  reader.va = BOOTINFO_VA;
  const at = moduleCmdline(reader, magic, info);
  let n: u64 = 0;
  while (at !== 0 && n < MAX_CMDLINE && reach(reader, at + n) && byteAt(reader, at + n) !== 0) {
    cmdline[n] = byteAt(reader, at + n);
    n++;
  }
  cmdline[n] = 0;
  unmap(reader);
  return n;
}

/** Whether the word at `i` is `key=` (key a string of lowercase letters). */
function isKey(i: u64, key: str): bool {
  const n = u64(strLength(key));
  if (i + n + 1 > MAX_CMDLINE) return false;
  for (let k: u64 = 0; k < n; k++) if (cmdline[i + k] !== strByte(key, usize(k))) return false;
  return cmdline[i + n] === 0x3d;
}

/** The number at `i` (decimal, or hex after 0x) up to the next space. */
function numberAt(i: u64): u64 {
  let at = i;
  let base: u64 = 10;
  if (cmdline[at] === 0x30 && (cmdline[at + 1] === 0x78 || cmdline[at + 1] === 0x58)) {
    base = 16;
    at += 2;
  }
  let v: u64 = 0;
  for (; at < MAX_CMDLINE; at++) {
    const ch = u64(cmdline[at]);
    let d: u64 = base;
    if (ch >= 0x30 && ch <= 0x39) d = ch - 0x30;
    else if (ch >= 0x61 && ch <= 0x66) d = ch - 0x61 + 10;
    else if (ch >= 0x41 && ch <= 0x46) d = ch - 0x41 + 10;
    if (d >= base) break;
    v = v * base + d;
  }
  return v;
}

class Options {
  seed: u64;
  calls: u64;
  rounds: u64;
  trace: bool;
  vcpus: bool;
}
const options = new Options();

/** `seed=`, `calls=`, `rounds=`, `trace=` from the words of the command line. */
function parse(length: u64): void {
  options.seed = 1;
  options.calls = DEFAULT_CALLS;
  options.rounds = DEFAULT_ROUNDS;
  options.trace = false;
  options.vcpus = false;
  for (let i: u64 = 0; i < length; i++) {
    if (i !== 0 && cmdline[i - 1] !== 0x20) continue;
    if (isKey(i, "seed")) options.seed = numberAt(i + 5);
    if (isKey(i, "calls")) options.calls = numberAt(i + 6);
    if (isKey(i, "rounds")) options.rounds = numberAt(i + 7);
    if (isKey(i, "trace")) options.trace = numberAt(i + 6) !== 0;
    if (isKey(i, "vcpus")) options.vcpus = numberAt(i + 6) !== 0;
  }
  // The first round's end is the baseline of the others: at least two.
  if (options.rounds < 2) options.rounds = 2;
}

function putKmem(s: KstatSnapshot): void {
  putDec(s.freePages);
  puts("p/");
  putDec(s.liveObjects);
  puts("o/");
  putDec(s.liveAllocations);
  puts("a/");
  putDec(s.liveBytes);
  puts("b/");
  putDec(s.mdbNodes);
  puts("n");
}

/** What the slab allocator may keep of freed memory: an empty slab per size class (slab.ts). */
const SLAB_PAGES: u64 = 16;
const SLAB_CLASSES: u64 = 9;

/**
 * Whether the kernel's memory is as in `b`: the same live objects, allocations, bytes and
 * mapping-database nodes, and free pages that differ by nothing but empty slabs the slab
 * allocator keeps (every allocation of the kernel's objects, tables and nodes is counted
 * live, so a leak shows there).
 */
function same(a: KstatSnapshot, b: KstatSnapshot): bool {
  const d = a.freePages > b.freePages ? a.freePages - b.freePages : b.freePages - a.freePages;
  return (
    d % SLAB_PAGES === 0 &&
    d <= SLAB_PAGES * SLAB_CLASSES &&
    a.liveObjects === b.liveObjects &&
    a.liveAllocations === b.liveAllocations &&
    a.liveBytes === b.liveBytes &&
    a.mdbNodes === b.mdbNodes
  );
}

/** The kernel's memory before the first round and after it (the baseline of the others). */
const before = new KstatSnapshot();
const baseline = new KstatSnapshot();
const now = new KstatSnapshot();
const sum = array<u64, 256>();
/** vCPU events over all rounds by kind (handler.ts VK_*). */
const vsum = array<u64, 16>();

class Run {
  calls: u64;
}
const run = new Run();

/** The kernel's memory now (after a hypercall of the slow path, which rewrites the page). */
function measure(s: KstatSnapshot): void {
  ctrlPd(ROOT_OBJ, ROOT_OBJ, L.FUZZ, 0, L.FUZZ, 0, 0);
  take(s);
}

/**
 * Waits until the kernel's memory is `target` again (ECs still in timed waits let go): all of
 * it (`same`), or with `objectsOnly` its live objects (the first round's end against before
 * it: the first round leaves page tables and the nodes of the root's capabilities it
 * delegated, by design, but no object).
 */
function settled(target: KstatSnapshot, objectsOnly: bool): bool {
  for (let waited: u64 = 0; ; waited += 10) {
    measure(now);
    const back = objectsOnly ? now.liveObjects === target.liveObjects : same(now, target);
    if (back || waited >= SETTLE_MS) return back;
    round.sleep(10);
  }
}

function failHead(why: str): void {
  puts("FUZZ: FAIL ");
  puts(why);
  puts(" seed=");
  putHex(config.seed);
  puts(" round=");
  putDec(config.round);
  puts(" calls=");
  putDec(run.calls);
}

/** A worker made no progress: its state, its last calls and those its CPU's handler steered. */
function reportHang(): void {
  const w = round.wait.hung;
  failHead("hang");
  puts(" worker=");
  putDec(w);
  puts(" pd=");
  putDec(w / L.MAX_CPUS);
  puts(" cpu=");
  putDec(w % L.MAX_CPUS);
  puts(" calls=");
  putDec(streams[w].calls.load());
  puts("\n");
  for (let j: u64 = 0; j < L.PDS; j++)
    for (let c: u64 = 0; c < config.cpus; c++) {
      const v = L.workerIndex(j, c);
      puts("FUZZ worker ");
      putDec(v);
      puts(" calls=");
      putDec(streams[v].calls.load());
      puts(streams[v].done.load() !== 0 ? " done\n" : " running\n");
    }
  ring("w", w, streams[w], streams[w].calls.load() + 1);
  const c = w % L.MAX_CPUS;
  ring("h", c, handlerStream(c), handlerStream(c).calls.load());
}

/** A step of building or revoking the round failed (round.ts `build` says which, how). */
function failStep(why: str): bool {
  failHead(why);
  puts(" step=");
  putDec(round.build.step);
  puts(" status=");
  putDec(u64(round.build.status));
  puts("\n");
  return false;
}

/** One round; false after printing why it failed. */
function oneRound(): bool {
  if (!round.make() || !round.start()) return failStep("build");
  if (!round.waitForWorkers()) {
    reportHang();
    return false;
  }
  for (let s: u64 = 0; s < STREAMS; s++) {
    add(sum, streams[s]);
    run.calls += streams[s].calls.load();
  }
  if (!round.clean()) return failStep("revoke");
  for (let k: u64 = 0; k < handler.VK_KINDS; k++) vsum[k] += handler.vcpuEvents(k);
  const first = config.round === 1;
  if (!settled(first ? before : baseline, first)) {
    failHead("leak");
    puts("\n");
    compare("FUZZ leak", first ? before : baseline, first ? KSTAT_LIVE_OBJECTS : KSTAT_ALL);
    return false;
  }
  if (first) measure(baseline);
  puts("FUZZ round ");
  putDec(config.round);
  puts("/");
  putDec(config.rounds);
  puts(" calls=");
  putDec(run.calls);
  puts(" kmem=");
  putKmem(config.round === 1 ? baseline : now);
  puts("\n");
  return true;
}

function summary(): void {
  puts("FUZZ seed=");
  putHex(config.seed);
  puts(" calls=");
  putDec(run.calls);
  puts(" rounds=");
  putDec(config.rounds);
  puts(" statuses=");
  statuses(sum, 0, true);
  puts(" kmem_before=");
  putKmem(baseline);
  puts(" kmem_after=");
  putKmem(now);
  puts("\n");
  puts("FUZZ vcpu");
  for (let k: u64 = 0; k < handler.VK_KINDS; k++) {
    puts(" ");
    puts(handler.vcpuKindName(k));
    puts("=");
    putDec(vsum[k]);
  }
  puts("\n");
  for (let n: u64 = 0; n < 16; n++) {
    puts("FUZZ call ");
    puts(callName(n));
    puts(" ");
    putDec(total(sum, n, false));
    puts(" ");
    statuses(sum, n, false);
    puts("\n");
  }
}

/**
 * The register base of the first VT-d unit (the DMAR's first DRHD: type 0, base at +8), which
 * assign_dev names; 0 without an IOMMU or a DMAR (AMD-Vi's units are not looked for).
 */
function findIommu(): u64 {
  if (!hasIommu()) return 0;
  const dmar = acpi.table(hip().rsdp, "DMAR");
  let base: u64 = 0;
  if (dmar !== 0) {
    const end = dmar + acpi.le(dmar + 4, 4);
    for (let p = dmar + 48; p + 16 <= end && base === 0;) {
      if (acpi.le(p, 2) === 0) base = acpi.le(p + 8, 8);
      const length = acpi.le(p + 2, 2);
      if (length < 4) break;
      p += length;
    }
  }
  acpi.close();
  return base;
}

/** Whether everything before the first round is in place (else a FAIL line was printed). */
function prepare(): bool {
  if (kstat().signature !== KSTAT_SIGNATURE) {
    puts("FUZZ: FAIL no kstat page (the kernel needs `kstat` on its command line)\n");
    return false;
  }
  if (u64(linkerSymbol("__user_image_end")) > (L.IMAGE_PAGE + (u64(1) << L.IMAGE_ORDER)) << 12) {
    puts("FUZZ: FAIL the image is larger than the children's share of it\n");
    return false;
  }
  const ready =
    createPd(round.ROOT_MSR, PdOp.MSR, ROOT_OBJ_ROOT_PD) === Status.SUCCESS &&
    createSm(round.SLEEP_SM, ROOT_OBJ_ROOT_PD, 0) === Status.SUCCESS &&
    round.prepareDestinations();
  if (!ready) puts("FUZZ: FAIL preparing the root's spaces\n");
  measure(before);
  return ready;
}

export function main(magic: u64, info: u64, _hip: u64): u64 {
  setup.run();
  parse(readCmdline(magic, info));
  const h = hip();
  const cpus = u64(h.cpuNum);
  config.cpus = cpus < L.MAX_CPUS ? cpus : L.MAX_CPUS;
  config.ticksPerUs = h.stcFrequency / 1_000_000;
  config.seed = options.seed;
  config.rounds = options.rounds;
  config.trace = options.trace;
  config.vcpus = options.vcpus;
  config.iommu = findIommu();
  const workers = config.cpus * L.PDS;
  const per = options.calls / (options.rounds * workers);
  config.calls = per === 0 ? 1 : per;
  puts("FUZZ start seed=");
  putHex(config.seed);
  puts(" calls=");
  putDec(options.calls);
  puts(" rounds=");
  putDec(config.rounds);
  puts(" cpus=");
  putDec(config.cpus);
  puts(" workers=");
  putDec(workers);
  puts(" iommu=");
  putHex(config.iommu);
  puts(config.vcpus ? " vcpus=1" : " vcpus=0");
  puts("\n");
  if (!prepare()) return 0;
  for (let r: u64 = 1; r <= config.rounds; r++) {
    config.round = r;
    if (!oneRound()) return 0;
  }
  summary();
  // A status no hypercall may return (§5) is the kernel's fault.
  let bad: u64 = 0;
  for (let n: u64 = 0; n < 16; n++) bad += sum[(n * BUCKETS + BAD_STATUS) & 0xff];
  if (bad !== 0) {
    puts("FUZZ: FAIL ");
    putDec(bad);
    puts(" statuses outside §5\n");
    return 0;
  }
  puts("FUZZ: PASS\n");
  return 1;
}
