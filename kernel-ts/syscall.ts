// Hypercalls: the SYSCALL/SYSRET setup (EFER.SCE, STAR, LSTAR, FMASK, the
// kernel stack for ring 3 entries) and the dispatcher that
// arch/x86_64/syscall.S calls with the user's registers in an ExceptionFrame.
//
// The ABI (../shared/docs/nova-abi.md §3): RDI[3:0] is the hypercall number,
// RDI[7:4] its flags, RDI[63:8] the first selector; the status goes back in
// RDI (the whole register, upper bits 0, as NOVA's sys_finish); RCX is the
// return RIP and R11 is 0x202 after every hypercall, and RFLAGS becomes 0x202
// (syscall.S writes both into the frame on entry). syscall.S dispatches through
// `entries`, 16 entries on RDI & 0xf, as NOVA's: a hypercall with a fast path has
// an entry of its own (withFast), every other one shares slowEntry.
//
// Every hypercall of §4 has its entry, a Handler in the file of the object it
// creates or controls, or in the file named after the hypercall where the
// object's file cannot hold it (docs/user-mode.md): ipc.ts (0x0, 0x1), pd.ts
// (0x2, 0x7), create_ec.ts (0x3), ec.ts (0x8), sc.ts (0x4, 0x9), pt.ts (0x5,
// 0xa), sm.ts (0x6), ctrl_sm.ts (0xb), ctrl_hw.ts (0xc), interrupt_sm.ts
// (0xd), assign_dev.ts (0xe). 0xf is BAD_HYP by definition.

import { Hypercall } from "../abi/hypercall.ts";
import { Status } from "../abi/status.ts";
import { EFER_SCE, IA32_EFER, IA32_FMASK, IA32_LSTAR, IA32_STAR } from "../abi/msr.ts";
import * as assignDev from "./assign_dev.ts";
import * as hw from "./ctrl_hw.ts";
import * as ec from "./ec.ts";
import { Ec } from "./ec.ts";
import * as createEc from "./create_ec.ts";
import * as event from "./event.ts";
import { ExceptionFrame } from "./frame.ts";
import * as gdt from "./gdt.ts";
import * as intsm from "./interrupt_sm.ts";
import * as ipc from "./ipc.ts";
import * as hazard from "./hazard.ts";
import { Hazard } from "./hazard.ts";
import * as kstat from "./kstat.ts";
import { reap } from "./kobject.ts";
import * as klock from "./klock.ts";
import * as pd from "./pd.ts";
import * as percpu from "./percpu.ts";
import * as pt from "./pt.ts";
import * as sc from "./sc.ts";
import * as sm from "./sm.ts";
import * as ctrlSm from "./ctrl_sm.ts";

// MSRs (Intel SDM Vol. 4 Table 2-2; AMD APM Vol. 2 §6.1.1).

// RFLAGS bits SYSCALL clears: IF (no interrupt before the stack switch), DF
// (the SysV ABI's direction), TF (no single-step trap on the user stack), AC
// (SMAP stays in force in the kernel), NT (in 64-bit mode an IRETQ with NT set
// raises #GP: the kernel's next IRETQ, to ring 0 after an interrupt or to
// another EC, would fault). Interrupts and exceptions clear TF, NT and RF
// themselves (SDM Vol. 3A §6.12.1.3), so SYSCALL is the only way in with the
// user's NT, and SYSRETQ and IRETQ load RFLAGS from the frame the kernel
// built (USER_RFLAGS, or a handler's reply sanitized by event.ts).
const RFLAGS_TF: u64 = 1 << 8;
const RFLAGS_IF: u64 = 1 << 9;
const RFLAGS_DF: u64 = 1 << 10;
const RFLAGS_NT: u64 = 1 << 14;
const RFLAGS_AC: u64 = 1 << 18;
export const FMASK: u64 = RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC;

/**
 * A hypercall's implementation, in the file of its object or named after it
 * (docs/user-mode.md): RDI as §3 splits it, `sel` RDI[63:8] (the first
 * selector or descriptor) and `flags` RDI[7:4], the other inputs in the frame,
 * where it writes its other outputs; it returns the status.
 */
type Handler = (f: ExceptionFrame, sel: u64, flags: u32) => Status;

/** 0xf: BAD_HYP by definition (§3); every other entry has its hypercall. */
function reservedHypercall(_f: ExceptionFrame, _sel: u64, _flags: u32): Status {
  return Status.BAD_HYP;
}

/** The slow path's handlers, by number. */
const table = array<Handler, 16>();

/** What syscall.S calls for hypercall n with the running EC's registers, on the kernel stack. */
type Entry = (f: ExceptionFrame) => void;
export const entries = array<Entry, 16>();

/** The lowest non-canonical address above the user half (2^47): the fault=sysret hook's RIP. */
const NON_CANONICAL: u64 = 0x8000_0000_0000;

/** Makes the next hypercall return to a non-canonical RIP (fault.ts, `fault=sysret`). */
export function returnNonCanonicalOnce(): void {
  hazard.raiseLocked(Hazard.HOOK);
  dispatchEveryHypercall();
}

/**
 * From now on every hypercall goes through the table: syscall.S answers the reserved number
 * itself unless this was called (the kstat page counts hypercalls; the fault=sysret hook
 * changes the next one's return).
 */
export function dispatchEveryHypercall(): void {
  ptrFromVirt<u8>(linkerSymbol("syscall_dispatch_all")).store(1);
}

/**
 * The entry of a hypercall with a fast path: `fast` runs first, as a reader (klock.ts), unless
 * a slow path is in the kernel; a case it leaves to the slow path goes on there as any other
 * hypercall, from the start, with `slow`. Inlined into each entry, so that both are direct calls.
 * A hypercall that blocks or switches ECs does not come back here: its EC resumes through its
 * continuation (ec.ts).
 * @inline
 */
function withFast(f: ExceptionFrame, fast: klock.FastHandler, slow: Handler): void {
  percpu.checkGs();
  if (klock.enterFast()) {
    const rdi = f.rdi;
    const status = fast(f, rdi >> 8, u32((rdi >> 4) & 0xf));
    if (status !== klock.SLOW) {
      f.rdi = u64(status);
      klock.leaveToUser();
      return;
    }
    klock.fastToSlow();
  } else klock.enterFromUser();
  slowPath(f, slow);
}

/** The entry of every hypercall without a fast path: the slow path's lock, then its handler. */
function slowEntry(f: ExceptionFrame): void {
  percpu.checkGs();
  klock.enterFromUser();
  slowPath(f, table[u32(f.rdi & 0xf)]);
}

/** The slow path of hypercall `h` in `f`: the kernel lock is held; straight back by SYSRET after. */
function slowPath(f: ExceptionFrame, h: Handler): void {
  ec.dropIfDestroyed();
  run(f, h);
  // Every other way to ring 3 lets the lock go in ec.ts.
  klock.leaveToUser();
}

function ipcCallEntry(f: ExceptionFrame): void {
  withFast(f, ipc.fastCall, ipc.ipcCall);
}

function ipcReplyEntry(f: ExceptionFrame): void {
  withFast(f, ipc.fastReply, ipc.ipcReply);
}

function ctrlScEntry(f: ExceptionFrame): void {
  withFast(f, sc.ctrlSc, sc.ctrlSc);
}

function ctrlPtEntry(f: ExceptionFrame): void {
  withFast(f, pt.ctrlPt, pt.ctrlPt);
}

function ctrlSmEntry(f: ExceptionFrame): void {
  withFast(f, ctrlSm.ctrlSmFast, ctrlSm.ctrlSm);
}

/** Hypercall `h` in `f`, holding the kernel lock (slowPath, redo). */
function run(f: ExceptionFrame, h: Handler): void {
  const rdi = f.rdi;
  // RDI[7:4] the flags, RDI[63:8] the selector (§3).
  f.rdi = u64(h(f, rdi >> 8, u32((rdi >> 4) & 0xf)));
  // What the way out owes (hazard.ts): one test when nothing is.
  const e = ec.current();
  if ((hazard.pending() | sc.hazards() | e.hazard) !== 0) settle(f, e);
}

/**
 * The hazards of a hypercall's way out (hazard.ts), in order: the objects whose last reference
 * went during the hypercall (not only through the mapping database: a reply's unlink, a
 * waiter's release), destroyed before the statistics are written; the test hook's
 * non-canonical return, which leaves by IRETQ; the EC's death; a reschedule; a recall. Unmapped pages and
 * changed I/O bitmaps are settled when the lock goes (klock.leave).
 */
function settle(f: ExceptionFrame, e: Ec): void {
  if (hazard.pending() !== 0) {
    reap();
    if (hazard.has(Hazard.KSTAT)) kstat.update();
    if (hazard.has(Hazard.HOOK)) {
      hazard.clear(Hazard.HOOK);
      f.rip = NON_CANONICAL;
      f.rcx = NON_CANONICAL;
      event.retUserNonCanonical();
    }
  }
  // Its hypercall ended its own PD (ctrl_pd revoked the last capability), or another CPU
  // killed or destroyed it while a long ctrl_pd let the lock go (mdb.ts delegateRange).
  if ((e.hazard & u32(Hazard.DEAD)) !== 0 || e.hdr.dead !== 0) sc.preempt();
  ec.maybePreempt(e, event.retUserSysret);
  if ((e.hazard & u32(Hazard.RECALL)) !== 0) event.retUserSysret();
}

/** Continuation of an EC that helped a busy callee: its hypercall runs again (RDI and RSI are intact). */
export function redo(): never {
  const f = ec.current().regs;
  run(f, table[u32(f.rdi & 0xf)]);
  event.retUserSysret();
}

/** Fills the hypercall table and enables SYSCALL on the boot CPU. */
export function init(): void {
  for (let i: usize = 0; i < table.length; i++) table[i] = reservedHypercall;
  table[Hypercall.IPC_CALL] = ipc.ipcCall;
  table[Hypercall.IPC_REPLY] = ipc.ipcReply;
  table[Hypercall.CREATE_PD] = pd.createPd;
  table[Hypercall.CREATE_EC] = createEc.createEc;
  table[Hypercall.CREATE_SC] = sc.createSc;
  table[Hypercall.CREATE_PT] = pt.createPt;
  table[Hypercall.CREATE_SM] = sm.createSm;
  table[Hypercall.CTRL_PD] = pd.ctrlPd;
  table[Hypercall.CTRL_EC] = ec.ctrlEc;
  table[Hypercall.CTRL_SC] = sc.ctrlSc;
  table[Hypercall.CTRL_PT] = pt.ctrlPt;
  table[Hypercall.CTRL_SM] = ctrlSm.ctrlSm;
  table[Hypercall.CTRL_HW] = hw.ctrlHw;
  table[Hypercall.ASSIGN_INT] = intsm.assignInt;
  table[Hypercall.ASSIGN_DEV] = assignDev.assignDev;
  for (let i: usize = 0; i < entries.length; i++) entries[i] = slowEntry;
  entries[Hypercall.IPC_CALL] = ipcCallEntry;
  entries[Hypercall.IPC_REPLY] = ipcReplyEntry;
  entries[Hypercall.CTRL_SC] = ctrlScEntry;
  entries[Hypercall.CTRL_PT] = ctrlPtEntry;
  entries[Hypercall.CTRL_SM] = ctrlSmEntry;
  ipc.setRetry(redo);
  enable();
}

/**
 * Enables SYSCALL on this CPU (the boot CPU, then each AP): ring 3 enters at
 * syscall_entry, which pushes the frame into the running EC (ec.ts
 * activate() sets where) and runs the kernel on this CPU's kernel stack.
 */
export function enable(): void {
  // STAR[47:32]: SYSCALL's CS (SS = CS + 8); STAR[63:48]: SYSRET's base, CS = base + 16
  // and SS = base + 8, RPL forced to 3: 0x10 gives the GDT's 0x23 and 0x1b.
  const sysretBase = u64(gdt.USER_DATA) - 8 - 3;
  wrmsr(IA32_STAR, (sysretBase << 48) | (u64(gdt.KERNEL_CODE) << 32));
  wrmsr(IA32_LSTAR, u64(linkerSymbol("syscall_entry")));
  wrmsr(IA32_FMASK, FMASK);
  wrmsr(IA32_EFER, rdmsr(IA32_EFER) | EFER_SCE);
}
