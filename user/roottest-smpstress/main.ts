// The SMP stress root task (test/boot/smpstress.test.ts): one worker (a
// global EC with its SC) on every CPU, up to MAX_CPUS, each making at least
// 25,000 hypercalls at the same time as the others, on a selector range of
// its own: create_sm, create_pt and create_ec; up and down on its own
// semaphore; IPC call/reply to a portal of a local EC on its own CPU (a new
// portal each round and a long-lived one); ctrl_pd delegations of an object
// capability and of a memory page into its own PD's object and host spaces
// and their revocation (by pmm 0 in the PD, or with the object's destruction);
// the destruction of what it made by revoking the range; an up of its
// neighbour's semaphore (another CPU) and now and then a timed down on its
// own. The root EC waits (bounded) for all of them, prints per-CPU counts and
// `STRESS: <n> hypercalls on <k> CPUs`, revokes everything, and compares the
// kernel statistics page (`kstat`, user/nova/kstat.ts) with its values before:
// free pages, live objects, allocations, bytes and mapping-database nodes.
// A warm-up round with the same objects comes first (page tables of the UTCB
// addresses stay once made, by design), as in user/roottest-stress.

import { GPR_RDI, GPR_RSP } from "../../abi/arch_utcb.ts";
import { KSTAT_SIGNATURE } from "../../abi/kstat_page.ts";
import { MTD_GPR0_7, MTD_RIP } from "../../abi/mtd.ts";
import { PERM_MASK, Perm_mem } from "../../abi/perms.ts";
import { PdOp } from "../../abi/hypercall.ts";
import { Status } from "../../abi/status.ts";
import { scd } from "../../abi/scd.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { putDec, puts } from "../nova/console.ts";
import { hip } from "../nova/hip.ts";
import {
  IpcOut,
  ScTime,
  ctrlSc,
  createEc,
  createPd,
  createPt,
  createSc,
  createSm,
  ctrlPd,
  ctrlPt,
  ipcCall,
  smDown,
  smUp,
} from "../nova/hypercall.ts";
import { KSTAT_ALL, KstatSnapshot, compare, kstat, take } from "../nova/kstat.ts";
import { arch } from "../nova/utcb.ts";
import * as setup from "../roottest/setup.ts";
import { ROOT_HST, ROOT_OBJ, pd, revoke } from "../roottest/sel.ts";
import {
  atLeast,
  block,
  check,
  expect as expectCase,
  isStatus,
  isValue,
  summary,
} from "../roottest/test.ts";

const MAX_CPUS: u64 = 8;
/** Worker c's selectors: WORKERS + c·RANGE …; all of them together are order ALL_ORDER. */
const WORKERS: u64 = 0x10000;
const RANGE: u64 = 0x1000;
const ALL_ORDER: u64 = 15;
/** The semaphore each worker ups when it is done. */
const DONE: u64 = 0x18000;
/** Rounds per worker (about 12.6 hypercalls each) and of the warm-up. */
const ROUNDS: u64 = 2000;
const WARM_ROUNDS: u64 = 20;
const MIN_HYPERCALLS: u64 = 25_000;
/** How long the root EC waits for all workers (ms). */
const DEADLINE_MS: u64 = 100_000;

// Offsets in a worker's range.
/** Made and destroyed every round (one revocation of order 2 at +0): SM, PT, EC. */
const SCR_SM: u64 = 1;
const SCR_PT: u64 = 2;
const SCR_EC: u64 = 3;
const SCR_ORDER: u64 = 2;
/** The worker's own PD with an object and a host space: the delegations' destination. */
const CHILD_PD: u64 = 0x10;
const CHILD_OBJ: u64 = 0x11;
const CHILD_HST: u64 = 0x12;
/** The semaphore the worker's left neighbour ups. */
const POKE: u64 = 0x30;
/** A local EC on the worker's CPU serving its portals (user/nova/portal.S nova_reply_at_once). */
const SERVER: u64 = 0x40;
const SERVER_PT: u64 = 0x41;
/** The STARTUP handler (a local EC), the worker (global EC) and its SC. */
const HANDLER: u64 = 0x50;
const WORKER: u64 = 0x51;
const SC: u64 = 0x52;
/** The worker's event base: STARTUP at +0x20, bound to the handler. */
const EVT: u64 = 0x100;
/** The handler's and server's event base: no portals. */
const EVT_NONE: u64 = 0x200;
/** Where the delegations land in the worker's PD (64 slots used in turn). */
const DST: u64 = 0x100;

const UTCB_BASE: u64 = 0x7ff8_0000_0000;
const STACK_SIZE: u64 = 4096;

// Shared between the root EC and the workers.
const rounds = atomic<u64>(0);
const workers = atomic<u64>(0);
const hypercalls = array<Atomic<u64>, 8>();
/** The first unexpected status: step << 8 | status, + 1 << 32 (0 = none). */
const errors = array<Atomic<u64>, 8>();
const outs = array<Inline<IpcOut>, 8>();
/** Progress: rounds done and the hypercalls made so far (a worker that hangs shows where). */
const progress = array<Atomic<u64>, 8>();
const sofar = array<Atomic<u64>, 8>();
const lastStep = array<Atomic<u64>, 8>();

function base(c: u64): u64 {
  return WORKERS + c * RANGE;
}

/** UTCB j of CPU c: 0 handler, 1 worker, 2 server, 3 the scratch EC. */
function utcb(c: u64, j: u64): u64 {
  return UTCB_BASE + (c * 4 + j) * 0x1000;
}

/** Stack j of CPU c: 0 handler, 1 worker. */
function stackTop(c: u64, j: u64): u64 {
  return u64(linkerSymbol("stress_stacks")) + (c * 2 + j + 1) * STACK_SIZE;
}

/** The STARTUP handler (worker.S stress_portal_entry; PID = its CPU): the worker's entry. */
export function portal(p: u64, _mtd: u64, _rsp: u64): u64 {
  const a = arch(utcb(p, 0));
  // The worker's RSP is its stack top (create_ec's sp): check it is the one of CPU p.
  if (a.gpr[GPR_RSP] !== stackTop(p, 1)) return 0;
  a.rip = u64(linkerSymbol("stress_worker_entry"));
  a.gpr[GPR_RDI] = p;
  return u64(MTD_RIP | MTD_GPR0_7);
}

/** Records the first unexpected status of worker c; whether `st` is `want`. */
function expect(c: u64, step: u64, st: u32, want: u32): bool {
  lastStep[c].store(step);
  if (st === want) return true;
  errors[c].compareExchange(0, (u64(1) << 32) | (step << 8) | u64(st));
  return false;
}

function ticks(us: u64): u64 {
  return (hip().stcFrequency / 1_000_000) * us;
}

/** One round of worker c (`i`: which slots and variants); the hypercalls made, 0 on a failure. */
function round(c: u64, i: u64): u64 {
  const b = base(c);
  const n = workers.load();
  const next = base((c + 1) % n);
  const out = outs[c];
  const page = (u64(linkerSymbol("stress_pages")) >> 12) + c;
  const slot = DST + (i & 0x3f);
  const ip = u64(linkerSymbol("nova_reply_at_once"));
  if (!expect(c, 1, createSm(b + SCR_SM, ROOT_OBJ_ROOT_PD, 1), Status.SUCCESS)) return 0;
  if (!expect(c, 2, smDown(b + SCR_SM, false, 0), Status.SUCCESS)) return 0;
  if (!expect(c, 3, smUp(b + SCR_SM), Status.SUCCESS)) return 0;
  if (!expect(c, 4, createPt(b + SCR_PT, ROOT_OBJ_ROOT_PD, b + SERVER, ip), Status.SUCCESS))
    return 0;
  if (!expect(c, 5, ipcCall(b + SCR_PT, false, 0, out), Status.SUCCESS)) return 0;
  if (!expect(c, 6, ipcCall(b + SERVER_PT, false, 0, out), Status.SUCCESS)) return 0;
  if (!expect(c, 7, createEc(b + SCR_EC, 0, ROOT_OBJ_ROOT_PD, utcb(c, 3), c, 0, 0), Status.SUCCESS))
    return 0;
  const obj = ctrlPd(ROOT_OBJ, b + CHILD_OBJ, b + SCR_SM, 0, slot, PERM_MASK, 0);
  if (!expect(c, 8, obj, Status.SUCCESS)) return 0;
  const hst = ctrlPd(ROOT_HST, b + CHILD_HST, page, 0, slot, Perm_mem.R | Perm_mem.W, 0);
  if (!expect(c, 9, hst, Status.SUCCESS)) return 0;
  let made: u64 = 12;
  // Every other round the object capability's copy goes with the semaphore (the mapping
  // database's recursive revocation), else first by pmm 0 in the worker's PD.
  if ((i & 1) === 0) {
    const back = ctrlPd(b + CHILD_OBJ, b + CHILD_OBJ, slot, 0, slot, 0, 0);
    if (!expect(c, 10, back, Status.SUCCESS)) return 0;
    made++;
  }
  if (!expect(c, 11, ctrlPd(b + CHILD_HST, b + CHILD_HST, slot, 0, slot, 0, 0), Status.SUCCESS))
    return 0;
  if (!expect(c, 12, revoke(b, SCR_ORDER), Status.SUCCESS)) return 0;
  if (!expect(c, 13, smUp(next + POKE), Status.SUCCESS)) return 0;
  if ((i & 7) === 7) {
    // Now and then a short timed down on its own semaphore: the neighbour's up (from another
    // CPU) wakes it, or the timeout does.
    const st = smDown(b + POKE, false, rdtsc() + ticks(100));
    if (st !== Status.TIMEOUT && !expect(c, 14, st, Status.SUCCESS)) return 0;
    made++;
  }
  return made;
}

/** Worker c (worker.S stress_worker_entry): its PD, then its rounds; then DONE. */
export function worker(c: u64): void {
  const b = base(c);
  let count: u64 = 0;
  if (
    expect(c, 20, createPd(b + CHILD_PD, PdOp.PD, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
    expect(c, 21, createPd(b + CHILD_OBJ, PdOp.OBJ, b + CHILD_PD), Status.SUCCESS) &&
    expect(c, 22, createPd(b + CHILD_HST, PdOp.HST, b + CHILD_PD), Status.SUCCESS)
  ) {
    count = 3;
    const total = rounds.load();
    for (let i: u64 = 0; i < total; i++) {
      const made = round(c, i);
      if (made === 0) break;
      count += made;
      progress[c].store(i + 1);
      sofar[c].store(count);
    }
  }
  hypercalls[c].store(count);
  smUp(DONE);
}

/** Worker c's objects: semaphore, handler, server and their portals, the worker. */
function prepare(c: u64): bool {
  const b = base(c);
  const entry = u64(linkerSymbol("stress_portal_entry"));
  const ip = u64(linkerSymbol("nova_reply_at_once"));
  return (
    isStatus(
      createEc(b + HANDLER, 0, ROOT_OBJ_ROOT_PD, utcb(c, 0), c, stackTop(c, 0), b + EVT_NONE),
      Status.SUCCESS,
    ) &&
    isStatus(createPt(b + EVT + 0x20, ROOT_OBJ_ROOT_PD, b + HANDLER, entry), Status.SUCCESS) &&
    isStatus(ctrlPt(b + EVT + 0x20, c, MTD_RIP | MTD_GPR0_7), Status.SUCCESS) &&
    isStatus(
      createEc(b + SERVER, 0, ROOT_OBJ_ROOT_PD, utcb(c, 2), c, 0, b + EVT_NONE),
      Status.SUCCESS,
    ) &&
    isStatus(createPt(b + SERVER_PT, ROOT_OBJ_ROOT_PD, b + SERVER, ip), Status.SUCCESS) &&
    isStatus(
      createEc(b + WORKER, 2, ROOT_OBJ_ROOT_PD, utcb(c, 1), c, stackTop(c, 1), b + EVT),
      Status.SUCCESS,
    )
  );
}

class Run {
  done: u64;
  ticks: u64;
}
const run = new Run();

/** All workers, `n` of them, `total` rounds each; then everything revoked. */
function stress(n: u64, total: u64): bool {
  rounds.store(total);
  workers.store(n);
  for (let c: u64 = 0; c < n; c++) {
    hypercalls[c].store(0);
    errors[c].store(0);
    progress[c].store(0);
    sofar[c].store(0);
  }
  // The root EC's own hypercalls are parts of the case that runs this (test.ts).
  let ok = isStatus(createSm(DONE, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS);
  for (let c: u64 = 0; c < n; c++)
    ok = ok && isStatus(createSm(base(c) + POKE, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS);
  for (let c: u64 = 0; c < n; c++) ok = ok && prepare(c);
  const t0 = rdtsc();
  for (let c: u64 = 0; c < n; c++)
    ok =
      ok &&
      isStatus(
        createSc(base(c) + SC, ROOT_OBJ_ROOT_PD, base(c) + WORKER, scd(10, 1, 0)),
        Status.SUCCESS,
      );
  const deadline = t0 + (hip().stcFrequency / 1000) * DEADLINE_MS;
  run.done = 0;
  while (ok && run.done < n && smDown(DONE, false, deadline) === Status.SUCCESS) run.done++;
  run.ticks = rdtsc() - t0;
  if (run.done < n) diagnose(n);
  // pmm 0 revokes whatever the (aligned) source range holds (§4.8).
  const gone =
    isStatus(pd(ROOT_OBJ, ROOT_OBJ, 0, ALL_ORDER, WORKERS, 0), Status.SUCCESS) &&
    isStatus(revoke(DONE, 0), Status.SUCCESS);
  return ok && gone && isValue(run.done, n);
}

/** Workers that did not finish: their SCs' consumed time, 100 ms apart (do they still run?). */
const t = new ScTime();
function diagnose(n: u64): void {
  for (let c: u64 = 0; c < n; c++) {
    const a = ctrlSc(base(c) + SC, t) === Status.SUCCESS ? t.ticks : 0;
    smDown(DONE, false, rdtsc() + (hip().stcFrequency / 1000) * 100);
    const b = ctrlSc(base(c) + SC, t) === Status.SUCCESS ? t.ticks : 0;
    puts("smpstress: CPU ");
    putDec(c);
    puts(" worker SC consumed ");
    putDec(a);
    puts(" then ");
    putDec(b);
    puts(" ticks, round ");
    putDec(progress[c].load());
    puts("\n");
  }
}

const before = new KstatSnapshot();

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  setup.run();
  block(850);
  expectCase("kstat-page-mapped", kstat().signature, KSTAT_SIGNATURE);
  const cpus = u64(hip().cpuNum);
  const n = cpus < MAX_CPUS ? cpus : MAX_CPUS;
  puts("smpstress: CPUNUM ");
  putDec(cpus);
  puts(", a worker on each of CPUs 0-");
  putDec(n - 1);
  puts("\n");
  check("warm-up-round", stress(n, WARM_ROUNDS));
  take(before);
  const ok = stress(n, ROUNDS);
  let total: u64 = 0;
  let least: u64 = u64.MAX;
  let failed: u64 = 0;
  for (let c: u64 = 0; c < n; c++) {
    const h = hypercalls[c].load();
    const e = errors[c].load();
    total += h;
    if (h < least) least = h;
    if (e !== 0) failed++;
    puts("STRESS: CPU ");
    putDec(c);
    puts(" ");
    putDec(h);
    puts(" hypercalls");
    if (h === 0) {
      puts(", not done: ");
      putDec(progress[c].load());
      puts(" rounds, ");
      putDec(sofar[c].load());
      puts(" hypercalls, last step ");
      putDec(lastStep[c].load());
    }
    if (e !== 0) {
      puts(", step ");
      putDec((e >> 8) & 0xff);
      puts(" status ");
      putDec(e & 0xff);
    }
    puts("\n");
  }
  puts("STRESS: ");
  putDec(total);
  puts(" hypercalls on ");
  putDec(n);
  puts(" CPUs in ");
  putDec(run.ticks / (hip().stcFrequency / 1000));
  puts(" ms\n");
  check("workers-done", ok);
  check("every-worker-25000-hypercalls", atLeast(least, MIN_HYPERCALLS));
  // The workers that failed; the STRESS lines above say at which step, with which status.
  expectCase("no-unexpected-status", failed, 0);
  // compare() printed each counter before and after: the FAIL line adds nothing to them.
  check("kernel-memory-back", compare("smpstress", before, KSTAT_ALL));
  return summary();
}
