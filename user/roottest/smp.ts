// More than one CPU (nova-abi.md §4.1, §4.4, §4.5, §4.9, §4.12, §7, §8, §9.3,
// §10.3, HIP CPUNUM): the root task puts a handler (local EC) and a global EC
// with its SC on every CPU (up to MAX_CPUS) and checks that each one ran
// there, then drives the global EC on CPU 1 from the root EC on CPU 0 through
// a command semaphore: IPC across CPUs (BAD_CPU) and on CPU 1, an event portal
// on another CPU (the faulting EC dies), semaphore wake-ups in both
// directions and a timed down on CPU 1, weak and strong recall of an EC
// spinning in ring 3 on CPU 1, the TLB shootdown of a revoked page an EC on
// CPU 1 keeps reading, and an interrupt semaphore assigned to CPU 1.
//
// With one CPU (CPUNUM 1) only the cases that need no second CPU run, and the
// task says so: the TEST lines count what ran. Every wait is bounded (a timed
// down or a TSC deadline), so a kernel bug prints FAIL, never a hang.
//
// ECs of this block run on several CPUs at once: everything they share with
// the root EC is an Atomic, and their hypercalls use their own registers
// (user/nova/hypercall.ts). Portal IPs and the global ECs' start RIP are
// smp.S labels. Selectors SMP_SELS…+0x3ff (sel.ts), revoked at the end.

import { GPR_RDI, GPR_RSP } from "../../abi/arch_utcb.ts";
import { MTD_GPR0_7, MTD_POISON, MTD_QUAL, MTD_RIP } from "../../abi/mtd.ts";
import { PERM_MASK, Perm_mem } from "../../abi/perms.ts";
import { PdOp } from "../../abi/hypercall.ts";
import { Status } from "../../abi/status.ts";
import { scd } from "../../abi/scd.ts";
import { NOVA_OBJ_INT_SM, ROOT_OBJ_NOVA_OBJ, ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { putDec, putHex, puts } from "../nova/console.ts";
import { hip } from "../nova/hip.ts";
import {
  IpcOut,
  Msi,
  ScTime,
  assignInt,
  createEc,
  createPd,
  createSc,
  createSm,
  ctrlEc,
  ctrlHw,
  ctrlSc,
  ipcCall,
  smDown,
  smUp,
} from "../nova/hypercall.ts";
import { arch } from "../nova/utcb.ts";
import * as elf from "../nova/elf.ts";
import { Window } from "../nova/elf.ts";
import * as acpi from "./acpi.ts";
import { EcSet, msFromNow, ticksPerMs } from "./ecs.ts";
import {
  CONSOLE_SM,
  NOVA_HST,
  ROOT_HST,
  ROOT_OBJ,
  SMP_ORDER,
  SMP_SELS,
  pd,
  revoke,
} from "./sel.ts";
import { PAST } from "./sm.ts";
import { atLeast, below, block, check, expectStatus, isNot, isStatus, isValue } from "./test.ts";

/** Per-CPU ECs on the first MAX_CPUS CPUs; idle SCs read on the first IDLE_MAX. */
const MAX_CPUS: u64 = 8;
const IDLE_MAX: u64 = 32;
/** The CPU the cross-CPU cases use (with CPU 0, where the root EC runs). */
const REMOTE: u64 = 1;

// EC indices (UTCB page, stack): handler of CPU c = c, global EC of CPU c = MAX_CPUS + c.
const X_EC: u64 = 2 * MAX_CPUS;
const SCRATCH: u64 = 2 * MAX_CPUS + 1;
/** A global EC on CPU 1 that spins in ring 3 until it is destroyed. */
const SPIN_EC: u64 = 2 * MAX_CPUS + 2;
/** What the STARTUP handler gives the spinner in RDI (not a CPU). */
const SPINNER: u64 = 0x5917;
/** The reader in a second PD (its stack slot; RDI after STARTUP). */
const READER_EC: u64 = 2 * MAX_CPUS + 3;
const READER: u64 = 0x5ead;
const STACK_SIZE: u64 = 4096;
const UTCB_BASE: u64 = 0x7ffc_0000_0000;

// Selectors.
const S = SMP_SELS;
/** EC i: capability S + i, UTCB page UTCB_BASE + i·4K, stack i of smp.S `smp_stacks` (set in run). */
const ecs = new EcSet();
function handler(c: u64): u64 {
  return c;
}
function globalEc(c: u64): u64 {
  return MAX_CPUS + c;
}
function scOf(c: u64): u64 {
  return S + 0x20 + c;
}
/** The semaphore a global EC waits on for its next command. */
function cmd(c: u64): u64 {
  return S + 0x30 + c;
}
const ACK: u64 = S + 0x40;
const SEM_A: u64 = S + 0x41;
const SEM_B: u64 = S + 0x42;
const SEM_C: u64 = S + 0x43;
const SEM_D: u64 = S + 0x44;
const INT_SM: u64 = S + 0x45;
const SCRATCH_SEL: u64 = S + 0x46;
/** Never upped: a timed down on it is a sleep. */
const NEVER: u64 = S + 0x47;
const BEYOND_IDLE: u64 = S + 0x48;
function echoPt(c: u64): u64 {
  return S + 0x50 + c;
}
const PT_X: u64 = S + 0x5f;
const SPIN_SC: u64 = S + 0x2f;
/** A second PD with its spaces, its reader EC and SC, the portals delegated into it. */
const PD3: u64 = S + 0x80;
const PD3_OBJ: u64 = S + 0x81;
const PD3_HST: u64 = S + 0x82;
const PD3_PIO: u64 = S + 0x83;
/** The PD whose host space the long teardown empties, and the space (+ 1). */
const LONG_PD: u64 = S + 0x90;
const PD3_EC: u64 = S + 0x84;
const PD3_SC: u64 = S + 0x85;
const PT_STARTUP3: u64 = S + 0x86;
const PT_PF3: u64 = S + 0x87;
/** The reader's event base in PD3's own object space. */
const EVT3: u64 = 0x100;
/** The reader's UTCB (PD3's host space only). */
const PD3_UTCB: u64 = 0x7fff_2000_0000;
/** Where the ELF helpers see the root module (a window of the root host space). */
const ELF_VA: u64 = 0x6400_0000;
const ELF_ORDER: u64 = 10;
function idleSc(c: u64): u64 {
  return S + 0x60 + c;
}
/** Event base of CPU c's global EC: STARTUP, RECALL and #PF bound to CPU c's handler. */
function evt(c: u64): u64 {
  return S + 0x100 + c * 0x40;
}
/** Event base of X (a local EC on CPU 1): its #UD portal is bound to CPU 0's handler. */
const EVT_X: u64 = S + 0x300;
const EVT_NONE: u64 = S + 0x380;
/** Event base of the spinner: STARTUP bound to CPU 1's handler. */
const EVT_SPIN: u64 = S + 0x3c0;

// Portal operations (PID bits 7:0; bits 15:8 the handler's EC index, 23:16 its CPU).
const OP_STARTUP: u64 = 1;
const OP_RECALL: u64 = 2;
const OP_PF: u64 = 3;
const OP_ECHO: u64 = 4;
const OP_UD: u64 = 5;
const OP_STARTUP_SPIN: u64 = 6;
const OP_STARTUP3: u64 = 7;
const OP_PF3: u64 = 8;

// Commands of the global ECs.
const G_PING: u64 = 0;
const G_CALL_LOCAL: u64 = 1;
const G_CALL_ROOT_CPU: u64 = 2;
const G_CALL_X: u64 = 3;
const G_DOWN_A: u64 = 4;
const G_UP_C: u64 = 5;
const G_TIMED_D: u64 = 6;
const G_SPIN: u64 = 7;
const G_READ: u64 = 8;
const G_INT_DOWN: u64 = 9;
const G_QOS: u64 = 10;

/** The second address of smp.S's `smp_shared` page (the shootdown's mapping). */
const VA_SHOOT: u64 = 0x4200_0000;
const PATTERN: u64 = 0x5ee0_c0de_1234_5678;
/** What a global EC writes into its slot of `smp_shared`: this | its CPU. */
const RAN: u64 = 0x5a5a_0000;
/** Where in `smp_shared` the global ECs write (word 0 is the shootdown's PATTERN). */
const RAN_SLOTS: u64 = 8;

// Shared between the root EC and the ECs on the other CPUs.
const gop = array<Atomic<u64>, 8>();
const apicOf = array<Atomic<u64>, 8>();
const started = array<Atomic<u64>, 8>();
const gstatus = array<Atomic<u64>, 8>();
const gcount = array<Atomic<u64>, 8>();
const recalled = array<Atomic<u64>, 8>();
const recalls = array<Atomic<u64>, 8>();
const recallCount = array<Atomic<u64>, 8>();
const recallApic = array<Atomic<u64>, 8>();
const echoes = array<Atomic<u64>, 8>();
const echoApic = array<Atomic<u64>, 8>();
const waiting = array<Atomic<u64>, 8>();
const timedOk = array<Atomic<u64>, 8>();
/** The status of the second ctrl_hw OP 4 on CPU c (G_QOS). */
const qosAgain = array<Atomic<u64>, 8>();
const pfCount = array<Atomic<u64>, 8>();
const pfAddr = array<Atomic<u64>, 8>();
const pfErr = array<Atomic<u64>, 8>();
const pfApic = array<Atomic<u64>, 8>();
const udCount = atomic<u64>(0);
const spins = atomic<u64>(0);
/** The spinner's longest pause between two counts since the root last cleared it. */
const spinGap = atomic<u64>(0);
/** Shootdown: 1 reading, 2 revoked (a read that succeeds now is stale), 3 stop. */
const phase = atomic<u64>(0);
const reads = atomic<u64>(0);
const stale = atomic<u64>(0);
const wrong = atomic<u64>(0);
/** The same for the reader in PD3, and what its #PF handler saw. */
const phase3 = atomic<u64>(0);
const reads3 = atomic<u64>(0);
const stale3 = atomic<u64>(0);
const wrong3 = atomic<u64>(0);
const pf3Count = atomic<u64>(0);
const pf3Addr = atomic<u64>(0);
const pf3Err = atomic<u64>(0);

const rootOut = new IpcOut();
const gOut = new IpcOut();
const time = new ScTime();
const msi = new Msi();
const idle0 = array<u64, 32>();

function shared(): Ptr<u64> {
  return ptrFromVirt<u64>(linkerSymbol("smp_shared"));
}

/** The initial APIC id of the CPU this runs on (CPUID.1:EBX[31:24]). */
function apicId(): u64 {
  const r = array<u32, 4>();
  cpuid(1, 0, r);
  return u64(r[1] >> 24);
}

function pid(op: u64, h: u64, c: u64): u64 {
  return op | (h << 8) | (c << 16);
}

/** The handler ECs' portal code (smp.S smp_portal_entry): returns the reply MTD. */
export function portal(p: u64, _mtd: u64, _rsp: u64): u64 {
  const op = p & 0xff;
  const h = (p >> 8) & 0xff;
  const c = (p >> 16) & 0xff;
  if (op === OP_STARTUP) {
    // A global EC's first dispatch: continue at smp_global_entry with RDI = its CPU.
    const a = arch(ecs.utcb(h));
    a.rip = u64(linkerSymbol("smp_global_entry"));
    a.gpr[GPR_RDI] = ecs.indexOf(a.gpr[GPR_RSP]) - MAX_CPUS;
    return u64(MTD_RIP | MTD_GPR0_7);
  }
  if (op === OP_STARTUP_SPIN) {
    const a = arch(ecs.utcb(h));
    a.rip = u64(linkerSymbol("smp_global_entry"));
    a.gpr[GPR_RDI] = SPINNER;
    return u64(MTD_RIP | MTD_GPR0_7);
  }
  if (op === OP_STARTUP3) {
    const a = arch(ecs.utcb(h));
    a.rip = u64(linkerSymbol("smp_global_entry"));
    a.gpr[GPR_RDI] = READER;
    return u64(MTD_RIP | MTD_GPR0_7);
  }
  if (op === OP_PF3) {
    // PD3's reader faulted: record it, tell the root EC (this handler is in the root PD), and
    // let the reader die (it cannot reach the root PD's semaphores).
    const a = arch(ecs.utcb(h));
    pf3Addr.store(a.qual[1]);
    pf3Err.store(a.qual[0]);
    pf3Count.add(1);
    smUp(ACK);
    return u64(MTD_POISON);
  }
  if (op === OP_RECALL) {
    recallCount[c].store(gcount[c].load());
    recallApic[c].store(apicId());
    recalls[c].add(1);
    recalled[c].store(1);
    return 0;
  }
  if (op === OP_PF) {
    // The reader's #PF: record it, restart the global EC at its entry on a fresh stack.
    const a = arch(ecs.utcb(h));
    pfAddr[c].store(a.qual[1]);
    pfErr[c].store(a.qual[0]);
    pfApic[c].store(apicId());
    pfCount[c].add(1);
    a.rip = u64(linkerSymbol("smp_global_entry"));
    a.gpr[GPR_RSP] = ecs.stackTop(globalEc(c));
    a.gpr[GPR_RDI] = c;
    return u64(MTD_RIP | MTD_GPR0_7);
  }
  if (op === OP_ECHO) {
    echoApic[c].store(apicId());
    echoes[c].add(1);
    return 0;
  }
  if (op === OP_UD) udCount.add(1);
  return 0;
}

/** The spinner: counts, and keeps the longest time between two counts (TSC ticks). */
function spin(): void {
  let last = rdtsc();
  for (;;) {
    spins.add(1);
    const now = rdtsc();
    if (now - last > spinGap.load()) spinGap.store(now - last);
    last = now;
  }
}

/** The global EC of CPU c (smp.S smp_global_entry): reports in, then serves commands. */
export function global(c: u64): void {
  if (c === SPINNER) spin();
  if (c === READER) {
    read3();
    return;
  }
  apicOf[c].store(apicId());
  shared().set(usize(RAN_SLOTS + c), RAN | c);
  started[c].add(1);
  smUp(ACK);
  for (;;) {
    // The semaphore's destruction at the end (ABORTED) ends the EC.
    if (smDown(cmd(c), false, 0) !== Status.SUCCESS) return;
    command(c, gop[c].load());
    smUp(ACK);
  }
}

function command(c: u64, op: u64): void {
  if (op === G_CALL_LOCAL) gstatus[c].store(u64(ipcCall(echoPt(c), false, 0, gOut)));
  if (op === G_CALL_ROOT_CPU) gstatus[c].store(u64(ipcCall(echoPt(0), false, 0, gOut)));
  if (op === G_CALL_X) gstatus[c].store(u64(ipcCall(PT_X, false, 0, gOut)));
  if (op === G_DOWN_A) {
    waiting[c].store(1);
    gstatus[c].store(u64(smDown(SEM_A, false, msFromNow(2000))));
    smUp(SEM_B);
  }
  if (op === G_UP_C) {
    const until = msFromNow(20);
    while (rdtsc() < until) pause();
    gstatus[c].store(u64(smUp(SEM_C)));
  }
  if (op === G_TIMED_D) {
    const deadline = msFromNow(20);
    gstatus[c].store(u64(smDown(SEM_D, false, deadline)));
    timedOk[c].store(rdtsc() >= deadline ? 1 : 0);
  }
  if (op === G_SPIN) while (recalled[c].load() === 0) gcount[c].add(1);
  if (op === G_READ) read();
  if (op === G_INT_DOWN) gstatus[c].store(u64(smDown(INT_SM, false, msFromNow(5))));
  if (op === G_QOS) {
    // OP 4 twice on this CPU: once (interrupt.ts made it on CPU 0 already), then ABORTED.
    gstatus[c].store(u64(ctrlHw(4, 0)));
    qosAgain[c].store(u64(ctrlHw(4, 0)));
  }
}

/** The shootdown's reader: reads the second mapping until it faults (or is told to stop). */
function read(): void {
  const page = ptrFromVirt<u64>(virt(VA_SHOOT));
  for (;;) {
    const ph = phase.load();
    if (ph === 3) return;
    if (page.loadVolatile() !== PATTERN) wrong.add(1);
    if (ph === 2) stale.add(1);
    reads.add(1);
  }
}

/** PD3's reader: like read(), on VA_SHOOT in PD3's host space; no hypercalls (PD3 has none of the root's capabilities). */
function read3(): void {
  const page = ptrFromVirt<u64>(virt(VA_SHOOT));
  for (;;) {
    const ph = phase3.load();
    if (ph === 3) return;
    if (page.loadVolatile() !== PATTERN) wrong3.add(1);
    if (ph === 2) stale3.add(1);
    reads3.add(1);
  }
}

/** Sets CPU c's command, wakes its global EC and waits (bounded) for it to finish. */
function run1(c: u64, op: u64): bool {
  gop[c].store(op);
  return (
    isStatus(smUp(cmd(c)), Status.SUCCESS) &&
    isStatus(smDown(ACK, false, msFromNow(2000)), Status.SUCCESS)
  );
}

/** Waits (at most 1 s) until CPU c's global EC is about to block on SEM_A. */
function awaitWaiting(c: u64): bool {
  const until = msFromNow(1000);
  while (waiting[c].load() === 0 && rdtsc() < until) pause();
  return isNot(waiting[c].load(), 0);
}

/** Waits (at most 1 s) until CPU c's spinner counted to `min`. */
function awaitCount(c: u64, min: u64): bool {
  const until = msFromNow(1000);
  while (gcount[c].load() < min && rdtsc() < until) pause();
  return atLeast(gcount[c].load(), min);
}

/** Waits (at most 1 s) until the reader read `min` times. */
function awaitReads(min: u64): bool {
  const until = msFromNow(1000);
  while (reads.load() < min && rdtsc() < until) pause();
  return atLeast(reads.load(), min);
}

function entry(): Virt {
  return linkerSymbol("smp_portal_entry");
}

/** CPU c's handler and global EC, their portals and the global EC's command semaphore. */
function perCpu(c: u64): bool {
  const h = handler(c);
  const g = globalEc(c);
  return (
    isStatus(
      createEc(ecs.sel(h), 0, ROOT_OBJ_ROOT_PD, ecs.utcb(h), c, ecs.stackTop(h), EVT_NONE),
      Status.SUCCESS,
    ) &&
    ecs.portalOf(evt(c) + 0x20, h, entry(), pid(OP_STARTUP, h, c), MTD_RIP | MTD_GPR0_7) &&
    ecs.portalOf(evt(c) + 0x21, h, entry(), pid(OP_RECALL, h, c), 0) &&
    ecs.portalOf(evt(c) + 0xe, h, entry(), pid(OP_PF, h, c), MTD_RIP | MTD_GPR0_7 | MTD_QUAL) &&
    ecs.portalOf(echoPt(c), h, entry(), pid(OP_ECHO, h, c), 0) &&
    isStatus(createSm(cmd(c), ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
    isStatus(
      createEc(ecs.sel(g), 2, ROOT_OBJ_ROOT_PD, ecs.utcb(g), c, ecs.stackTop(g), evt(c)),
      Status.SUCCESS,
    )
  );
}

export function run(): void {
  ecs.init(SMP_SELS, UTCB_BASE, linkerSymbol("smp_stacks"), STACK_SIZE);
  block(900);
  const h = hip();
  const n = u64(h.cpuNum);
  const used = n < MAX_CPUS ? n : MAX_CPUS;
  const idles = n < IDLE_MAX ? n : IDLE_MAX;
  puts("roottest: CPUNUM ");
  putDec(n);
  puts(", CPUBSP ");
  putDec(u64(h.cpuBsp));
  puts("\n");
  check("hip-cpunum-cpubsp", atLeast(n, 1) && below(u64(h.cpuBsp), n));
  // CPUNUM counts the CPUs online: every enabled CPU of the MADT (the boot test compares
  // with QEMU's -smp and the boot log too).
  const madt = acpi.enabledCpus(h.rsdp);
  const closed = acpi.close();
  puts("roottest: MADT: ");
  putDec(madt);
  puts(" enabled CPUs\n");
  check("hip-cpunum-is-madt-enabled-cpus", isValue(madt, n) && isStatus(closed, Status.SUCCESS));

  // create_ec (§4.4): every CPU below CPUNUM is valid, CPUNUM is not.
  check(
    "create_ec-last-cpu-success",
    isStatus(
      createEc(
        SCRATCH_SEL,
        0,
        ROOT_OBJ_ROOT_PD,
        ecs.utcb(SCRATCH),
        n - 1,
        ecs.stackTop(SCRATCH),
        0,
      ),
      Status.SUCCESS,
    ) && isStatus(revoke(SCRATCH_SEL, 0), Status.SUCCESS),
  );
  check(
    "create_ec-bad_cpu-cpunum",
    isStatus(
      createEc(SCRATCH_SEL, 0, ROOT_OBJ_ROOT_PD, ecs.utcb(SCRATCH), n, ecs.stackTop(SCRATCH), 0),
      Status.BAD_CPU,
    ) &&
      isStatus(
        createEc(SCRATCH_SEL, 2, ROOT_OBJ_ROOT_PD, ecs.utcb(SCRATCH), n, ecs.stackTop(SCRATCH), 0),
        Status.BAD_CPU,
      ),
  );

  // §9.3: the NOVA object space's selectors 0…CPUNUM-1 are the idle SCs, CPUNUM is CAP0.
  let readable = true;
  for (let c: u64 = 0; c < idles; c++) {
    readable =
      readable &&
      isStatus(pd(ROOT_OBJ_NOVA_OBJ, ROOT_OBJ, c, 0, idleSc(c), PERM_MASK), Status.SUCCESS) &&
      isStatus(ctrlSc(idleSc(c), time), Status.SUCCESS);
    idle0[c] = time.ticks;
  }
  check("ctrl_sc-idle-sc-every-cpu", readable);
  check(
    "idle-sc-selector-cpunum-cap0",
    isStatus(pd(ROOT_OBJ_NOVA_OBJ, ROOT_OBJ, n, 0, BEYOND_IDLE, PERM_MASK), Status.SUCCESS) &&
      isStatus(ctrlSc(BEYOND_IDLE, time), Status.BAD_CAP),
  );

  // A handler and a global EC with its SC on every CPU: each reports in from its CPU.
  let made = isStatus(createSm(ACK, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS);
  for (let c: u64 = 0; c < used; c++) made = made && perCpu(c);
  check("per-cpu-ecs-created", made);
  let sc = true;
  for (let c: u64 = 0; c < used; c++)
    sc =
      sc &&
      isStatus(
        createSc(scOf(c), ROOT_OBJ_ROOT_PD, ecs.sel(globalEc(c)), scd(5, 10, 0)),
        Status.SUCCESS,
      );
  let acks: u64 = 0;
  for (let c: u64 = 0; c < used; c++)
    if (smDown(ACK, false, msFromNow(2000)) === Status.SUCCESS) acks++;
  let ran = sc && isValue(acks, used);
  for (let c: u64 = 0; c < used; c++)
    ran =
      ran && isValue(started[c].load(), 1) && isValue(shared().get(usize(RAN_SLOTS + c)), RAN | c);
  check("global-ec-ran-on-every-cpu", ran);
  // Each ran where it was created: as many APIC ids as CPUs, the root's on CPUBSP.
  let distinct = ran;
  for (let a: u64 = 0; a < used; a++)
    for (let b: u64 = a + 1; b < used; b++)
      distinct = distinct && isNot(apicOf[a].load(), apicOf[b].load());
  const bsp = u64(h.cpuBsp);
  check(
    "global-ecs-on-distinct-cpus",
    distinct && (atLeast(bsp, used) || isValue(apicOf[bsp].load(), apicId())),
  );
  for (let c: u64 = 0; c < used; c++) {
    puts("roottest: CPU ");
    putDec(c);
    puts(" ran its global EC, APIC id ");
    putDec(apicOf[c].load());
    puts("\n");
  }
  // Every CPU idles meanwhile (the root EC sleeps 20 ms; the global ECs wait for commands),
  // then each global EC runs once (a CPU that kept idling is switched away from its idle SC):
  // every idle SC has at least 5 ms more.
  const slept =
    isStatus(createSm(NEVER, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
    isStatus(smDown(NEVER, false, msFromNow(20)), Status.TIMEOUT);
  let pinged = true;
  for (let c: u64 = 0; c < used; c++) pinged = pinged && run1(c, G_PING);
  if (!slept || !pinged) puts("roottest: the 20 ms sleep or a global EC's ping failed\n");
  let grows = slept && pinged;
  for (let c: u64 = 0; c < idles; c++) {
    const st = ctrlSc(idleSc(c), time);
    const read = st === Status.SUCCESS;
    grows =
      grows && isStatus(st, Status.SUCCESS) && atLeast(time.ticks, idle0[c] + ticksPerMs() * 5);
    puts("roottest: idle SC of CPU ");
    putDec(c);
    puts(": ");
    putDec(read ? (time.ticks - idle0[c]) / ticksPerMs() : 0);
    puts(" ms more\n");
  }
  check("idle-sc-time-grows-every-cpu", grows);

  // assign_int (§10.3): CPU CPUNUM does not exist.
  const intSel = NOVA_OBJ_INT_SM + u64(h.intPin) + 1;
  check(
    "assign_int-bad_cpu-cpunum",
    isStatus(pd(ROOT_OBJ_NOVA_OBJ, ROOT_OBJ, intSel, 0, INT_SM, PERM_MASK), Status.SUCCESS) &&
      isStatus(assignInt(INT_SM, 0, n, 0, msi), Status.BAD_CPU),
  );

  if (n > REMOTE) {
    crossCpu();
  } else {
    puts("roottest: 1 CPU: the cross-CPU cases (IPC, events, semaphores, recall, ");
    puts("TLB shootdown, interrupts on CPU 1) need a second CPU and were not run\n");
  }
  expectStatus("smp-revoke-range", revoke(SMP_SELS, SMP_ORDER), Status.SUCCESS);
}

function crossCpu(): void {
  const r = REMOTE;
  // IPC (§4.1): a portal's EC must be on the caller's CPU.
  check(
    "ipc_call-portal-on-cpu1-from-cpu0-bad_cpu",
    isStatus(ipcCall(echoPt(r), false, 0, rootOut), Status.BAD_CPU) && isValue(echoes[r].load(), 0),
  );
  check(
    "ipc_call-portal-on-cpu1-from-cpu1",
    run1(r, G_CALL_LOCAL) &&
      isStatus(gstatus[r].load(), Status.SUCCESS) &&
      isValue(echoes[r].load(), 1) &&
      isValue(echoApic[r].load(), apicOf[r].load()),
  );
  check(
    "ipc_call-portal-on-cpu0-from-cpu1-bad_cpu",
    isStatus(ipcCall(echoPt(0), false, 0, rootOut), Status.SUCCESS) &&
      isValue(echoes[0].load(), 1) &&
      run1(r, G_CALL_ROOT_CPU) &&
      isStatus(gstatus[r].load(), Status.BAD_CPU) &&
      isValue(echoes[0].load(), 1),
  );
  // §8.1: an event portal bound to an EC on another CPU is no usable portal: X dies.
  check(
    "event-portal-on-other-cpu-kills",
    isStatus(
      createEc(ecs.sel(X_EC), 0, ROOT_OBJ_ROOT_PD, ecs.utcb(X_EC), r, ecs.stackTop(X_EC), EVT_X),
      Status.SUCCESS,
    ) &&
      ecs.portalOf(EVT_X + 6, handler(0), entry(), pid(OP_UD, handler(0), 0), MTD_RIP) &&
      ecs.portalOf(PT_X, X_EC, linkerSymbol("smp_ud2_entry"), 0, 0) &&
      run1(r, G_CALL_X) &&
      isStatus(gstatus[r].load(), Status.ABORTED) &&
      isValue(udCount.load(), 0),
  );

  // §4.12: an up on CPU 0 wakes an EC blocked on CPU 1, and the other way round.
  check(
    "sm-setup",
    isStatus(createSm(SEM_A, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      isStatus(createSm(SEM_B, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      isStatus(createSm(SEM_C, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      isStatus(createSm(SEM_D, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS),
  );
  gop[r].store(G_DOWN_A);
  gstatus[r].store(0xff);
  check(
    "sm-up-on-cpu0-wakes-down-on-cpu1",
    isStatus(smUp(cmd(r)), Status.SUCCESS) &&
      awaitWaiting(r) &&
      // Still blocked 20 ms later: SEM_B has not come.
      isStatus(smDown(SEM_B, false, msFromNow(20)), Status.TIMEOUT) &&
      isStatus(smUp(SEM_A), Status.SUCCESS) &&
      isStatus(smDown(SEM_B, false, msFromNow(1000)), Status.SUCCESS) &&
      isStatus(gstatus[r].load(), Status.SUCCESS) &&
      isStatus(smDown(ACK, false, msFromNow(1000)), Status.SUCCESS),
  );
  gop[r].store(G_UP_C);
  gstatus[r].store(0xff);
  const t0 = rdtsc();
  const woke =
    isStatus(smUp(cmd(r)), Status.SUCCESS) &&
    isStatus(smDown(SEM_C, false, t0 + ticksPerMs() * 2000), Status.SUCCESS);
  const waited = rdtsc() - t0;
  check(
    "sm-up-on-cpu1-wakes-down-on-cpu0",
    woke &&
      atLeast(waited, ticksPerMs() * 10) &&
      isStatus(smDown(ACK, false, msFromNow(1000)), Status.SUCCESS) &&
      isStatus(gstatus[r].load(), Status.SUCCESS),
  );
  const t1 = rdtsc();
  check(
    "sm-timed-down-on-cpu1-times-out",
    run1(r, G_TIMED_D) &&
      isStatus(gstatus[r].load(), Status.TIMEOUT) &&
      isValue(timedOk[r].load(), 1) &&
      below(rdtsc() - t1, ticksPerMs() * 1000),
  );

  recallCases(r);
  shootdown(r);

  spinnerCase(r);
  foreignShootdown(r);

  // §10.3: an interrupt semaphore assigned to CPU 1 is waited on there, BAD_CPU elsewhere.
  check(
    "assign_int-cpu1-msi-address",
    isStatus(assignInt(INT_SM, 0, r, 0, msi), Status.SUCCESS) &&
      isValue(u64(msi.address), 0xfee0_0000 | (apicOf[r].load() << 12)),
  );
  check(
    "sm-down-interrupt-sm-other-cpu-bad_cpu",
    isStatus(smDown(INT_SM, false, msFromNow(5)), Status.BAD_CPU) &&
      run1(r, G_INT_DOWN) &&
      isStatus(gstatus[r].load(), Status.TIMEOUT),
  );
  check(
    "assign_int-back-to-cpu0",
    isStatus(assignInt(INT_SM, 0, 0, 0, msi), Status.SUCCESS) &&
      isStatus(smDown(INT_SM, false, msFromNow(5)), Status.TIMEOUT),
  );
  // §10.2: the QOS configuration (ctrl_hw OP 4) is once per CPU, not once in all.
  check(
    "ctrl_hw-qos-once-per-cpu",
    run1(r, G_QOS) &&
      isStatus(gstatus[r].load(), Status.SUCCESS) &&
      isStatus(qosAgain[r].load(), Status.ABORTED),
  );
}

const window = new Window();

/** PD3 with object, host and PIO spaces and the root task's image (elf.ts, mapped in place). */
function buildPd3(): bool {
  window.self = ROOT_HST;
  window.nova = NOVA_HST;
  window.va = ELF_VA;
  window.pages = u64(1) << ELF_ORDER;
  const h = hip();
  if (
    !isStatus(createPd(PD3, PdOp.PD, ROOT_OBJ_ROOT_PD), Status.SUCCESS) ||
    !isStatus(createPd(PD3_OBJ, PdOp.OBJ, PD3), Status.SUCCESS) ||
    !isStatus(createPd(PD3_HST, PdOp.HST, PD3), Status.SUCCESS) ||
    !isStatus(createPd(PD3_PIO, PdOp.PIO, PD3), Status.SUCCESS)
  )
    return false;
  // open() says no more than null: that failure has no value to report.
  const image = elf.open(window, h.rootStart, h.rootEnd);
  const loaded =
    image !== null &&
    isValue(elf.load(window, image, h.rootStart, h.rootEnd, PD3_HST), u64(linkerSymbol("_start")));
  return isStatus(pd(ROOT_HST, ROOT_HST, 0, ELF_ORDER, ELF_VA >> 12, 0), Status.SUCCESS) && loaded;
}

/**
 * The shootdown again, in a space the revoking CPU does not have loaded: PD3 (the root task's
 * image shared in place) gets `smp_shared` at VA_SHOOT, a global EC of PD3 on CPU 1 reads it,
 * and the root EC on CPU 0 revokes it in PD3's host space. The reader's #PF portal (in PD3's
 * object space, bound to CPU 1's handler in the root PD) records the fault and kills it.
 */
function foreignShootdown(r: u64): void {
  const h = handler(r);
  const own = u64(linkerSymbol("smp_shared")) >> 12;
  const page = VA_SHOOT >> 12;
  phase3.store(1);
  const built =
    buildPd3() &&
    isStatus(pd(ROOT_HST, PD3_HST, own, 0, page, Perm_mem.R | Perm_mem.W), Status.SUCCESS) &&
    ecs.portalOf(PT_STARTUP3, h, entry(), pid(OP_STARTUP3, h, r), MTD_RIP | MTD_GPR0_7) &&
    ecs.portalOf(PT_PF3, h, entry(), pid(OP_PF3, h, r), MTD_RIP | MTD_QUAL) &&
    isStatus(pd(ROOT_OBJ, PD3_OBJ, PT_STARTUP3, 0, EVT3 + 0x20, PERM_MASK), Status.SUCCESS) &&
    isStatus(pd(ROOT_OBJ, PD3_OBJ, PT_PF3, 0, EVT3 + 0xe, PERM_MASK), Status.SUCCESS) &&
    isStatus(
      createEc(PD3_EC, 2, PD3, PD3_UTCB, r, ecs.stackTop(READER_EC), EVT3),
      Status.SUCCESS,
    ) &&
    isStatus(createSc(PD3_SC, ROOT_OBJ_ROOT_PD, PD3_EC, scd(5, 10, 0)), Status.SUCCESS);
  check("shootdown-pd3-reader-on-cpu1", built && awaitReads3(10000));
  // The reader's death is logged by the kernel on CPU 1 after the handler's ACK: wait for that
  // line (the console semaphore's up follows it) so this CPU's console lines do not cut into it.
  smDown(CONSOLE_SM, true, PAST);
  const st = pd(PD3_HST, PD3_HST, page, 0, page, 0);
  phase3.store(2);
  const before = reads3.load();
  const acked = smDown(ACK, false, msFromNow(1000));
  if (acked !== Status.SUCCESS) phase3.store(3);
  const killed = smDown(CONSOLE_SM, false, msFromNow(1000));
  puts("roottest: shootdown in PD3: ");
  putDec(before);
  puts(" reads before the revocation returned, ");
  putDec(stale3.load());
  puts(" after; #PF at ");
  putHex(pf3Addr.load());
  puts("\n");
  check(
    "shootdown-pd3-reader-faults-no-read-after-revoke",
    built &&
      isStatus(st, Status.SUCCESS) &&
      isStatus(acked, Status.SUCCESS) &&
      isStatus(killed, Status.SUCCESS) &&
      isValue(pf3Count.load(), 1) &&
      isValue(pf3Addr.load(), VA_SHOOT) &&
      isValue(pf3Err.load() & 0x5, 0x4) &&
      isValue(stale3.load(), 0) &&
      isValue(wrong3.load(), 0),
  );
}

/** Waits (at most 1 s) until PD3's reader read `min` times. */
function awaitReads3(min: u64): bool {
  const until = msFromNow(1000);
  while (reads3.load() < min && rdtsc() < until) pause();
  return atLeast(reads3.load(), min);
}

function sleep(ms: u64): bool {
  return isStatus(smDown(NEVER, false, msFromNow(ms)), Status.TIMEOUT);
}

/** Waits (at most 1 s) until the spinner counted to `min`. */
function awaitSpins(min: u64): bool {
  const until = msFromNow(1000);
  while (spins.load() < min && rdtsc() < until) pause();
  return atLeast(spins.load(), min);
}

/** Where the long ctrl_pd puts the NOVA host space's first 2^LONG_ORDER pages in the root's. */
const LONG_VA_PAGE: u64 = 0x100_0000;
const LONG_ORDER: u64 = 19;
/** A ctrl_pd shorter than this says nothing about the pauses (time slices of the emulator's CPUs are as long). */
const LONG_MS: u64 = 100;

/**
 * The spinner's longest pause since it was cleared, once it has counted again: a pause is
 * recorded only when it ends.
 */
function longestPause(): u64 {
  awaitSpins(spins.load() + 1);
  return spinGap.load();
}

/**
 * A ctrl_pd over every page of memory (up to 2^19 pages: 2 GiB, as test/boot/smp-user.test.ts
 * boots it once), its revocation a second one, while the spinner runs on CPU 1, whose timer
 * interrupts take the kernel lock every 10 ms (its SC's budget). The kernel lets another CPU
 * in between slots (mdb.ts delegateRange), so the spinner's longest pause during a ctrl_pd of
 * LONG_MS or more stays below three quarters of it (a loaded host runs CPU 1's thread late at
 * times). When the slow path kept the lock to the end, the pause was the whole ctrl_pd, and
 * the 5 s watchdog stopped the kernel for larger ones.
 */
function pausedLittle(gap: u64, took: u64): bool {
  return took < LONG_MS * ticksPerMs() || below(gap, (took / 4) * 3);
}

function longCtrlPd(): void {
  spinGap.store(0);
  const t0 = rdtsc();
  const given = pd(NOVA_HST, ROOT_HST, 0, LONG_ORDER, LONG_VA_PAGE, Perm_mem.R);
  const t1 = rdtsc();
  const gap1 = longestPause();
  spinGap.store(0);
  const gone = pd(ROOT_HST, ROOT_HST, LONG_VA_PAGE, LONG_ORDER, LONG_VA_PAGE, 0);
  const t2 = rdtsc();
  const gap2 = longestPause();
  const ms = ticksPerMs();
  puts("roottest: ctrl_pd of 2^19 pages ");
  putDec((t1 - t0) / ms);
  puts(" ms (CPU 1 paused at most ");
  putDec(gap1 / ms);
  puts(" ms), its revocation ");
  putDec((t2 - t1) / ms);
  puts(" ms (at most ");
  putDec(gap2 / ms);
  puts(" ms)\n");
  check(
    "ctrl_pd-long-range-lets-cpu1-in",
    isStatus(given, Status.SUCCESS) &&
      isStatus(gone, Status.SUCCESS) &&
      pausedLittle(gap1, t1 - t0) &&
      pausedLittle(gap2, t2 - t1),
  );
  longTeardown();
}

/**
 * The same pages in the host space of a PD of its own, then one ctrl_pd revokes the PD and
 * the space: the space's teardown (in the reap at the end of that ctrl_pd) removes them all,
 * and lets CPU 1 in between slots as well.
 */
function longTeardown(): void {
  const built =
    isStatus(createPd(LONG_PD, 0, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
    isStatus(createPd(LONG_PD + 1, PdOp.HST, LONG_PD), Status.SUCCESS) &&
    isStatus(pd(NOVA_HST, LONG_PD + 1, 0, LONG_ORDER, 0, Perm_mem.R), Status.SUCCESS);
  spinGap.store(0);
  const t0 = rdtsc();
  const gone = revoke(LONG_PD, 1);
  const t1 = rdtsc();
  const gap = longestPause();
  const ms = ticksPerMs();
  puts("roottest: a host space of 2^19 pages torn down in ");
  putDec((t1 - t0) / ms);
  puts(" ms (CPU 1 paused at most ");
  putDec(gap / ms);
  puts(" ms)\n");
  check(
    "space-teardown-lets-cpu1-in",
    built && isStatus(gone, Status.SUCCESS) && pausedLittle(gap, t1 - t0),
  );
}

/**
 * A global EC spinning in ring 3 on CPU 1 is destroyed from CPU 0 (its EC capability, then its
 * SC's, the last reference): it stops for good, and CPU 1 goes on serving its other EC.
 */
function spinnerCase(r: u64): void {
  const started =
    isStatus(
      createEc(
        ecs.sel(SPIN_EC),
        2,
        ROOT_OBJ_ROOT_PD,
        ecs.utcb(SPIN_EC),
        r,
        ecs.stackTop(SPIN_EC),
        EVT_SPIN,
      ),
      Status.SUCCESS,
    ) &&
    ecs.portalOf(
      EVT_SPIN + 0x20,
      handler(r),
      entry(),
      pid(OP_STARTUP_SPIN, handler(r), r),
      MTD_RIP | MTD_GPR0_7,
    ) &&
    isStatus(
      createSc(SPIN_SC, ROOT_OBJ_ROOT_PD, ecs.sel(SPIN_EC), scd(5, 10, 0)),
      Status.SUCCESS,
    ) &&
    awaitSpins(1000);
  longCtrlPd();
  const gone =
    isStatus(revoke(ecs.sel(SPIN_EC), 0), Status.SUCCESS) &&
    isStatus(revoke(SPIN_SC, 0), Status.SUCCESS);
  // CPU 1's other global EC answering a ping after the revoke proves CPU 1 has switched away
  // from the spinner since (a wall-clock wait could not: the host may not run CPU 1's thread
  // for a while); from then on the spinner's count must stay put.
  const pinged = run1(r, G_PING);
  const a = spins.load();
  const still = sleep(20) && isValue(spins.load(), a);
  check("revoke-global-ec-running-on-cpu1", started && gone && pinged && still);
}

/** §4.9: recall of the global EC spinning in ring 3 on CPU 1; its RECALL portal is on CPU 1. */
function recallCases(r: u64): void {
  gop[r].store(G_SPIN);
  check(
    "ctrl_ec-recall-ec-spinning-on-cpu1",
    isStatus(smUp(cmd(r)), Status.SUCCESS) &&
      awaitCount(r, 1000) &&
      isStatus(ctrlEc(ecs.sel(globalEc(r)), false), Status.SUCCESS) &&
      isStatus(smDown(ACK, false, msFromNow(1000)), Status.SUCCESS) &&
      isValue(recalls[r].load(), 1) &&
      isValue(recallApic[r].load(), apicOf[r].load()),
  );
  recalled[r].store(0);
  const base = gcount[r].load();
  gop[r].store(G_SPIN);
  const spinning = isStatus(smUp(cmd(r)), Status.SUCCESS) && awaitCount(r, base + 1000);
  const st = ctrlEc(ecs.sel(globalEc(r)), true);
  // S=1: the EC was in the kernel when ctrl_ec returned and runs no ring-3 code before its
  // RECALL handler, so the count the handler saw is this one (or one less: an increment
  // the recall interrupted completes after the handler).
  const seen = gcount[r].load();
  const done = smDown(ACK, false, msFromNow(1000));
  const atRecall = recallCount[r].load();
  puts("roottest: strong recall: count after ctrl_ec ");
  putDec(seen - base);
  puts(", at the RECALL handler ");
  putDec(atRecall - base);
  puts("\n");
  check(
    "ctrl_ec-strong-recall-ec-spinning-on-cpu1",
    spinning &&
      isStatus(st, Status.SUCCESS) &&
      isStatus(done, Status.SUCCESS) &&
      isValue(recalls[r].load(), 2) &&
      isValue(recallApic[r].load(), apicOf[r].load()) &&
      (isValue(seen, atRecall) || isValue(seen, atRecall + 1)),
  );
  // S=1 on an EC blocked on CPU 1 (in ctrl_sm down): nothing runs there to wait for, so
  // ctrl_ec returns at once; the RECALL event comes when the EC next leaves the kernel.
  const t0 = rdtsc();
  const blocked = ctrlEc(ecs.sel(globalEc(r)), true);
  const took = rdtsc() - t0;
  const before = recalls[r].load();
  check(
    "ctrl_ec-strong-recall-blocked-ec-on-cpu1",
    isStatus(blocked, Status.SUCCESS) &&
      below(took, ticksPerMs() * 500) &&
      isValue(before, 2) &&
      run1(r, G_PING) &&
      isValue(recalls[r].load(), 3),
  );
}

/**
 * TLB shootdown (§4.8 with SMP): the global EC on CPU 1 keeps reading a second mapping of
 * smp_shared; the root EC revokes it and then says so (phase 2). A read that still succeeds
 * after that went through a stale translation; the reader must take a #PF at that address,
 * handled by its portal on CPU 1, which restarts it (its ACK).
 */
function shootdown(r: u64): void {
  const page = VA_SHOOT >> 12;
  const own = u64(linkerSymbol("smp_shared")) >> 12;
  shared().set(0, PATTERN);
  check(
    "shootdown-second-mapping",
    isStatus(pd(ROOT_HST, ROOT_HST, own, 0, page, Perm_mem.R | Perm_mem.W), Status.SUCCESS) &&
      isValue(ptrFromVirt<u64>(virt(VA_SHOOT)).loadVolatile(), PATTERN),
  );
  phase.store(1);
  gop[r].store(G_READ);
  const reading = isStatus(smUp(cmd(r)), Status.SUCCESS) && awaitReads(10000);
  const st = pd(ROOT_HST, ROOT_HST, page, 0, page, 0);
  phase.store(2);
  const before = reads.load();
  const ack = smDown(ACK, false, msFromNow(1000));
  if (ack !== Status.SUCCESS) {
    phase.store(3);
    smDown(ACK, false, msFromNow(1000));
  }
  puts("roottest: shootdown: ");
  putDec(before);
  puts(" reads before the revocation returned, ");
  putDec(stale.load());
  puts(" after; #PF at ");
  putHex(pfAddr[r].load());
  puts("\n");
  check(
    "shootdown-reader-on-cpu1-faults",
    reading &&
      isStatus(st, Status.SUCCESS) &&
      isStatus(ack, Status.SUCCESS) &&
      isValue(pfCount[r].load(), 1) &&
      isValue(pfAddr[r].load(), VA_SHOOT) &&
      isValue(pfErr[r].load() & 0x5, 0x4) &&
      isValue(pfApic[r].load(), apicOf[r].load()) &&
      isValue(started[r].load(), 2),
  );
  check(
    "shootdown-no-read-after-revoke",
    reading && isValue(stale.load(), 0) && isValue(wrong.load(), 0),
  );
}
