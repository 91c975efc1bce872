// ECs, portals, SCs, IPC and events (nova-abi.md §4.1, §4.2, §4.4–4.6,
// §4.9–4.11, §6, §7, §8) from ring 3: the root task creates local and global
// ECs in its own PD, each with a UTCB page at UTCB_BASE + k·4K and a stack
// from ec.S (`ec_stacks`, EC_STACK_SIZE each), index k. Local ECs serve
// portals whose IP is an ec.S label; their code is `portal()` below, told by
// the PID what to do (OP_* in bits 7:0, the EC's index in bits 15:8, the
// event vector in bits 23:16). Global ECs start through their STARTUP event
// (handled by the local EC HANDLER) at ec_global_entry, which runs
// `global(k)`.
//
// Blocks: 700 create_ec/create_pt/ctrl_pt, 730 IPC, 750 events and the FPU,
// 770 create_sc/scheduling/ctrl_sc/ctrl_ec. Every wait has a timeout, so a
// kernel bug shows as FAIL. Selectors EC_SELS…+0x3ff, revoked at the end.

import { EC_F, EC_G, EC_T, PdOp } from "../../abi/hypercall.ts";
import { GPR_RBX, GPR_RDI, GPR_RSP } from "../../abi/arch_utcb.ts";
import { MTD_GPR0_7, MTD_GPR8_15, MTD_POISON, MTD_QUAL, MTD_RIP, mtdWords } from "../../abi/mtd.ts";
import { PERM_MASK, Perm_ec, Perm_pd, Perm_pt } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { hostException, hostRecall, hostStartup } from "../../abi/events.ts";
import { UTCB_ADDRESS } from "../../abi/root_pd.ts";
import { scd } from "../../abi/scd.ts";
import {
  ROOT_OBJ_NOVA_OBJ,
  ROOT_OBJ_ROOT_PD,
  ROOT_OBJ_ROOT_SC,
  SELNUM,
} from "../../abi/selectors.ts";
import { hip } from "../nova/hip.ts";
import { FEATURE_SVM, FEATURE_VMX } from "../../abi/hip_page.ts";
import {
  IpcOut,
  ScTime,
  createEc,
  createPd,
  createPt,
  createSc,
  createSm,
  ctrlEc,
  ctrlPt,
  ctrlSc,
  ipcCall,
  smDown,
  smUp,
} from "../nova/hypercall.ts";
import { arch, words } from "../nova/utcb.ts";
import { EcSet, msFromNow } from "./ecs.ts";
import { EC_SELS, EC_ORDER, EMPTY, NOVA_PIO, ROOT_OBJ, ROOT_PIO, copy, pd, revoke } from "./sel.ts";
import * as foreign from "./foreign.ts";
import {
  above,
  atLeast,
  below,
  block,
  check,
  expect,
  expectStatus,
  isNot,
  isStatus,
  isValue,
} from "./test.ts";

const UTCB_BASE: u64 = 0x7fff_0000_0000;
const EC_STACK_SIZE: u64 = 4096;

// EC indices (UTCB page and stack).
const HANDLER: u64 = 0;
const WORKER: u64 = 1;
const INNER: u64 = 2;
const FPU_A: u64 = 3;
const FPU_B: u64 = 4;
const VICTIM: u64 = 5;
const POISONED: u64 = 6;
const SPARE: u64 = 7;
const G_FIRST: u64 = 8;
/** The local EC of the portal with a non-canonical IP (nonCanonicalPortalCase). */
const WILD: u64 = 21;
/** Index of failed creates (their UTCB page is never used). */
const SCRATCH: u64 = 23;

// Selectors: objects at EC_SELS + …, event bases above.
const S = EC_SELS;
/** EC k: capability S + k, UTCB page UTCB_BASE + k·4K, stack k of ec.S `ec_stacks` (set in run). */
const ecs = new EcSet();
/** Event base of the local ECs: exception portals bound to HANDLER. */
const EVT_LOCAL: u64 = EC_SELS + 0x100;
/** Event base without any portal: every event kills. */
const EVT_NONE: u64 = EC_SELS + 0x140;
/** Event base of the global ECs: STARTUP, RECALL and #UD bound to HANDLER. */
const EVT_GLOBAL: u64 = EC_SELS + 0x180;
const SEM: u64 = EC_SELS + 0x80;
const DONE: u64 = EC_SELS + 0x81;
/** The semaphore the BLOCK portal's EC waits on while it serves its first call (helping). */
const SEM_B: u64 = EC_SELS + 0x82;

// Portal operations (PID bits 7:0).
const OP_RECORD: u64 = 0;
const OP_ECHO: u64 = 1;
const OP_EVENT: u64 = 2;
const OP_STARTUP: u64 = 3;
const OP_RECALL: u64 = 4;
const OP_NESTED: u64 = 5;
const OP_SELF_T: u64 = 6;
const OP_BLOCK: u64 = 7;

// Global EC operations (`gop[k]`).
const G_LOG: u64 = 0;
const G_SPIN: u64 = 1;
const G_WAIT_RECALL: u64 = 2;
const G_CALL_BLOCKER: u64 = 3;
const G_UP_BLOCKER: u64 = 4;
const G_REVOKE_SELF: u64 = 5;

/** What the ECs saw; the root task sets the inputs and checks the outputs. */
class Seen {
  pid: u64;
  mtd: u64;
  rsp: u64;
  calls: u64;
  /** ECHO: how many of the words the callee got were not `pattern + i`. */
  wordsBad: u64;
  pattern: u64;
  /** Reply MTD of ECHO (0x1000 = the call's own). */
  replyWords: u32;
  /** EVENT: vector (PID), the UTCB's RIP/QUAL/GPRs. */
  vector: u64;
  rip: u64;
  qual0: u64;
  qual1: u64;
  rbx: u64;
  r15: u64;
  ursp: u64;
  events: u64;
  /** EVENT: bytes to skip and the reply MTD; rbx written back when GPR0-7 is in it. */
  skip: u64;
  eventReply: u32;
  newRbx: u64;
  /** STARTUP: the RIP and RSP the new global EC reported. */
  startRip: u64;
  startRsp: u64;
  startups: u64;
  /** NESTED / SELF_T: the portal to call and the status. */
  target: u64;
  status: u32;
  recalls: u64;
  stop: bool;
  blockFirst: bool;
  last: u64;
  switches: u64;
}

const seen = new Seen();
const out = new IpcOut();
const time = new ScTime();
/** Per global EC: its operation, start RIP (0 = ec_global_entry), counters, recall seen. */
const gop = array<u64, 24>();
const grip = array<u64, 24>();
const gcount = array<u64, 24>();
const grecalled = array<bool, 24>();
const gstatus = array<u32, 24>();
const gout = new IpcOut();
/** Order in which global ECs ran (G_LOG). */
const order = array<u64, 16>();
let orderLen: usize = 0;

function pid(op: u64, k: u64, tag: u64): u64 {
  return op | (k << 8) | (tag << 16);
}

function symbol(v: Virt): u64 {
  return u64(v);
}

/** Portal code of every local EC (ec.S ec_portal_entry): returns the reply MTD. */
export function portal(p: u64, mtd: u64, rsp: u64): u64 {
  const op = p & 0xff;
  const k = (p >> 8) & 0xff;
  seen.calls++;
  if (op === OP_RECORD || op === OP_ECHO) {
    seen.pid = p;
    seen.mtd = mtd;
    seen.rsp = rsp;
  }
  if (op === OP_ECHO) return echo(k, mtd);
  if (op === OP_EVENT) return event(k, (p >> 16) & 0xff);
  if (op === OP_STARTUP) return startup(k);
  if (op === OP_RECALL) {
    const a = arch(ecs.utcb(k));
    grecalled[ecs.indexOf(a.gpr[GPR_RSP])] = true;
    seen.recalls++;
    return 0;
  }
  if (op === OP_NESTED) {
    // This EC's UTCB words 0…1 go on to the target and its reply comes back.
    seen.status = ipcCall(seen.target, false, mtdWords(2), out);
    return u64(mtdWords(2));
  }
  if (op === OP_SELF_T) seen.status = ipcCall(seen.target, true, 0, out);
  if (op === OP_BLOCK) return blocking(k);
  if (op === foreign.OP_FOREIGN) return foreign.probe();
  return 0;
}

/** Who the BLOCK portal served, in order (each caller puts its id in UTCB word 0). */
const served = array<u64, 4>();
let servedLen: usize = 0;
/** ROOT's id in `served` (global ECs use their index). */
const ROOT_ID: u64 = 0xff;

/** BLOCK: records the caller; on the first call blocks on SEM_B, so the EC is busy meanwhile. */
function blocking(k: u64): u64 {
  if (servedLen < served.length) served[servedLen] = words(ecs.utcb(k)).get(0);
  servedLen++;
  if (seen.blockFirst) {
    seen.blockFirst = false;
    seen.status = smDown(SEM_B, false, msFromNow(300));
  }
  return 0;
}

/** ECHO: checks the words against the pattern, complements them, replies. */
function echo(k: u64, mtd: u64): u64 {
  const n = (mtd & 0x1ff) + 1;
  const w = words(ecs.utcb(k));
  let bad: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    if (w.get(usize(i)) !== seen.pattern + i) bad++;
    w.set(usize(i), ~w.get(usize(i)));
  }
  seen.wordsBad = bad;
  return seen.replyWords === 0x1000 ? mtd : u64(seen.replyWords);
}

/** EVENT: records the state in the handler's UTCB, skips the instruction. */
function event(k: u64, vector: u64): u64 {
  const a = arch(ecs.utcb(k));
  seen.events++;
  seen.vector = vector;
  seen.rip = a.rip;
  seen.qual0 = a.qual[0];
  seen.qual1 = a.qual[1];
  seen.rbx = a.gpr[GPR_RBX];
  seen.r15 = a.gpr[15];
  seen.ursp = a.gpr[GPR_RSP];
  a.rip = a.rip + seen.skip;
  a.gpr[GPR_RBX] = seen.newRbx;
  return u64(seen.eventReply);
}

/** STARTUP of global EC (index from its RSP = sp): RIP and RDI = its index. */
function startup(k: u64): u64 {
  const a = arch(ecs.utcb(k));
  seen.startups++;
  seen.startRip = a.rip;
  seen.startRsp = a.gpr[GPR_RSP];
  const g = ecs.indexOf(a.gpr[GPR_RSP]);
  a.rip = grip[g] !== 0 ? grip[g] : symbol(linkerSymbol("ec_global_entry"));
  a.gpr[GPR_RDI] = g;
  return u64(MTD_RIP | MTD_GPR0_7);
}

/** A global EC's code after STARTUP (ec.S ec_global_entry). */
export function global(k: u64): void {
  const op = gop[k];
  if (op === G_LOG) {
    if (orderLen < order.length) order[orderLen] = k;
    orderLen++;
    smUp(SEM);
    return;
  }
  if (op === G_CALL_BLOCKER) {
    words(ecs.utcb(k)).set(0, k);
    gstatus[k] = ipcCall(PT_BLOCK, false, 0, gout);
    smUp(DONE);
    return;
  }
  if (op === G_REVOKE_SELF) {
    // Its own capability goes first (its SC still runs it), then, as its last act, its SC's:
    // the EC is destroyed under its own hypercall.
    gstatus[k] = revoke(ecs.sel(k), 0);
    smUp(DONE);
    revoke(SELF_SC, 0);
    gcount[k]++;
    return;
  }
  if (op === G_UP_BLOCKER) {
    smUp(SEM_B);
    return;
  }
  if (op === G_SPIN) {
    while (!seen.stop) {
      barrier(); // the root EC sets `stop`
      gcount[k]++;
      if (seen.last !== k) {
        seen.last = k;
        seen.switches++;
      }
    }
  }
  if (op === G_WAIT_RECALL)
    while (!grecalled[k]) {
      barrier(); // the RECALL handler sets it
      gcount[k]++;
    }
  smUp(DONE);
}

/** A local EC k (flags F or 0) in the root PD with event base `evt`. */
function local(k: u64, flags: u64, evt: u64): u32 {
  return createEc(ecs.sel(k), flags, ROOT_OBJ_ROOT_PD, ecs.utcb(k), 0, ecs.stackTop(k), evt);
}

function entry(): Virt {
  return linkerSymbol("ec_portal_entry");
}

export function run(): void {
  ecs.init(EC_SELS, UTCB_BASE, linkerSymbol("ec_stacks"), EC_STACK_SIZE);
  block(700);
  createEcCases();
  block(730);
  ipcCases();
  block(750);
  eventCases();
  block(770);
  scCases();
  helpingCases();
  ntCases();
  cr2Cases();
  acCase();
  ioBitmapCases();
  nonCanonicalPortalCase();
  expectStatus("ec-revoke-range", revoke(EC_SELS, EC_ORDER), Status.SUCCESS);
}

// Portals: EC_SELS + 0x20… (index below).
const PT_W = S + 0x20;
const PT_W_REC = S + 0x21;
const PT_I = S + 0x22;
const PT_W_UD = S + 0x23;
const PT_W_DE = S + 0x24;
const PT_W_PF = S + 0x25;
const PT_W_NM = S + 0x26;
const PT_W_BP = S + 0x31;
const PT_BLOCK = S + 0x32;
const PT_W_AC = S + 0x33;
const PT_W_IO = S + 0x34;
/** A PD and its PIO space (which needs its host space), whose destruction takes a port of the root's along. */
const IO_PD = S + 0x70;
const IO_PIO = S + 0x71;
const IO_HST = S + 0x72;
/** The port ec.S's `ec_out_entry` writes (a DMA page register: harmless on the PC). */
const IO_PORT: u64 = 0x84;
const PT_A_SET = S + 0x27;
const PT_A_GET = S + 0x28;
const PT_B_SET = S + 0x29;
const PT_B_GET = S + 0x2a;
const PT_V_UD = S + 0x2b;
const PT_P_UD = S + 0x2c;
const PT_W_NEST = S + 0x2d;
const PT_W_SELF = S + 0x2e;
const PT_SPARE = S + 0x2f;
const SCRATCH_SEL = S + 0x7f;

function createEcCases(): void {
  const hva = ecs.utcb(SCRATCH);
  const sp = ecs.stackTop(SCRATCH);
  check(
    "create_ec-bad_par-utcb-above-user",
    isStatus(
      createEc(SCRATCH_SEL, 0, ROOT_OBJ_ROOT_PD, 0x8000_0000_0000, 0, sp, 0),
      Status.BAD_PAR,
    ) && isStatus(createEc(SCRATCH_SEL, 0, EMPTY, 0xffff_ffff_ffff_f000, 0, sp, 0), Status.BAD_PAR),
  );
  check(
    "create_ec-bad_cpu",
    isStatus(
      createEc(SCRATCH_SEL, 0, ROOT_OBJ_ROOT_PD, hva, u64(hip().cpuNum), sp, 0),
      Status.BAD_CPU,
    ) && isStatus(createEc(SCRATCH_SEL, EC_T, EMPTY, hva, 0xfff, sp, 0), Status.BAD_CPU),
  );
  check(
    "create_ec-bad_cap-pd-without-ec",
    isStatus(copy(ROOT_OBJ_ROOT_PD, S + 0x60, PERM_MASK & ~Perm_pd.EC), Status.SUCCESS) &&
      isStatus(createEc(SCRATCH_SEL, 0, S + 0x60, hva, 0, sp, 0), Status.BAD_CAP),
  );
  check(
    "create_ec-bad_cap-pd-not-pd",
    isStatus(createEc(SCRATCH_SEL, 0, ROOT_OBJ, hva, 0, sp, 0), Status.BAD_CAP) &&
      isStatus(createEc(SCRATCH_SEL, 0, EMPTY, hva, 0, sp, 0), Status.BAD_CAP) &&
      isStatus(createEc(SCRATCH_SEL, 0, SELNUM, hva, 0, sp, 0), Status.BAD_CAP),
  );
  // A vCPU where the HIP has neither VMX nor SVM (BAD_FTR); with one (-cpu max, Bochs) a vCPU
  // is made and revoked again (user/vmmtest runs guests).
  const vcpus = (hip().features & (FEATURE_SVM | FEATURE_VMX)) !== 0;
  check(
    "create_ec-vcpu-bad_ftr-without-vmx-svm",
    isStatus(
      createEc(SCRATCH_SEL, EC_G, ROOT_OBJ_ROOT_PD, hva, 0, sp, 0),
      vcpus ? Status.SUCCESS : Status.BAD_FTR,
    ) && isStatus(revoke(SCRATCH_SEL, 0), Status.SUCCESS),
  );
  check(
    "create_ec-aborted-pd-without-spaces",
    isStatus(createPd(S + 0x61, PdOp.PD, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
      isStatus(createEc(SCRATCH_SEL, 0, S + 0x61, hva, 0, sp, 0), Status.ABORTED) &&
      isStatus(createEc(SCRATCH_SEL, EC_T, S + 0x61, hva, 0, sp, 0), Status.ABORTED),
  );
  check(
    "create_ec-local-success",
    isStatus(local(HANDLER, 0, EVT_NONE), Status.SUCCESS) &&
      isStatus(local(WORKER, 0, EVT_LOCAL), Status.SUCCESS) &&
      isStatus(local(INNER, 0, EVT_LOCAL), Status.SUCCESS),
  );
  check(
    "create_ec-bad_cap-sel-occupied",
    isStatus(createEc(ecs.sel(WORKER), 0, ROOT_OBJ_ROOT_PD, hva, 0, sp, 0), Status.BAD_CAP) &&
      isStatus(createEc(ROOT_OBJ_ROOT_PD, EC_T, ROOT_OBJ_ROOT_PD, hva, 0, sp, 0), Status.BAD_CAP),
  );
  check(
    "create_ec-local-fpu-success",
    isStatus(local(FPU_A, EC_F, EVT_LOCAL), Status.SUCCESS) &&
      isStatus(local(FPU_B, EC_F, EVT_LOCAL), Status.SUCCESS) &&
      isStatus(local(VICTIM, 0, EVT_NONE), Status.SUCCESS) &&
      isStatus(local(POISONED, 0, EVT_LOCAL), Status.SUCCESS),
  );
  expectStatus(
    "create_ec-global-success",
    createEc(
      ecs.sel(G_FIRST),
      EC_T,
      ROOT_OBJ_ROOT_PD,
      ecs.utcb(G_FIRST),
      0,
      ecs.stackTop(G_FIRST),
      EVT_GLOBAL,
    ),
    Status.SUCCESS,
  );
  check(
    "create_ec-utcb-mapped-zeroed",
    isValue(words(ecs.utcb(WORKER)).get(0), 0) &&
      isValue(words(ecs.utcb(WORKER)).get(511), 0) &&
      isValue(words(ecs.utcb(G_FIRST)).get(100), 0),
  );
  check(
    "create_ec-via-pd-with-ec-only",
    isStatus(copy(ROOT_OBJ_ROOT_PD, S + 0x62, Perm_pd.EC), Status.SUCCESS) &&
      isStatus(
        createEc(ecs.sel(SPARE), 0, S + 0x62, ecs.utcb(SPARE), 0, ecs.stackTop(SPARE), EVT_NONE),
        Status.SUCCESS,
      ),
  );

  // create_pt (§4.6).
  expectStatus(
    "create_pt-bad_cap-global-ec",
    createPt(PT_SPARE, ROOT_OBJ_ROOT_PD, ecs.sel(G_FIRST), u64(entry())),
    Status.BAD_CAP,
  );
  check(
    "create_pt-bad_cap-ec-without-bindpt",
    isStatus(copy(ecs.sel(WORKER), S + 0x63, Perm_ec.DEFINED & ~Perm_ec.BIND_PT), Status.SUCCESS) &&
      isStatus(createPt(PT_SPARE, ROOT_OBJ_ROOT_PD, S + 0x63, u64(entry())), Status.BAD_CAP),
  );
  check(
    "create_pt-bad_cap-pd-without-pt",
    isStatus(copy(ROOT_OBJ_ROOT_PD, S + 0x64, PERM_MASK & ~Perm_pd.PT), Status.SUCCESS) &&
      isStatus(createPt(PT_SPARE, S + 0x64, ecs.sel(WORKER), u64(entry())), Status.BAD_CAP),
  );
  check(
    "create_pt-bad_cap-not-ec-not-pd",
    isStatus(
      createPt(PT_SPARE, ROOT_OBJ_ROOT_PD, ROOT_OBJ_ROOT_PD, u64(entry())),
      Status.BAD_CAP,
    ) &&
      isStatus(createPt(PT_SPARE, ROOT_OBJ_ROOT_PD, EMPTY, u64(entry())), Status.BAD_CAP) &&
      isStatus(createPt(PT_SPARE, ecs.sel(WORKER), ecs.sel(WORKER), u64(entry())), Status.BAD_CAP),
  );
  check(
    "create_pt-success-ec-with-bindpt-only",
    isStatus(copy(ecs.sel(WORKER), S + 0x65, Perm_ec.BIND_PT), Status.SUCCESS) &&
      isStatus(createPt(PT_W_REC, ROOT_OBJ_ROOT_PD, S + 0x65, u64(entry())), Status.SUCCESS),
  );
  expectStatus(
    "create_pt-bad_cap-sel-occupied",
    createPt(PT_W_REC, ROOT_OBJ_ROOT_PD, ecs.sel(WORKER), u64(entry())),
    Status.BAD_CAP,
  );
  // A new portal has PID 0 (OP_RECORD) and its callee starts at sp.
  seen.pid = 0xdead;
  check(
    "create_pt-pid-0-callee-starts-at-sp",
    isStatus(ipcCall(PT_W_REC, false, 0, out), Status.SUCCESS) &&
      isValue(seen.pid, 0) &&
      isValue(seen.rsp, ecs.stackTop(WORKER)) &&
      isValue(seen.mtd, 0),
  );
  // Perms 0x07: CTRL = ctrl_pt, CALL = ipc_call.
  check(
    "create_pt-perms-call-only",
    isStatus(copy(PT_W_REC, S + 0x66, Perm_pt.CALL), Status.SUCCESS) &&
      isStatus(ipcCall(S + 0x66, false, 0, out), Status.SUCCESS) &&
      isStatus(ctrlPt(S + 0x66, 0, 0), Status.BAD_CAP),
  );
  check(
    "create_pt-perms-ctrl-event-no-call",
    isStatus(copy(PT_W_REC, S + 0x67, Perm_pt.CTRL | Perm_pt.EVENT), Status.SUCCESS) &&
      isStatus(ipcCall(S + 0x67, false, 0, out), Status.BAD_CAP) &&
      isStatus(ctrlPt(S + 0x67, 0, 0), Status.SUCCESS),
  );
  check(
    "ctrl_pt-sets-pid",
    isStatus(
      ctrlPt(PT_W_REC, pid(OP_RECORD, WORKER, 0) | (u64(0xabcdef) << 32), 0),
      Status.SUCCESS,
    ) &&
      isStatus(ipcCall(PT_W_REC, false, 0, out), Status.SUCCESS) &&
      isValue(seen.pid, (u64(0xabcdef) << 32) | (WORKER << 8)),
  );
  check(
    "ctrl_pt-bad_cap",
    isStatus(ctrlPt(ROOT_OBJ_ROOT_PD, 0, 0), Status.BAD_CAP) &&
      isStatus(ctrlPt(EMPTY, 0, 0), Status.BAD_CAP) &&
      isStatus(ctrlPt(ecs.sel(WORKER), 0, 0), Status.BAD_CAP),
  );
  // SPARE only: a recalled local EC raises RECALL at its next call (no portal: it dies).
  check(
    "create_ec-perms-0x0d",
    isStatus(copy(ecs.sel(SPARE), S + 0x68, 0x12), Status.SUCCESS) &&
      isStatus(ctrlEc(S + 0x68, false), Status.BAD_CAP) &&
      isStatus(createPt(PT_SPARE, ROOT_OBJ_ROOT_PD, S + 0x68, u64(entry())), Status.BAD_CAP) &&
      isStatus(copy(ecs.sel(SPARE), S + 0x69, Perm_ec.CTRL), Status.SUCCESS) &&
      isStatus(ctrlEc(S + 0x69, false), Status.SUCCESS),
  );
}

/** Root's UTCB words 0…511 = pattern + i; the callee's = sentinel. */
function fill(pattern: u64, k: u64, sentinel: u64): void {
  const r = words(UTCB_ADDRESS);
  const c = words(ecs.utcb(k));
  for (let i: usize = 0; i < 512; i++) {
    r.set(i, pattern + u64(i));
    c.set(i, sentinel);
  }
  seen.pattern = pattern;
}

/** Words [from, to) of the UTCB at `va` are `pattern + i`, or ~(pattern + i) when `neg`. */
function wordsAre(va: u64, from: usize, to: usize, pattern: u64, neg: bool): bool {
  const w = words(va);
  for (let i = from; i < to; i++) {
    const want = neg ? ~(pattern + u64(i)) : pattern + u64(i);
    if (!isValue(w.get(i), want)) return false;
  }
  return true;
}

function allAre(va: u64, from: usize, to: usize, v: u64): bool {
  const w = words(va);
  for (let i = from; i < to; i++) if (!isValue(w.get(i), v)) return false;
  return true;
}

function ipcCases(): void {
  const root = UTCB_ADDRESS;
  const sentinel: u64 = 0x5e5e_5e5e;
  check("ipc-portals", ecs.portalOf(PT_W, WORKER, entry(), pid(OP_ECHO, WORKER, 0), 0));
  seen.replyWords = 0x1000;
  fill(0x1000, WORKER, sentinel);
  check(
    "ipc_call-1-word",
    isStatus(ipcCall(PT_W, false, mtdWords(1), out), Status.SUCCESS) &&
      isValue(seen.wordsBad, 0) &&
      allAre(ecs.utcb(WORKER), 1, 512, sentinel) &&
      wordsAre(root, 0, 1, 0x1000, true) &&
      wordsAre(root, 1, 512, 0x1000, false) &&
      isValue(out.mtd, 0),
  );
  check(
    "ipc_call-callee-rdi-pid-rsi-mtd",
    isValue(seen.pid, pid(OP_ECHO, WORKER, 0)) && isValue(seen.mtd, 0),
  );
  fill(0x2000, WORKER, sentinel);
  check(
    "ipc_call-512-words",
    isStatus(ipcCall(PT_W, false, mtdWords(512), out), Status.SUCCESS) &&
      isValue(seen.wordsBad, 0) &&
      isValue(seen.mtd, 511) &&
      wordsAre(root, 0, 512, 0x2000, true) &&
      isValue(out.mtd, 511),
  );
  fill(0x3000, WORKER, sentinel);
  check(
    "ipc_call-mtd-high-bits-ignored",
    isStatus(ipcCall(PT_W, false, 0xffff_fe00 | 2, out), Status.SUCCESS) &&
      isValue(seen.wordsBad, 0) &&
      isValue(seen.mtd, 0xffff_fe02) &&
      isValue(words(ecs.utcb(WORKER)).get(3), sentinel) &&
      wordsAre(root, 0, 3, 0x3000, true) &&
      wordsAre(root, 3, 512, 0x3000, false) &&
      isValue(out.mtd, 0xffff_fe02),
  );
  fill(0x4000, WORKER, sentinel);
  seen.replyWords = 511;
  check(
    "ipc_reply-512-words-to-1-word-call",
    isStatus(ipcCall(PT_W, false, 0, out), Status.SUCCESS) &&
      isValue(out.mtd, 511) &&
      wordsAre(root, 0, 1, 0x4000, true) &&
      allAre(root, 1, 512, sentinel),
  );
  fill(0x5000, WORKER, sentinel);
  seen.replyWords = 0xffff_0000;
  check(
    "ipc_reply-mtd-high-bits-ignored",
    isStatus(ipcCall(PT_W, false, mtdWords(4), out), Status.SUCCESS) &&
      isValue(out.mtd, 0xffff_0000) &&
      wordsAre(root, 0, 1, 0x5000, true) &&
      wordsAre(root, 1, 512, 0x5000, false),
  );
  seen.replyWords = 0x1000;
  expect("ipc_call-callee-rsp-preserved", seen.rsp, ecs.stackTop(WORKER));
  check(
    "ipc_call-bad_cap-without-call",
    isStatus(copy(PT_W, S + 0x6a, Perm_pt.CTRL | Perm_pt.EVENT), Status.SUCCESS) &&
      isStatus(ipcCall(S + 0x6a, false, 0, out), Status.BAD_CAP),
  );
  check(
    "ipc_call-bad_cap-not-pt",
    isStatus(ipcCall(ROOT_OBJ_ROOT_PD, false, 0, out), Status.BAD_CAP) &&
      isStatus(ipcCall(ecs.sel(WORKER), false, 0, out), Status.BAD_CAP) &&
      isStatus(ipcCall(ROOT_OBJ, false, 0, out), Status.BAD_CAP),
  );
  check(
    "ipc_call-bad_cap-cap0",
    isStatus(ipcCall(EMPTY, false, 0, out), Status.BAD_CAP) &&
      isStatus(ipcCall(SELNUM, true, 0, out), Status.BAD_CAP),
  );
  // Nested: root → WORKER → INNER; WORKER passes its words 0…1 on.
  seen.target = PT_I;
  const calls = seen.calls;
  fill(0x6000, WORKER, sentinel);
  check(
    "ipc_call-nested",
    ecs.portalOf(PT_I, INNER, entry(), pid(OP_ECHO, INNER, 0), 0) &&
      ecs.portalOf(PT_W_NEST, WORKER, entry(), pid(OP_NESTED, WORKER, 0), 0) &&
      isStatus(ipcCall(PT_W_NEST, false, mtdWords(2), out), Status.SUCCESS) &&
      isStatus(seen.status, Status.SUCCESS) &&
      isValue(seen.calls, calls + 2) &&
      isValue(out.mtd, 1) &&
      // WORKER got root's words 0…1 and passed them on; INNER complemented them.
      wordsAre(root, 0, 2, 0x6000, true) &&
      wordsAre(root, 2, 512, 0x6000, false),
  );
  seen.target = PT_W_SELF;
  check(
    "ipc_call-timeout-t1-busy",
    ecs.portalOf(PT_W_SELF, WORKER, entry(), pid(OP_SELF_T, WORKER, 0), 0) &&
      isStatus(ipcCall(PT_W_SELF, false, 0, out), Status.SUCCESS) &&
      isStatus(seen.status, Status.TIMEOUT),
  );
  check(
    "ipc_call-t1-idle-success",
    isStatus(ipcCall(PT_W_REC, true, 0, out), Status.SUCCESS) && isValue(out.mtd & 0x1ff, 0),
  );
}

/** Sets what the event handler does, then calls `pt`: its status. */
function fault(pt: u64, skip: u64, reply: u32): u32 {
  seen.skip = skip;
  seen.eventReply = reply;
  seen.vector = 0xff;
  return ipcCall(pt, false, 0, out);
}

/**
 * An event handler that replies with RFLAGS.NT set. The kernel resumes the
 * faulting EC by IRETQ, which raises #GP in 64-bit mode while NT is set: had
 * the kernel kept the handler's NT from its SYSCALL (FMASK clears it), its
 * own IRETQ would fault and the worker would die for it (ABORTED), or the root
 * EC, whichever the kernel resumed next.
 */
function ntCases(): void {
  const ip = linkerSymbol("ec_nt_portal_entry");
  check(
    "event-handler-reply-with-nt",
    isStatus(revoke(EVT_LOCAL + 6, 0), Status.SUCCESS) &&
      ecs.portalOf(EVT_LOCAL + 6, HANDLER, ip, pid(OP_EVENT, HANDLER, 6), MTD_RIP | MTD_QUAL) &&
      isStatus(fault(PT_W_UD, 2, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 6),
  );
  expectStatus("event-after-nt-reply-again", fault(PT_W_UD, 2, MTD_RIP), Status.SUCCESS);
}

/**
 * CR2 reaches an event handler for #PF only (QUAL[1]): for a #UD right after
 * a #PF it is 0, not the CPU's last page-fault address, which could have been
 * another PD's.
 */
function cr2Cases(): void {
  check(
    "event-ud-after-pf-no-cr2",
    isStatus(fault(PT_W_PF, 3, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 14) &&
      isNot(seen.qual1, 0) &&
      isStatus(fault(PT_W_UD, 2, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 6) &&
      isValue(seen.qual1, 0),
  );
}

/**
 * A #UD from ring 3 with RFLAGS.AC set: the entry clears AC, since with SMAP on
 * an AC kept from ring 3 would switch SMAP off in the kernel (exceptions.ts
 * asserts it is clear: without the CLAC the kernel stops here). It tells only
 * where the CPU has SMAP (QEMU -cpu max, Bochs).
 */
function acCase(): void {
  check(
    "event-ud-with-ac-set",
    ecs.portalOf(PT_W_AC, WORKER, linkerSymbol("ec_ac_ud2_entry"), 0, 0) &&
      isStatus(fault(PT_W_AC, 2, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 6),
  );
}

/**
 * A port the root PD got through another PD's PIO space is closed in the CPU's
 * I/O bitmap as soon as that space is destroyed (the revocation takes the
 * root's copy along), not only after some later PIO ctrl_pd. The worker, an
 * EC of the root PD, writes the port; a #GP goes to its event portal, whose
 * handler skips the 2-byte OUT.
 */
function ioBitmapCases(): void {
  check(
    "pio-port-through-another-pds-space",
    isStatus(createPd(IO_PD, PdOp.PD, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
      isStatus(createPd(IO_HST, PdOp.HST, IO_PD), Status.SUCCESS) &&
      isStatus(createPd(IO_PIO, PdOp.PIO, IO_PD), Status.SUCCESS) &&
      isStatus(pd(NOVA_PIO, IO_PIO, IO_PORT, 0, IO_PORT, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(IO_PIO, ROOT_PIO, IO_PORT, 0, IO_PORT, PERM_MASK), Status.SUCCESS) &&
      handles(EVT_LOCAL, 13, OP_EVENT, MTD_RIP | MTD_QUAL) &&
      ecs.portalOf(PT_W_IO, WORKER, linkerSymbol("ec_out_entry"), 0, 0) &&
      isStatus(fault(PT_W_IO, 2, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 0xff),
  );
  check(
    "pio-port-closed-when-its-space-is-destroyed",
    isStatus(revoke(IO_PD, 2), Status.SUCCESS) &&
      isStatus(fault(PT_W_IO, 2, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 13),
  );
}

/**
 * A portal whose IP is not canonical (create_pt takes any IP). The kernel enters its EC by
 * IRETQ, not SYSRETQ (which would raise #GP in ring 0 with the user's stack on Intel CPUs), and
 * that IRETQ's #GP becomes the EC's #GP event at the portal's IP. The handler's POISON reply
 * kills it: the call is ABORTED. Runs after ioBitmapCases, which binds EVT_LOCAL + 13.
 */
function nonCanonicalPortalCase(): void {
  const wild: u64 = 0x8000_0000_0000;
  check(
    "portal-non-canonical-ip-gp-event",
    isStatus(local(WILD, 0, EVT_LOCAL), Status.SUCCESS) &&
      ecs.portalOf(S + 0x35, WILD, virt(wild), 0, 0) &&
      isStatus(fault(S + 0x35, 0, MTD_POISON), Status.ABORTED) &&
      isValue(seen.vector, 13) &&
      isValue(seen.rip, wild),
  );
}

/** Event portal at EVT_LOCAL + vector bound to HANDLER with `mtd`. */
function handles(base: u64, vector: u64, op: u64, mtd: u32): bool {
  return ecs.portalOf(base + vector, HANDLER, entry(), pid(op, HANDLER, vector), mtd);
}

function eventCases(): void {
  const all = MTD_GPR0_7 | MTD_GPR8_15 | MTD_RIP | MTD_QUAL;
  const ud = u64(linkerSymbol("ec_ud2_fault"));
  check(
    "event-portals",
    handles(EVT_LOCAL, 6, OP_EVENT, all) &&
      handles(EVT_LOCAL, 0, OP_EVENT, MTD_RIP | MTD_QUAL) &&
      handles(EVT_LOCAL, 14, OP_EVENT, MTD_RIP | MTD_QUAL) &&
      handles(EVT_LOCAL, 7, OP_EVENT, MTD_RIP) &&
      handles(EVT_LOCAL, 3, OP_EVENT, MTD_RIP | MTD_QUAL) &&
      ecs.portalOf(PT_W_BP, WORKER, linkerSymbol("ec_bp_entry"), 0, 0) &&
      ecs.portalOf(PT_W_UD, WORKER, linkerSymbol("ec_ud2_entry"), 0, 0) &&
      ecs.portalOf(PT_W_DE, WORKER, linkerSymbol("ec_div_entry"), 0, 0) &&
      ecs.portalOf(PT_W_PF, WORKER, linkerSymbol("ec_pf_entry"), 0, 0) &&
      ecs.portalOf(PT_W_NM, WORKER, linkerSymbol("ec_sse_get_entry"), 0, 0),
  );
  const events = seen.events;
  seen.newRbx = 0x77;
  check(
    "event-ud-local-skip-rip",
    isStatus(fault(PT_W_UD, 2, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.events, events + 1) &&
      isValue(seen.vector, 6) &&
      isValue(seen.rip, ud),
  );
  check(
    "event-ud-gprs-per-mtd",
    isValue(seen.rbx, 0x1111_2222_3333_4444) &&
      isValue(seen.r15, 0x5555) &&
      isValue(seen.ursp, ecs.stackTop(WORKER)),
  );
  expect("event-ud-qual-error-0", seen.qual0, 0);
  expect(
    "event-reply-without-gpr-keeps-rbx",
    ptrFromVirt<u64>(linkerSymbol("ec_after_rbx")).load(),
    0x1111_2222_3333_4444,
  );
  check(
    "event-reply-gpr-writes-rbx",
    isStatus(fault(PT_W_UD, 2, MTD_RIP | MTD_GPR0_7), Status.SUCCESS) &&
      isValue(ptrFromVirt<u64>(linkerSymbol("ec_after_rbx")).load(), 0x77),
  );
  check(
    "event-de",
    isStatus(fault(PT_W_DE, 3, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 0) &&
      isValue(seen.rip, u64(linkerSymbol("ec_div_fault"))) &&
      isValue(seen.qual0, 0),
  );
  // The #DE portal's MTD has no GPR0-7: the handler's UTCB RBX keeps what was there.
  arch(ecs.utcb(HANDLER)).gpr[GPR_RBX] = 0xabc;
  check(
    "event-portal-mtd-selects-state",
    isStatus(fault(PT_W_DE, 3, MTD_RIP), Status.SUCCESS) && isValue(seen.rbx, 0xabc),
  );
  const pf = ptrFromVirt<u64>(linkerSymbol("ec_pf_address")).load();
  check(
    "event-pf-qual-cr2",
    isStatus(fault(PT_W_PF, 3, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 14) &&
      isValue(seen.rip, u64(linkerSymbol("ec_pf_fault"))) &&
      isValue(seen.qual1, pf) &&
      isValue(seen.qual0 & 0x7, 0x4),
  );
  // INT3 from ring 3 is #BP itself (its gate has DPL 3), a trap: RIP is the next instruction.
  check(
    "event-bp-int3",
    isStatus(fault(PT_W_BP, 0, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 3) &&
      isValue(seen.rip, u64(linkerSymbol("ec_bp_after"))) &&
      isValue(seen.qual0, 0),
  );
  check(
    "event-nm-without-f",
    isStatus(fault(PT_W_NM, 5, MTD_RIP), Status.SUCCESS) &&
      isValue(seen.vector, 7) &&
      isValue(seen.rip, u64(linkerSymbol("ec_sse_get_entry"))),
  );
  expectStatus("event-worker-still-serves", ipcCall(PT_W_REC, false, 0, out), Status.SUCCESS);

  // Lazy FPU: two ECs with F keep their XMM0.
  const a = pid(OP_RECORD, FPU_A, 0xa1);
  const b = pid(OP_RECORD, FPU_B, 0xb2);
  const sse = ptrFromVirt<u64>(linkerSymbol("ec_sse_value"));
  check(
    "fpu-portals",
    ecs.portalOf(PT_A_SET, FPU_A, linkerSymbol("ec_sse_set_entry"), a, 0) &&
      ecs.portalOf(PT_A_GET, FPU_A, linkerSymbol("ec_sse_get_entry"), 0, 0) &&
      ecs.portalOf(PT_B_SET, FPU_B, linkerSymbol("ec_sse_set_entry"), b, 0) &&
      ecs.portalOf(PT_B_GET, FPU_B, linkerSymbol("ec_sse_get_entry"), 0, 0),
  );
  const events2 = seen.events;
  check(
    "fpu-lazy-switch-keeps-xmm0",
    isStatus(ipcCall(PT_A_SET, false, 0, out), Status.SUCCESS) &&
      isStatus(ipcCall(PT_B_SET, false, 0, out), Status.SUCCESS) &&
      isStatus(ipcCall(PT_A_GET, false, 0, out), Status.SUCCESS) &&
      isValue(sse.load(), a) &&
      isStatus(ipcCall(PT_B_GET, false, 0, out), Status.SUCCESS) &&
      isValue(sse.load(), b) &&
      isStatus(ipcCall(PT_A_GET, false, 0, out), Status.SUCCESS) &&
      isValue(sse.load(), a),
  );
  expect("fpu-with-f-no-nm-event", seen.events, events2);

  // POISON kills the faulting EC: the call is ABORTED, later calls too.
  check(
    "event-poison-kills",
    ecs.portalOf(PT_P_UD, POISONED, linkerSymbol("ec_ud2_entry"), 0, 0) &&
      isStatus(fault(PT_P_UD, 2, MTD_POISON), Status.ABORTED) &&
      isValue(seen.vector, 6),
  );
  expectStatus("ipc_call-aborted-dead-callee", fault(PT_P_UD, 2, MTD_RIP), Status.ABORTED);
  // No event portal: the EC dies while handling the call.
  const events3 = seen.events;
  check(
    "event-no-portal-kills",
    ecs.portalOf(PT_V_UD, VICTIM, linkerSymbol("ec_ud2_entry"), 0, 0) &&
      isStatus(fault(PT_V_UD, 2, MTD_RIP), Status.ABORTED) &&
      isValue(seen.events, events3) &&
      isStatus(fault(PT_V_UD, 2, MTD_RIP), Status.ABORTED),
  );
  check(
    "event-portal-without-event-perm-kills",
    isStatus(copy(EVT_LOCAL + 6, EVT_NONE + 6, Perm_pt.CALL | Perm_pt.CTRL), Status.SUCCESS) &&
      isStatus(
        createEc(
          ecs.sel(SCRATCH - 1),
          0,
          ROOT_OBJ_ROOT_PD,
          ecs.utcb(SCRATCH - 1),
          0,
          ecs.stackTop(SCRATCH - 1),
          EVT_NONE,
        ),
        Status.SUCCESS,
      ) &&
      ecs.portalOf(S + 0x30, SCRATCH - 1, linkerSymbol("ec_ud2_entry"), 0, 0) &&
      isStatus(fault(S + 0x30, 2, MTD_RIP), Status.ABORTED) &&
      isValue(seen.events, events3),
  );
}

function scCases(): void {
  const freq = hip().stcFrequency;
  check(
    "create_sc-bad_par-before-caps",
    isStatus(createSc(SCRATCH_SEL, EMPTY, EMPTY, scd(0, 1, 0)), Status.BAD_PAR) &&
      isStatus(createSc(SCRATCH_SEL, EMPTY, EMPTY, scd(1, 0, 0)), Status.BAD_PAR) &&
      isStatus(createSc(SCRATCH_SEL, EMPTY, EMPTY, scd(1, 1, 1)), Status.BAD_PAR),
  );
  expectStatus(
    "create_sc-bad_cap-local-ec",
    createSc(SCRATCH_SEL, ROOT_OBJ_ROOT_PD, ecs.sel(WORKER), scd(1, 1, 0)),
    Status.BAD_CAP,
  );
  check(
    "create_sc-bad_cap-ec-without-bindsc",
    isStatus(
      copy(ecs.sel(G_FIRST), S + 0x6b, Perm_ec.DEFINED & ~Perm_ec.BIND_SC),
      Status.SUCCESS,
    ) && isStatus(createSc(SCRATCH_SEL, ROOT_OBJ_ROOT_PD, S + 0x6b, scd(1, 1, 0)), Status.BAD_CAP),
  );
  check(
    "create_sc-bad_cap-pd-without-sc",
    isStatus(copy(ROOT_OBJ_ROOT_PD, S + 0x6c, PERM_MASK & ~Perm_pd.SC), Status.SUCCESS) &&
      isStatus(createSc(SCRATCH_SEL, S + 0x6c, ecs.sel(G_FIRST), scd(1, 1, 0)), Status.BAD_CAP),
  );
  check(
    "create_sc-bad_cap-not-ec",
    isStatus(
      createSc(SCRATCH_SEL, ROOT_OBJ_ROOT_PD, ROOT_OBJ_ROOT_PD, scd(1, 1, 0)),
      Status.BAD_CAP,
    ) && isStatus(createSc(SCRATCH_SEL, ROOT_OBJ_ROOT_PD, EMPTY, scd(1, 1, 0)), Status.BAD_CAP),
  );

  // STARTUP: the global EC's SC (prio 1 < root's 127) runs once root blocks.
  check(
    "startup-portals",
    isStatus(createSm(SEM, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      isStatus(createSm(DONE, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      handles(EVT_GLOBAL, 0x20, OP_STARTUP, MTD_RIP | MTD_GPR0_7) &&
      handles(EVT_GLOBAL, 0x21, OP_RECALL, MTD_GPR0_7) &&
      handles(EVT_GLOBAL, 6, OP_EVENT, MTD_RIP) &&
      isValue(hostStartup(EVT_GLOBAL), EVT_GLOBAL + 0x20) &&
      isValue(hostRecall(EVT_GLOBAL), EVT_GLOBAL + 0x21) &&
      isValue(hostException(EVT_GLOBAL, 6), EVT_GLOBAL + 6),
  );
  gop[G_FIRST] = G_LOG;
  check(
    "create_sc-success-no-preemption-of-root",
    isStatus(
      createSc(S + 0x40, ROOT_OBJ_ROOT_PD, ecs.sel(G_FIRST), scd(10, 1, 0)),
      Status.SUCCESS,
    ) &&
      isValue(seen.startups, 0) &&
      isValue(orderLen, 0),
  );
  check(
    "startup-runs-when-root-blocks",
    isStatus(smDown(SEM, false, msFromNow(200)), Status.SUCCESS) &&
      isValue(orderLen, 1) &&
      isValue(order[0], G_FIRST),
  );
  check(
    "startup-event-rip-0-rsp-sp",
    isValue(seen.startups, 1) &&
      isValue(seen.startRip, 0) &&
      isValue(seen.startRsp, ecs.stackTop(G_FIRST)),
  );
  expectStatus(
    "create_sc-bad_cap-sel-occupied",
    createSc(S + 0x40, ROOT_OBJ_ROOT_PD, ecs.sel(G_FIRST), scd(1, 1, 0)),
    Status.BAD_CAP,
  );

  // Strict priority: 10 and 20 created while root runs; 20 runs first.
  const g2 = G_FIRST + 1;
  const g3 = G_FIRST + 2;
  gop[g2] = G_LOG;
  gop[g3] = G_LOG;
  check(
    "sched-strict-priority-order",
    global_(g2) &&
      global_(g3) &&
      isStatus(createSc(S + 0x41, ROOT_OBJ_ROOT_PD, ecs.sel(g2), scd(10, 10, 0)), Status.SUCCESS) &&
      isStatus(createSc(S + 0x42, ROOT_OBJ_ROOT_PD, ecs.sel(g3), scd(10, 20, 0)), Status.SUCCESS) &&
      isValue(orderLen, 1) &&
      isStatus(smDown(SEM, false, msFromNow(200)), Status.SUCCESS) &&
      isStatus(smDown(SEM, false, msFromNow(200)), Status.SUCCESS) &&
      isValue(orderLen, 3) &&
      isValue(order[1], g3) &&
      isValue(order[2], g2),
  );

  // A spinner at 10 starves a logger at 5 until it stops.
  const spin = G_FIRST + 3;
  const low = G_FIRST + 4;
  gop[spin] = G_SPIN;
  gop[low] = G_LOG;
  seen.stop = false;
  check(
    "sched-higher-prio-spinner-starves-lower",
    global_(spin) &&
      global_(low) &&
      isStatus(
        createSc(S + 0x43, ROOT_OBJ_ROOT_PD, ecs.sel(spin), scd(5, 10, 0)),
        Status.SUCCESS,
      ) &&
      isStatus(createSc(S + 0x44, ROOT_OBJ_ROOT_PD, ecs.sel(low), scd(5, 5, 0)), Status.SUCCESS) &&
      isStatus(smDown(SEM, false, msFromNow(30)), Status.TIMEOUT) &&
      isNot(gcount[spin], 0) &&
      isValue(orderLen, 3),
  );
  seen.stop = true;
  check(
    "sched-lower-runs-after-spinner-ends",
    isStatus(smDown(DONE, false, msFromNow(200)), Status.SUCCESS) &&
      isStatus(smDown(SEM, false, msFromNow(200)), Status.SUCCESS) &&
      isValue(orderLen, 4) &&
      isValue(order[3], low),
  );

  // Round robin: two spinners at 3 with 1 ms budgets alternate while root waits.
  const r1 = G_FIRST + 5;
  const r2 = G_FIRST + 6;
  gop[r1] = G_SPIN;
  gop[r2] = G_SPIN;
  seen.stop = false;
  seen.switches = 0;
  const started =
    global_(r1) &&
    global_(r2) &&
    isStatus(createSc(S + 0x45, ROOT_OBJ_ROOT_PD, ecs.sel(r1), scd(1, 3, 0)), Status.SUCCESS) &&
    isStatus(createSc(S + 0x46, ROOT_OBJ_ROOT_PD, ecs.sel(r2), scd(1, 3, 0)), Status.SUCCESS);
  // Root waits in 40 ms steps (up to 10): on a loaded host the emulated CPU may get little of
  // the first 40 ms of TSC time, and the spinners only run while it runs. The case compares
  // what the last step saw.
  let alternated = false;
  let counts1: u64 = 0;
  let counts2: u64 = 0;
  let switches: u64 = 0;
  for (let i: u32 = 0; i < 10 && started && !alternated; i++) {
    smDown(SEM, false, msFromNow(40));
    counts1 = gcount[r1];
    counts2 = gcount[r2];
    switches = seen.switches;
    alternated = counts1 !== 0 && counts2 !== 0 && switches >= 4;
  }
  check(
    "sched-round-robin-budget",
    started && isNot(counts1, 0) && isNot(counts2, 0) && atLeast(switches, 4),
  );
  // ctrl_sc (§4.10): consumed time of the spinners' SCs.
  const read1 = ctrlSc(S + 0x45, time);
  const t1 = read1 === Status.SUCCESS ? time.ticks : 0;
  check(
    "ctrl_sc-consumed-time",
    isStatus(read1, Status.SUCCESS) && above(t1, 0) && below(t1, freq),
  );
  // Up to 10 tries; the case compares the last.
  let grew = false;
  let slept: u32 = Status.SUCCESS;
  let read: u32 = Status.SUCCESS;
  let ticks: u64 = 0;
  for (let i: u32 = 0; i < 10 && !grew; i++) {
    slept = smDown(SEM, false, msFromNow(20));
    read = ctrlSc(S + 0x45, time);
    ticks = time.ticks;
    grew = slept === Status.TIMEOUT && read === Status.SUCCESS && ticks > t1;
  }
  check(
    "ctrl_sc-time-grows",
    isStatus(slept, Status.TIMEOUT) && isStatus(read, Status.SUCCESS) && above(ticks, t1),
  );
  seen.stop = true;
  check(
    "sched-spinners-end",
    isStatus(smDown(DONE, false, msFromNow(200)), Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(200)), Status.SUCCESS),
  );
  const read0 = ctrlSc(ROOT_OBJ_ROOT_SC, time);
  const r0 = read0 === Status.SUCCESS ? time.ticks : 0;
  let x: u64 = 0;
  for (let i: u64 = 0; i < 100000; i++) x += i;
  check(
    "ctrl_sc-root-sc-grows",
    isStatus(read0, Status.SUCCESS) &&
      above(r0, 0) &&
      above(x, 0) &&
      isStatus(ctrlSc(ROOT_OBJ_ROOT_SC, time), Status.SUCCESS) &&
      above(time.ticks, r0),
  );
  check(
    "ctrl_sc-idle-sc",
    isStatus(pd(ROOT_OBJ_NOVA_OBJ, ROOT_OBJ, 0, 0, S + 0x6d, PERM_MASK), Status.SUCCESS) &&
      isStatus(ctrlSc(S + 0x6d, time), Status.SUCCESS),
  );
  const idle0 = time.ticks;
  check(
    "ctrl_sc-idle-time-grows",
    isStatus(smDown(SEM, false, msFromNow(10)), Status.TIMEOUT) &&
      isStatus(ctrlSc(S + 0x6d, time), Status.SUCCESS) &&
      above(time.ticks, idle0),
  );
  check(
    "ctrl_sc-bad_cap",
    isStatus(copy(S + 0x45, S + 0x6e, 0x1e), Status.SUCCESS) &&
      isStatus(ctrlSc(S + 0x6e, time), Status.BAD_CAP) &&
      isStatus(ctrlSc(ecs.sel(G_FIRST), time), Status.BAD_CAP) &&
      isStatus(ctrlSc(EMPTY, time), Status.BAD_CAP) &&
      isStatus(ctrlSc(ROOT_OBJ_ROOT_PD, time), Status.BAD_CAP),
  );

  // ctrl_ec (§4.9): a recalled global EC raises RECALL before it returns to ring 3.
  const rc = G_FIRST + 7;
  gop[rc] = G_WAIT_RECALL;
  check(
    "ctrl_ec-bad_cap",
    isStatus(ctrlEc(EMPTY, false), Status.BAD_CAP) &&
      isStatus(ctrlEc(ROOT_OBJ_ROOT_PD, true), Status.BAD_CAP) &&
      isStatus(
        copy(ecs.sel(G_FIRST), S + 0x6f, Perm_ec.BIND_PT | Perm_ec.BIND_SC),
        Status.SUCCESS,
      ) &&
      isStatus(ctrlEc(S + 0x6f, false), Status.BAD_CAP),
  );
  check(
    "ctrl_ec-recall-event",
    global_(rc) &&
      isStatus(createSc(S + 0x47, ROOT_OBJ_ROOT_PD, ecs.sel(rc), scd(2, 2, 0)), Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(10)), Status.TIMEOUT) &&
      isNot(gcount[rc], 0) &&
      isValue(seen.recalls, 0) &&
      isStatus(ctrlEc(ecs.sel(rc), false), Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(200)), Status.SUCCESS) &&
      isValue(seen.recalls, 1) &&
      isValue(grecalled[rc] ? 1 : 0, 1),
  );

  // A global EC's #UD goes to its portal; it continues after the handler skips it.
  const gu = G_FIRST + 8;
  gop[gu] = G_LOG;
  grip[gu] = u64(linkerSymbol("ec_global_ud2"));
  const events = seen.events;
  seen.skip = 2;
  seen.eventReply = MTD_RIP;
  check(
    "event-ud-global-continues",
    global_(gu) &&
      isStatus(createSc(S + 0x48, ROOT_OBJ_ROOT_PD, ecs.sel(gu), scd(2, 2, 0)), Status.SUCCESS) &&
      isStatus(smDown(SEM, false, msFromNow(200)), Status.SUCCESS) &&
      isValue(seen.events, events + 1) &&
      isValue(seen.vector, 6) &&
      isValue(seen.rip, u64(linkerSymbol("ec_global_ud2"))) &&
      isValue(order[orderLen - 1], gu),
  );
  // Strong recall (S) of another spinning global EC.
  const rs = G_FIRST + 9;
  gop[rs] = G_WAIT_RECALL;
  check(
    "ctrl_ec-strong-recall-event",
    global_(rs) &&
      isStatus(createSc(S + 0x49, ROOT_OBJ_ROOT_PD, ecs.sel(rs), scd(2, 2, 0)), Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(10)), Status.TIMEOUT) &&
      isNot(gcount[rs], 0) &&
      isStatus(ctrlEc(ecs.sel(rs), true), Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(200)), Status.SUCCESS) &&
      isValue(seen.recalls, 2) &&
      isValue(grecalled[rs] ? 1 : 0, 1),
  );
  // No STARTUP portal: the new global EC dies at its first dispatch, the rest goes on.
  const dead = G_FIRST + 10;
  const startups = seen.startups;
  check(
    "startup-without-portal-kills",
    isStatus(
      createEc(
        ecs.sel(dead),
        EC_T,
        ROOT_OBJ_ROOT_PD,
        ecs.utcb(dead),
        0,
        ecs.stackTop(dead),
        EVT_NONE,
      ),
      Status.SUCCESS,
    ) &&
      isStatus(createSc(S + 0x4a, ROOT_OBJ_ROOT_PD, ecs.sel(dead), scd(2, 2, 0)), Status.SUCCESS) &&
      isStatus(smDown(SEM, false, msFromNow(10)), Status.TIMEOUT) &&
      isValue(seen.startups, startups) &&
      isStatus(ctrlSc(S + 0x4a, time), Status.SUCCESS),
  );
  check(
    "ipc_reply-global-blocks-forever",
    isStatus(smDown(SEM, false, msFromNow(20)), Status.TIMEOUT) &&
      isValue(ptrFromVirt<u64>(linkerSymbol("ec_reply_returned")).load(), 0),
  );
}

/**
 * Helping (§4.1, §7.1): the root calls BLOCK, whose EC blocks on SEM_B while it serves
 * that call. A priority-100 global EC then calls BLOCK with T=0: the callee is busy, so it
 * helps, and its SC waits on the blocked chain. A priority-50 global EC ups SEM_B (it
 * can run only while both others wait); the root's call completes first, then the helper's
 * retried call is served.
 */
function helpingCases(): void {
  const blk = G_FIRST + 11;
  const helper = G_FIRST + 12;
  const upper = G_FIRST + 13;
  check(
    "helping-setup",
    isStatus(local(blk, 0, EVT_LOCAL), Status.SUCCESS) &&
      ecs.portalOf(PT_BLOCK, blk, entry(), pid(OP_BLOCK, blk, 0), 0) &&
      isStatus(createSm(SEM_B, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      global_(helper) &&
      global_(upper),
  );
  gop[helper] = G_CALL_BLOCKER;
  gop[upper] = G_UP_BLOCKER;
  gstatus[helper] = 0xff;
  seen.blockFirst = true;
  seen.status = 0xff;
  servedLen = 0;
  smDown(DONE, true, 1);
  words(UTCB_ADDRESS).set(0, ROOT_ID);
  check(
    "helping-busy-callee-then-retry",
    isStatus(
      createSc(S + 0x4b, ROOT_OBJ_ROOT_PD, ecs.sel(helper), scd(10, 100, 0)),
      Status.SUCCESS,
    ) &&
      isStatus(
        createSc(S + 0x4c, ROOT_OBJ_ROOT_PD, ecs.sel(upper), scd(10, 50, 0)),
        Status.SUCCESS,
      ) &&
      isStatus(ipcCall(PT_BLOCK, false, 0, out), Status.SUCCESS) &&
      isStatus(seen.status, Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(300)), Status.SUCCESS) &&
      isStatus(gstatus[helper], Status.SUCCESS),
  );
  check(
    "helping-served-in-order",
    isValue(servedLen, 2) && isValue(served[0], ROOT_ID) && isValue(served[1], helper),
  );
  helperRevokedCase(blk);
  handlerChainCase();
  selfRevokeCase();
}

/** The SC of the global EC that revokes its own capabilities. */
const SELF_SC: u64 = S + 0x4f;

/**
 * A running global EC revokes its own capability, signals DONE, and revokes its SC's as its
 * last act: it is destroyed under its own hypercall, the kernel frees it once the CPU has
 * switched away, and it never runs again.
 */
function selfRevokeCase(): void {
  const g = G_FIRST + 14;
  gop[g] = G_REVOKE_SELF;
  gstatus[g] = 0xff;
  smDown(DONE, true, 1);
  check(
    "running-ec-revokes-itself",
    isStatus(revoke(ecs.sel(g), 0), Status.SUCCESS) &&
      global_(g) &&
      isStatus(createSc(SELF_SC, ROOT_OBJ_ROOT_PD, ecs.sel(g), scd(10, 50, 0)), Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(300)), Status.SUCCESS) &&
      isStatus(gstatus[g], Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(20)), Status.TIMEOUT) &&
      isStatus(ctrlSc(SELF_SC, time), Status.BAD_CAP) &&
      isValue(gcount[g], 0),
  );
}

/**
 * A helper whose EC and SC capabilities are revoked while it helps: a global EC calls BLOCK,
 * whose EC blocks; a second one helps it; then the helper's SC and EC are revoked. The
 * helper is destroyed with its helping link (found by a review: this used to stop the
 * kernel), and the first caller is still served.
 */
function helperRevokedCase(blk: u64): void {
  const a = G_FIRST + 12;
  const b = G_FIRST + 13;
  check(
    "helper-revoked-setup",
    isStatus(revoke(S + 0x4b, 0), Status.SUCCESS) &&
      isStatus(revoke(S + 0x4c, 0), Status.SUCCESS) &&
      isStatus(revoke(ecs.sel(a), 0), Status.SUCCESS) &&
      isStatus(revoke(ecs.sel(b), 0), Status.SUCCESS) &&
      global_(a) &&
      global_(b),
  );
  gop[a] = G_CALL_BLOCKER;
  gop[b] = G_CALL_BLOCKER;
  gstatus[a] = 0xff;
  seen.blockFirst = true;
  servedLen = 0;
  smDown(DONE, true, 1);
  check(
    "helper-revoked-while-helping",
    isStatus(createSc(S + 0x4d, ROOT_OBJ_ROOT_PD, ecs.sel(a), scd(10, 100, 0)), Status.SUCCESS) &&
      isStatus(createSc(S + 0x4e, ROOT_OBJ_ROOT_PD, ecs.sel(b), scd(10, 90, 0)), Status.SUCCESS) &&
      isStatus(smDown(DONE, false, msFromNow(20)), Status.TIMEOUT) &&
      isStatus(revoke(S + 0x4e, 0), Status.SUCCESS) &&
      isStatus(revoke(ecs.sel(b), 0), Status.SUCCESS),
  );
  // BLOCK's EC times out on SEM_B (300 ms), replies to `a`, which signals DONE.
  check(
    "helper-revoked-first-caller-served",
    isStatus(smDown(DONE, false, msFromNow(1000)), Status.SUCCESS) &&
      isStatus(gstatus[a], Status.SUCCESS) &&
      isValue(servedLen, 1) &&
      isValue(served[0], a) &&
      isNot(blk, 0),
  );
}

/** ECs and portals of the handler chain (selectors of their own, revoked after). */
const CHAIN_ECS: u64 = 0x20000;
const CHAIN_PTS: u64 = 0x21000;
const CHAIN_ORDER: u64 = 12;
const CHAIN_LENGTH: u64 = 400;
const CHAIN_UTCB: u64 = 0x7ffd_0000_0000;

/**
 * A chain of event handlers: local EC i's #UD portal (EVT + 6) is EC i+1's portal, whose
 * code is a UD2 as well; the last has no handler. The call to EC 0 ends ABORTED after every
 * EC died, each killed because its handler died: the kernel kills them one after the other
 * (a review found the recursive kill running off the kernel stack at ~340).
 */
function handlerChainCase(): void {
  let ok = true;
  for (let i: u64 = 0; i <= CHAIN_LENGTH && ok; i++) {
    const evt = i === CHAIN_LENGTH ? EVT_NONE : CHAIN_PTS + i + 1 - 6;
    ok =
      isStatus(
        createEc(CHAIN_ECS + i, 0, ROOT_OBJ_ROOT_PD, CHAIN_UTCB + i * 0x1000, 0, 0, evt),
        Status.SUCCESS,
      ) &&
      isStatus(
        createPt(CHAIN_PTS + i, ROOT_OBJ_ROOT_PD, CHAIN_ECS + i, u64(linkerSymbol("ec_ud2_fault"))),
        Status.SUCCESS,
      ) &&
      isStatus(ctrlPt(CHAIN_PTS + i, 0, u32(MTD_RIP)), Status.SUCCESS);
  }
  check("event-handler-chain-built", ok);
  expectStatus(
    "event-handler-chain-dies-aborted",
    ipcCall(CHAIN_PTS, false, 0, out),
    Status.ABORTED,
  );
  check(
    "event-handler-chain-revoked",
    isStatus(revoke(CHAIN_PTS, CHAIN_ORDER), Status.SUCCESS) &&
      isStatus(revoke(CHAIN_ECS, CHAIN_ORDER), Status.SUCCESS),
  );
}

/** Global EC k in the root PD (event base EVT_GLOBAL, sp = its stack top). */
function global_(k: u64): bool {
  return isStatus(
    createEc(ecs.sel(k), EC_T, ROOT_OBJ_ROOT_PD, ecs.utcb(k), 0, ecs.stackTop(k), EVT_GLOBAL),
    Status.SUCCESS,
  );
}
