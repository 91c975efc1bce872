// Hypercall path lengths (npm run bench), run by user/roottest-bench
// (the root test task's second build: the root task cannot read the module
// command line, so `bench` is a separate program, docs/testing.md). Each bench
// times ITERATIONS calls with RDTSC around the measured part only and prints
// `BENCH <name> n=<n> min=<ticks> med=<ticks> max=<ticks>`, or
// `BENCH <name> FAIL` when a call returned another status than expected.
// Under QEMU `-icount shift=0,align=off,sleep=off` one tick is one instruction.

import { Hypercall } from "../../abi/hypercall.ts";
import { PERM_MASK } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { putDec, puts } from "../nova/console.ts";
import {
  IpcOut,
  createEc,
  createPt,
  createSm,
  ctrlPt,
  ipcCall,
  raw,
  rdi,
  smDown,
  smUp,
} from "../nova/hypercall.ts";
import { BENCH_SELS, EMPTY, copy, revoke } from "./sel.ts";

const ITERATIONS: usize = 1000;
const samples = array<u64, 1000>();

const SM: u64 = BENCH_SELS;
const SLOT: u64 = BENCH_SELS + 1;
const CALLEE_EC: u64 = BENCH_SELS + 2;
const CALLEE_PT: u64 = BENCH_SELS + 3;
/** The callee's UTCB: a user address nothing else uses. */
const CALLEE_UTCB: u64 = 0x7ffe_0000_0000;
const ipcOut = new IpcOut();

/** One measured call: returns whether its status was the expected one. */
export type Body = () => bool;
/** Untimed work after each measured call (freeing what it created). */
export type After = () => void;

function badHyp(): bool {
  return raw(rdi(0, 0, Hypercall.RESERVED), 0, 0, 0, 0) === u64(Status.BAD_HYP);
}
function smEmptySelector(): bool {
  return smUp(EMPTY) === Status.BAD_CAP;
}
function smUpDown(): bool {
  return smUp(SM) === Status.SUCCESS && smDown(SM, false, 0) === Status.SUCCESS;
}
function smUpOnly(): bool {
  return smUp(SM) === Status.SUCCESS;
}
function smDownOnly(): bool {
  return smDown(SM, false, 0) === Status.SUCCESS;
}
function smCreate(): bool {
  return createSm(SLOT, ROOT_OBJ_ROOT_PD, 0) === Status.SUCCESS;
}
function pdDelegate(): bool {
  return copy(ROOT_OBJ_ROOT_PD, SLOT, PERM_MASK) === Status.SUCCESS;
}
function ptCtrl(): bool {
  return ctrlPt(CALLEE_PT, CALLEE_PT, 0) === Status.SUCCESS;
}
function ipc1(): bool {
  return ipcCall(CALLEE_PT, false, 0, ipcOut) === Status.SUCCESS;
}
function ipc64(): bool {
  return ipcCall(CALLEE_PT, false, 63, ipcOut) === Status.SUCCESS && ipcOut.mtd === 63;
}
function nothing(): void {}
function freeSlot(): void {
  revoke(SLOT, 0);
}

/** Sorts data[0..n) ascending (insertion sort: n is small, no allocator). */
function sort(data: Ptr<u64>, n: usize): void {
  for (let i: usize = 1; i < n; i++) {
    const v = data.get(i);
    let j = i;
    while (j > 0 && data.get(j - 1) > v) {
      data.set(j, data.get(j - 1));
      j--;
    }
    data.set(j, v);
  }
}

/** Prints `BENCH <name> n= min= med= max=` for the n samples at `data` (sorted here). */
export function report(name: str, data: Ptr<u64>, n: usize): void {
  sort(data, n);
  puts("BENCH ");
  puts(name);
  puts(" n=");
  putDec(u64(n));
  puts(" min=");
  putDec(data.get(0));
  puts(" med=");
  putDec(data.get(n / 2));
  puts(" max=");
  putDec(data.get(n - 1));
  puts("\n");
}

/**
 * Times ITERATIONS calls of `body` (then `after`, untimed) and reports them; FAIL if one failed.
 * Out of line: the serializing-instruction trace (scripts/bench-trace.ts) stops at its entry.
 * @noinline
 */
function bench(name: str, body: Body, after: After): void {
  let ok = true;
  for (let i: usize = 0; i < ITERATIONS; i++) {
    const t0 = rdtsc();
    const good = body();
    samples[i] = rdtsc() - t0;
    after();
    if (!good) ok = false;
  }
  if (ok) {
    report(name, arrayPtr(samples), ITERATIONS);
    return;
  }
  puts("BENCH ");
  puts(name);
  puts(" FAIL\n");
}

export function run(): void {
  bench("hypercall_bad_hyp", badHyp, nothing);
  bench("ctrl_sm_empty_selector", smEmptySelector, nothing);
  createSm(SM, ROOT_OBJ_ROOT_PD, 0);
  bench("sm_up_down", smUpDown, nothing);
  // The ups leave SM's counter at ITERATIONS, so every measured down finds it positive and
  // returns at once (a down that blocked would never be woken: the bench would hang).
  bench("sm_up", smUpOnly, nothing);
  bench("sm_down", smDownOnly, nothing);
  // SM stays until the end: it keeps the capability table's leaf for BENCH_SELS alive, so
  // create_sm and ctrl_pd are measured without the allocation of a table page (the kernel
  // frees a leaf when its last capability goes).
  bench("create_sm", smCreate, freeSlot);
  bench("ctrl_pd_delegate_1", pdDelegate, freeSlot);
  // ipc_call + ipc_reply round trips to a local EC in the root PD (user/nova/portal.S).
  createEc(CALLEE_EC, 0, ROOT_OBJ_ROOT_PD, CALLEE_UTCB, 0, 0, 0);
  createPt(CALLEE_PT, ROOT_OBJ_ROOT_PD, CALLEE_EC, u64(linkerSymbol("nova_reply_at_once")));
  // Its id becomes its own selector and its MTD stays 0; the callee reads neither, so the IPC
  // benches below are not affected.
  bench("ctrl_pt", ptCtrl, nothing);
  bench("ipc_call_reply_1_word", ipc1, nothing);
  bench("ipc_call_reply_64_words", ipc64, nothing);
  revoke(CALLEE_PT, 0);
  revoke(CALLEE_EC, 0);
  revoke(SM, 0);
}
