// The SMP benches of `npm run bench` (docs/testing.md), run by roottest-bench
// instead of the single-CPU benches when the HIP's CPUNUM is above 1. Under QEMU
// `-icount shift=0,align=off,sleep=off` the TSC is one virtual clock shared by
// all vCPUs: it counts the instructions every vCPU executes (single-threaded
// TCG runs them in turn), so a delta read on one CPU includes what the other
// CPUs executed meanwhile, and a TSC read on CPU 1 can be compared with one on
// CPU 0.
//
// - ipi_roundtrip (CPUNUM = 2): EC A (the root EC, CPU 0) ups S1, on which the
//   global EC B on CPU 1 is blocked (a remote wake-up by RESCHEDULE IPI); B
//   ups S2, on which A then blocks (the IPI back to CPU 0); A's TSC delta from
//   before its up to after its down.
// - remote_wakeup (same rounds): B reads the TSC as soon as its down returns
//   and stores it in `wakeTsc`; minus A's TSC just before its up.
// - shootdown_<k>cpus (k = CPUNUM; shootdown_1cpus, the baseline, at CPUNUM = 2
//   before any EC runs on CPU 1): the ctrl_pd that revokes one host page of
//   the root PD (pmm 0 over it) while global ECs of the root PD spin in user
//   mode on CPUs 1…k−1, so each has the root host space loaded and gets a
//   SHOOTDOWN IPI. The spinners execute PAUSE, which makes QEMU's round robin
//   go on to the next vCPU, so they add a few instructions per turn, not a time
//   slice. The page is delegated again (untimed) after each revoke.
//
// - hypercall_bad_hyp_<k>cpus (k = CPUNUM, before any EC runs elsewhere): a
//   hypercall with a reserved number, answered BAD_HYP by syscall.S, on CPU 0
//   while the other CPUs halt (a halted vCPU executes nothing).
// - slow_path_<k>cpus (the same conditions): a create_sm naming an empty PD
//   selector, BAD_CAP from the slow path: the kernel lock's entry and exit
//   (klock.ts) with k CPUs online.
//
// Every wait is bounded (timed downs, TSC deadlines): a kernel bug prints
// `BENCH <name> FAIL <why>`. ECs, SCs, portals and semaphores use the
// selectors SELS…SELS+2^SELS_ORDER−1 and are revoked at the end. A and B issue
// their measured ctrl_sm calls through `up`/`down` below, not user/nova's
// smUp/smDown: those are safe on several CPUs too (registers on the caller's
// stack), but their path differs (rdi() inlined, no frame, then the copy for
// after()): with them ipi_roundtrip measured 18 and remote_wakeup 9 ticks
// fewer, so the figures would no longer compare with docs/testing.md's.

import { EC_T, Hypercall } from "../../abi/hypercall.ts";
import { GPR_RDI } from "../../abi/arch_utcb.ts";
import { MTD_GPR0_7, MTD_RIP } from "../../abi/mtd.ts";
import { Status } from "../../abi/status.ts";
import { hostStartup } from "../../abi/events.ts";
import { scd } from "../../abi/scd.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { putDec, puts } from "../nova/console.ts";
import { hip } from "../nova/hip.ts";
import { createEc, createPt, createSc, createSm, ctrlPd, ctrlPt, rdi } from "../nova/hypercall.ts";
import { arch } from "../nova/utcb.ts";
import { EMPTY, NOVA_HST, ROOT_HST, revoke } from "../roottest/sel.ts";

/** Measured rounds per bench, after WARMUP unmeasured ones. */
const N: usize = 1000;
const WARMUP: usize = 20;

/** This module's selectors (roottest-bench runs either bench.ts's BENCH_SELS or these). */
const SELS: u64 = 0x6000;
const SELS_ORDER: u64 = 10;
const S1: u64 = SELS;
const S2: u64 = SELS + 1;
/** The capability of EC i (i: stack and UTCB index). */
function ecSel(i: u64): u64 {
  return SELS + 0x10 + i;
}
/** The SC of global EC g. */
function scSel(g: u64): u64 {
  return SELS + 0x30 + g;
}
/** Event base of global EC g: only its STARTUP portal (hostStartup) is there. */
function evt(g: u64): u64 {
  return SELS + 0x100 + g * 0x40;
}

// EC indices: the STARTUP handler of CPU c is local EC c (1…7); global EC g is 8 + g:
// g = 0 is B (CPU 1), g = c ≥ 1 the spinner on CPU c.
const GLOBAL0: u64 = 8;
const MAX_CPUS: u64 = 8;
const B: u64 = 0;
const UTCB_BASE: u64 = 0x7ffd_0000_0000;
const STACK_SIZE: u64 = 4096;
/** A global EC's SC: budget (ms) long enough that no budget ends inside a bench. */
const BUDGET_MS: u64 = 10000;
const PRIORITY: u64 = 1;

/** The root host space's page that is revoked and delegated again, and its frame. */
const VA_PAGE: u64 = 0x40100;
const FRAME: u64 = 0x6;
const MEM_RW: u64 = 0x3;

const rt = array<u64, 1000>();
const wake = array<u64, 1000>();

// Shared between A and B (one PD: the same pages).
let wakeTsc: u64 = 0;
let bQuit = false;
let bStatus: u32 = 0;
let bRounds: u64 = 0;
let spinStop = false;
const spins = array<u64, 8>();
const handlerMade = array<bool, 8>();

function utcb(i: u64): u64 {
  return UTCB_BASE + i * 0x1000;
}

function stackTop(i: u64): u64 {
  return u64(linkerSymbol("smp_stacks")) + (i + 1) * STACK_SIZE;
}

function ticks(ms: u64): u64 {
  return (hip().stcFrequency / 1000) * ms;
}

/** ctrl_sm up with the registers on this EC's stack. */
function up(sm: u64): u32 {
  const r = array<u64, 8>();
  r[0] = rdi(sm, 0, Hypercall.CTRL_SM);
  syscall(r);
  return u32(r[0] & 0xff);
}

/** ctrl_sm down until the absolute TSC `deadline`, registers on this EC's stack. */
function down(sm: u64, deadline: u64): u32 {
  const r = array<u64, 8>();
  r[0] = rdi(sm, 0x1, Hypercall.CTRL_SM);
  r[1] = deadline;
  syscall(r);
  return u32(r[0] & 0xff);
}

/** STARTUP of global EC g on CPU c (ec.S smp_startup_entry, PID = c << 8 | g). */
export function startup(pid: u64): u64 {
  const g = pid & 0xff;
  const a = arch(utcb((pid >> 8) & 0xff));
  a.rip = u64(linkerSymbol("smp_global_entry"));
  a.gpr[GPR_RDI] = g;
  return u64(MTD_RIP | MTD_GPR0_7);
}

/** A global EC's code after STARTUP (smp.S smp_global_entry). */
export function global(g: u64): void {
  if (g === B) {
    waker();
    return;
  }
  while (!spinStop) {
    barrier(); // the root EC sets spinStop
    pause();
    spins[g]++;
  }
}

/** B: down S1, TSC, up S2, until told to stop or a down fails. */
function waker(): void {
  for (;;) {
    const st = down(S1, rdtsc() + ticks(5000));
    const t = rdtsc();
    if (st !== Status.SUCCESS) {
      bStatus = st;
      return;
    }
    barrier(); // A sets bQuit before its last up
    if (bQuit) return;
    wakeTsc = t;
    bRounds++;
    up(S2);
  }
}

/** Creates global EC g on `cpu` (with its CPU's STARTUP handler and an SC): it starts at once. */
function startGlobal(g: u64, cpu: u64): bool {
  if (!handlerMade[cpu]) {
    if (
      createEc(ecSel(cpu), 0, ROOT_OBJ_ROOT_PD, utcb(cpu), cpu, stackTop(cpu), 0) !== Status.SUCCESS
    )
      return false;
    handlerMade[cpu] = true;
  }
  const pt = hostStartup(evt(g));
  const ec = ecSel(GLOBAL0 + g);
  return (
    createPt(pt, ROOT_OBJ_ROOT_PD, ecSel(cpu), u64(linkerSymbol("smp_startup_entry"))) ===
      Status.SUCCESS &&
    ctrlPt(pt, (cpu << 8) | g, MTD_RIP | MTD_GPR0_7) === Status.SUCCESS &&
    createEc(ec, EC_T, ROOT_OBJ_ROOT_PD, utcb(GLOBAL0 + g), cpu, stackTop(GLOBAL0 + g), evt(g)) ===
      Status.SUCCESS &&
    createSc(scSel(g), ROOT_OBJ_ROOT_PD, ec, scd(BUDGET_MS, PRIORITY, 0)) === Status.SUCCESS
  );
}

/**
 * Sorts a[0..n) ascending (insertion sort: no allocator). roottest/bench.ts has its own: one
 * shared sort moved gcc's inlining around bench.ts's measuring loop and its figures by 8 ticks.
 */
function sort(a: Arr<u64, 1000>, n: usize): void {
  for (let i: usize = 1; i < n; i++) {
    const v = a[i];
    let j = i;
    while (j > 0 && a[j - 1] > v) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = v;
  }
}

/** `name`, or <name>_<k>cpus for k > 0. */
function putName(name: str, k: u64): void {
  puts("BENCH ");
  puts(name);
  if (k === 0) return;
  puts("_");
  putDec(k);
  puts("cpus");
}

function fail(name: str, k: u64, why: str, v: u64): void {
  putName(name, k);
  puts(" FAIL ");
  puts(why);
  puts(" ");
  putDec(v);
  puts("\n");
}

function report(name: str, k: u64, a: Arr<u64, 1000>, n: usize): void {
  sort(a, n);
  putName(name, k);
  puts(" n=");
  putDec(u64(n));
  puts(" min=");
  putDec(a[0]);
  puts(" med=");
  putDec(a[n / 2]);
  puts(" max=");
  putDec(a[n - 1]);
  puts("\n");
}

/** ipi_roundtrip and remote_wakeup from the same rounds (A = this, the root EC on CPU 0). */
function roundTrips(): void {
  if (
    createSm(S1, ROOT_OBJ_ROOT_PD, 0) !== Status.SUCCESS ||
    createSm(S2, ROOT_OBJ_ROOT_PD, 0) !== Status.SUCCESS ||
    !startGlobal(B, 1)
  ) {
    fail("ipi_roundtrip", 0, "setup", 0);
    return;
  }
  const timeout = ticks(100);
  for (let i: usize = 0; i < WARMUP + N; i++) {
    const deadline = rdtsc() + timeout;
    const t0 = rdtsc();
    const su = up(S1);
    const sd = down(S2, deadline);
    const t1 = rdtsc();
    barrier(); // B wrote wakeTsc before its up
    const w = wakeTsc;
    if (su !== Status.SUCCESS || sd !== Status.SUCCESS) {
      fail("ipi_roundtrip", 0, sd !== Status.SUCCESS ? "down S2 status" : "up S1 status", u64(sd));
      puts("BENCH-INFO B status ");
      putDec(u64(bStatus));
      puts(" rounds ");
      putDec(bRounds);
      puts("\n");
      return;
    }
    if (w < t0 || w > t1) {
      fail("remote_wakeup", 0, "B's TSC outside A's round, round", u64(i));
      return;
    }
    if (i >= WARMUP) {
      rt[i - WARMUP] = t1 - t0;
      wake[i - WARMUP] = w - t0;
    }
  }
  bQuit = true;
  up(S1); // B returns and blocks in ipc_reply for good
  report("ipi_roundtrip", 0, rt, N);
  report("remote_wakeup", 0, wake, N);
}

/** Host page VA_PAGE of the root PD from FRAME, then a store so CPU 0's TLB holds it. */
function map(v: u64): bool {
  if (ctrlPd(NOVA_HST, ROOT_HST, FRAME, 0, VA_PAGE, MEM_RW, 0) !== Status.SUCCESS) return false;
  ptrFromVirt<u64>(virt(VA_PAGE << 12)).storeVolatile(v);
  return true;
}

/**
 * shootdown_<spinners + 1>cpus: the revoking ctrl_pd (pmm 0 over the page,
 * docs/capabilities.md), timed, N times.
 */
function shootdown(spinners: u64): void {
  const name = "shootdown";
  const k = spinners + 1;
  // The spinners on CPUs 1…spinners must all be running before the first revoke.
  const deadline = rdtsc() + ticks(1000);
  for (let c: u64 = 1; c <= spinners; c++)
    while (spins[c] === 0) {
      barrier();
      pause();
      if (rdtsc() > deadline) {
        fail(name, k, "spinner did not run, CPU", c);
        return;
      }
    }
  const before = array<u64, 8>();
  for (let c: u64 = 1; c <= spinners; c++) before[c] = spins[c];
  for (let i: usize = 0; i < WARMUP + N; i++) {
    if (!map(u64(i))) {
      fail(name, k, "delegate, round", u64(i));
      return;
    }
    const t0 = rdtsc();
    const st = ctrlPd(ROOT_HST, ROOT_HST, VA_PAGE, 0, VA_PAGE, 0, 0);
    const t1 = rdtsc();
    if (st !== Status.SUCCESS) {
      fail(name, k, "revoke status", u64(st));
      return;
    }
    if (i >= WARMUP) rt[i - WARMUP] = t1 - t0;
  }
  // Every spinner ran on meanwhile (it was in user mode with the root space loaded).
  for (let c: u64 = 1; c <= spinners; c++)
    if (spins[c] === before[c]) {
      fail(name, k, "spinner stalled, CPU", c);
      return;
    }
  report(name, k, rt, N);
}

/**
 * `name`_<k>cpus: round trips of one hypercall (RDI `id`, RSI `rsi`) from CPU 0, the other
 * CPUs idle; each must answer `want`.
 */
function rounds(name: str, k: u64, id: u64, rsi: u64, want: Status): void {
  const r = array<u64, 8>();
  for (let i: usize = 0; i < N + WARMUP; i++) {
    r[0] = id;
    r[1] = rsi;
    const t0 = rdtsc();
    syscall(r);
    const t = rdtsc() - t0;
    if ((r[0] & 0xff) !== u64(want)) {
      fail(name, k, "status", r[0] & 0xff);
      return;
    }
    if (i >= WARMUP) rt[i - WARMUP] = t;
  }
  report(name, k, rt, N);
}

export function run(): void {
  const cpus = u64(hip().cpuNum);
  const k = cpus < MAX_CPUS ? cpus : MAX_CPUS;
  rounds("hypercall_bad_hyp", cpus, rdi(0, 0, Hypercall.RESERVED), 0, Status.BAD_HYP);
  rounds("slow_path", cpus, rdi(S1, 0, Hypercall.CREATE_SM), EMPTY, Status.BAD_CAP);
  if (k === 2) {
    // The baseline first: no EC of the root PD has run on another CPU yet.
    shootdown(0);
    roundTrips();
  }
  for (let c: u64 = 1; c < k; c++)
    if (!startGlobal(c, c)) {
      fail("shootdown", k, "spinner setup, CPU", c);
      spinStop = true;
      revoke(SELS, SELS_ORDER);
      return;
    }
  if (k === cpus) shootdown(k - 1);
  spinStop = true;
  revoke(SELS, SELS_ORDER);
}
