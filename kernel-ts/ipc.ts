// IPC (nova-abi.md §4.1, §4.2, §6.1, §7.1): ipc_call through a portal and
// ipc_reply, in the style of NOVA's Ec::sys_call / sys_reply.
//
// A call to an idle local EC links caller and callee (ec.ts), copies
// (MTD & 0x1ff) + 1 UTCB words, and switches to the callee on the caller's
// SC (donation: no scheduler decision, the time is the caller's). A busy
// callee is helped (T=0: the caller's SC runs the callee's chain and the
// call is retried when the callee is free) or answered with TIMEOUT (T=1).
// ipc_reply copies the words back (or, for an event, writes the state its
// MTD selects into the affected EC), unlinks, and the callee waits for the
// next call; a global EC with no caller blocks for good (NOVA's behaviour).

import { IPC_T } from "../abi/hypercall.ts";
import { MTD_APIC, MTD_POISON, MTD_SPACES, MTD_WORDS_MASK } from "../abi/mtd.ts";
import { Perm_pt } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import * as ec from "./ec.ts";
import { SLOW } from "./klock.ts";
import { Cont, Ec, State } from "./ec.ts";
import { refs } from "./kobject.ts";
import * as event from "./event.ts";
import { ExceptionFrame } from "./frame.ts";
import * as pt from "./pt.ts";
import { Pt } from "./pt.ts";
import * as sc from "./sc.ts";
import * as utcb from "./utcb.ts";

/**
 * What a caller that helps a busy callee continues with: syscall.ts redo,
 * which runs its hypercall again. The dispatcher imports this file for its
 * handlers, so it hands redo over at init instead of being imported here.
 */
class Retry {
  cont: Cont;
}
const retry = new Retry();

/** syscall.init: the continuation that runs a hypercall again. */
export function setRetry(cont: Cont): void {
  retry.cont = cont;
}

function words(mtd: u32): u32 {
  return (mtd & MTD_WORDS_MASK) + 1;
}

/** The call of `e` through `p` to its idle EC `h`: the words, the link, and `h` runs on e's SC. */
function enterIdle(e: Ec, h: Ec, p: Pt, mtd: u32): never {
  transfer(e, h, mtd);
  event.enterPortal(h, p.pid, mtd, p.ip);
}

/** enterIdle() from the fast path, which checked ec.activatesFast(h). */
function enterIdleFast(e: Ec, h: Ec, p: Pt, mtd: u32): never {
  transfer(e, h, mtd);
  event.enterPortalFast(h, p.pid, mtd, p.ip);
}

/** The call's words to the callee, and the link; the caller resumes by SYSRET after the reply. */
function transfer(e: Ec, h: Ec, mtd: u32): void {
  utcb.copyWords(e.utcb, h.utcb, words(mtd));
  ec.link(e, h, false);
  e.cont = event.retUserSysret;
}

/** ipc_call (0x0): RDI[63:8] the portal (CALL), RSI the MTD. */
export function ipcCall(f: ExceptionFrame, sel: u64, flags: u32): Status {
  const p = pt.lookup(sel, Perm_pt.CALL);
  if (p === null) return Status.BAD_CAP;
  const e = ec.current();
  const h = p.ec;
  if (h.cpu !== e.cpu) return Status.BAD_CPU;
  if (h.state === State.DEAD) return Status.ABORTED;
  if (ec.busy(h)) {
    if ((flags & IPC_T) !== 0) return Status.TIMEOUT;
    // A call to the caller's own portal: it would help itself, a deadlock of its own
    // making; it waits for good without a link to itself (which would pin it forever).
    if (h === e) ec.block(e, event.retUserSysret);
    // Help: this SC runs the callee's chain; the call is retried when it is free.
    ec.setHelping(e, h);
    e.cont = retry.cont;
    sc.preempt();
  }
  enterIdle(e, h, p, u32(f.rsi & 0xffff_ffff));
}

// ---- the fast path (docs/smp.md "The kernel lock") ----
//
// fastCall and fastReply run with only this CPU's reading flag up: no other
// CPU's slow path runs meanwhile (it waits until every flag is down), and
// other CPUs' fast paths touch their own ECs and schedulers. What they share
// is changed only by atomics: reference counts (link, unlink, the loaded PD),
// the dead list (reaped by the next slow path), host spaces' CPU sets
// (tlb.load). So each handles only the common case and checks all of it
// before it changes anything; for every other case it returns, and the slow
// path runs the hypercall from the start, with its statuses.

/** ipc_call to an idle local EC on this CPU; returns SLOW (having changed nothing) for any other case. */
export function fastCall(f: ExceptionFrame, sel: u64, _flags: u32): u32 {
  const p = pt.lookup(sel, Perm_pt.CALL);
  if (p === null) return SLOW;
  const e = ec.current();
  if (!ec.continuesFast(e)) return SLOW;
  const h = p.ec;
  if (h === e || h.cpu !== e.cpu || !ec.takesCallFast(h)) return SLOW;
  // The fast path leaves by SYSRETQ: a portal with a non-canonical IP takes the slow one.
  if (!event.canonical(p.ip)) return SLOW;
  enterIdleFast(e, h, p, u32(f.rsi & 0xffff_ffff));
}

/** What a vCPU event's reply may carry on the fast path: not SPACES or APIC (lookups, references), not POISON (a kill). */
const MTD_SLOW_GUEST: u32 = MTD_SPACES | MTD_APIC | MTD_POISON;

/**
 * ipc_reply to a vCPU's event, its SC running the handler: the state written back
 * (event.writeBack) and the vCPU into its guest from this stack (ec.activateHere, then
 * event.enterGuest). SLOW, having changed nothing, when the reply carries SPACES or POISON,
 * or the vCPU has a recall due or no valid spaces (enterGuest would deliver or kill).
 */
function fastReplyGuest(f: ExceptionFrame, e: Ec, c: Ec): u32 {
  const mtd = u32(f.rsi & 0xffff_ffff);
  const v = c.vcpu;
  if (v === null || v.illegal || (mtd & MTD_SLOW_GUEST) !== 0) return SLOW;
  const s = sc.current();
  if (s === null || s.ec !== c || sc.mustReschedule()) return SLOW;
  if (c.state !== State.READY || c.parked !== null || c.hazard !== 0) return SLOW;
  if (!ec.activatesFast(c)) return SLOW;
  e.state = State.BLOCKED;
  e.cont = ec.waitForCalls;
  ec.unlink(e);
  event.writeBack(c, e.utcb, mtd);
  ec.activateHere(c);
}

/** ipc_reply to a caller whose own SC runs the call; returns SLOW (having changed nothing) for any other case. */
export function fastReply(f: ExceptionFrame, _sel: u64, _flags: u32): u32 {
  const e = ec.current();
  const c = e.caller;
  if (c === null || refs(e.hdr) === 0) return SLOW;
  if (e.eventCaller) return c.vcpu !== null ? fastReplyGuest(f, e, c) : SLOW;
  const s = sc.current();
  if (s === null || s.ec !== c || sc.mustReschedule()) return SLOW;
  if (c.state !== State.READY || c.parked !== null || !ec.activatesFast(c)) return SLOW;
  const mtd = u32(f.rsi & 0xffff_ffff);
  e.state = State.BLOCKED;
  e.cont = ec.waitForCalls;
  ec.unlink(e);
  utcb.copyWords(e.utcb, c.utcb, words(mtd));
  c.regs.rsi = u64(mtd);
  c.regs.rdi = u64(Status.SUCCESS);
  ec.release(c, event.retUserSysret);
  ec.activateFast(c);
}

/** ipc_reply (0x1): RSI the MTD. Never returns to the replying EC's caller site. */
export function ipcReply(f: ExceptionFrame, _sel: u64, _flags: u32): Status {
  const e = ec.current();
  const mtd = u32(f.rsi & 0xffff_ffff);
  const c = e.caller;
  e.state = State.BLOCKED;
  e.cont = ec.waitForCalls;
  if (c === null) {
    // The caller was destroyed during the call: the reply goes nowhere, and the SC (a
    // helper's) runs its own chain again, which retries its call to this EC.
    if (e.orphaned) {
      e.orphaned = false;
      sc.preempt();
    }
    sc.block(e);
  }
  const isEvent = e.eventCaller;
  ec.unlink(e);
  if (isEvent) event.writeBack(c, e.utcb, mtd);
  else {
    utcb.copyWords(e.utcb, c.utcb, words(mtd));
    c.regs.rsi = u64(mtd);
    c.regs.rdi = u64(Status.SUCCESS);
    ec.release(c, event.retUserSysret);
  }
  resume(c);
}

/**
 * Back to `c` on the running SC when that is what the SC runs now (the
 * common case: `c` called on this SC); otherwise the scheduler decides.
 */
function resume(c: Ec): never {
  const s = sc.current();
  // The SC's own EC made the call in the common case; a donated or helping SC walks its chain.
  const runsC = s !== null && (s.ec === c || ec.resolve(s.ec) === c);
  if (runsC && !sc.mustReschedule() && ec.runnable(c)) ec.activate(c);
  sc.preempt();
}
