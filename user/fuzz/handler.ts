// The handler of a CPU: a local EC of the root PD that every structural portal
// of that CPU is bound to (fuzz.S fuzz_handler_entry → `serve`), told apart by
// the portal's PID (set once by the root; the capabilities the generator sees
// have no CTRL, so it stays):
//
// - a worker's STARTUP: the worker (found by its stack, create_ec's sp) goes to
//   fuzz_worker_entry with RDI = its index; its RECALL: resumes unchanged;
// - any event of an EC the generator made (its event base is its CPU's table):
//   the handler steers it, a step of a chain each EC runs through: make a
//   generated call (RIP = fuzz_steered: SYSCALL, then UD2, whose #UD brings
//   the status back here), reply (fuzz_block: ipc_reply, which ends a local
//   EC's call or blocks a global EC for good), go somewhere wild (RIP 0, a
//   non-canonical or kernel address, random flags), take a random MTD, or
//   POISON. R15 counts the steps of an EC: after STEPS it is POISON or a
//   reply, so every chain ends;
// - a call (the service portals, any other PID): replies with the MTD the
//   caller put in its word 0.
//
// The reply MTD is the value `serve` returns (fuzz.S). The handler's choices
// come from a stream of its own per round (rng.ts), so they do not depend on
// the workers' streams.

import {
  GPR_R14,
  GPR_R15,
  GPR_R8,
  GPR_RAX,
  GPR_RDI,
  GPR_RDX,
  GPR_RSI,
  GPR_RSP,
} from "../../abi/arch_utcb.ts";
import { ArchUtcb } from "../../abi/arch_utcb.ts";
import { HST_RECALL, HST_STARTUP } from "../../abi/events.ts";
import { Hypercall } from "../../abi/hypercall.ts";
import { MTD_GPR0_7, MTD_GPR8_15, MTD_POISON, MTD_RFLAGS, MTD_RIP } from "../../abi/mtd.ts";
import { arch, words } from "../nova/utcb.ts";
import { Call, Ctx, generate } from "./gen.ts";
import * as L from "./layout.ts";
import { trace } from "./report.ts";
import { Rng, below, chance, next, seed, streamSeed, wide } from "./rng.ts";
import { RING, config, count, handlerStream, record } from "./state.ts";

/** Structural PIDs: MAGIC | kind << 8 | event number. */
export const PID_MAGIC: u64 = 0xf022_7e57_0000_0000;
const PID_MASK: u64 = 0xffff_ffff_ffff_0000;
export const KIND_CALL: u64 = 1;
export const KIND_WORKER: u64 = 2;
export const KIND_EVENT: u64 = 3;

export function pid(kind: u64, n: u64): u64 {
  return PID_MAGIC | (kind << 8) | n;
}

/** A steered EC's steps before its chain ends. */
const STEPS: u64 = 8;
/** R14 of a steered EC while its call runs: TAG << 40 | its number in the stream << 8 | hypercall. */
const TAG: u64 = 0x5eed;
const TAG_SHIFT: u64 = 40;

class Handler {
  /** Invocations this round: every one after the first follows a reply that worked. */
  served: u64;
  /** Calls steered this round (their numbers in the handler's ring). */
  steered: u64;
}
const handlers = array<Inline<Handler>, 8>();
const rngs = array<Inline<Rng>, 8>();
const ctxs = array<Inline<Ctx>, 8>();
const calls = array<Inline<Call>, 8>();

/** Before a round: the handlers' streams start again. */
export function prepare(): void {
  for (let c: u64 = 0; c < L.MAX_CPUS; c++) {
    handlers[c].served = 0;
    handlers[c].steered = 0;
    seed(rngs[c], streamSeed(config.seed, config.round, L.MAX_WORKERS + c));
    const x = ctxs[c];
    x.cpu = c;
    x.cpus = config.cpus;
    x.steered = true;
    x.ticksPerUs = config.ticksPerUs;
  }
}

/** Steps a steered EC through a generated call. */
function steerCall(c: u64, u: ArchUtcb, step: u64): u64 {
  const k = calls[c];
  generate(rngs[c], ctxs[c], k);
  const h = handlers[c];
  record(handlerStream(c), h.steered, k);
  if (config.trace) trace("h", c, h.steered, k);
  handlerStream(c).calls.add(1);
  u.gpr[GPR_RDI] = k.rdi;
  u.gpr[GPR_RSI] = k.rsi;
  u.gpr[GPR_RDX] = k.rdx;
  u.gpr[GPR_RAX] = k.rax;
  u.gpr[GPR_R8] = k.r8;
  u.gpr[GPR_R14] = (TAG << TAG_SHIFT) | ((h.steered & 0xffff_ffff) << 8) | (k.rdi & 0xf);
  h.steered++;
  u.gpr[GPR_R15] = step + 1;
  u.rip = u64(linkerSymbol("fuzz_steered"));
  return u64(MTD_RIP | MTD_GPR0_7 | MTD_GPR8_15);
}

/**
 * An address to resume at that is no code of the EC's: 0, non-canonical, the kernel's, any
 * address outside the image, or one of the portal entries. Never elsewhere in the image: the
 * fuzzer's own code run with random registers could write anywhere in the shared data pages.
 */
function wildRip(r: Rng): u64 {
  const pick = below(r, 5);
  if (pick === 0) return 0;
  if (pick === 1) return 0x8000_0000_0000;
  if (pick === 2) return 0xffff_ffff_8000_0000 + below(r, 0x10_0000);
  if (pick === 3) return L.entry(below(r, L.ENTRIES));
  return L.outsideImage(wide(r));
}

/** One step of a steered EC whose event `n` came with its state in `u`. */
function steer(c: u64, n: u64, u: ArchUtcb): u64 {
  const r = rngs[c];
  const step = u.gpr[GPR_R15];
  // The call this EC was steered to make has come back: its status is in RDI.
  const steeredUd = u64(linkerSymbol("fuzz_steered")) + 2;
  const tag = u.gpr[GPR_R14];
  if (u.rip === steeredUd && tag >> TAG_SHIFT === TAG) {
    const s = handlerStream(c);
    const status = u.gpr[GPR_RDI] & 0xff;
    count(s, tag, status);
    const e = s.ring[(tag >> 8) & (RING - 1)];
    if (e.n === ((tag >> 8) & 0xffff_ffff)) e.status = status;
  }
  u.gpr[GPR_R14] = 0;
  const pick = below(r, 20);
  if (step >= STEPS) return chance(r, 1, 2) ? u64(MTD_POISON) : reply(r, u, step);
  if (pick < 9) return steerCall(c, u, step);
  if (pick < 12) return reply(r, u, step);
  if (pick < 13) return u64(MTD_POISON) | (next(r) & 0xffff_fffe);
  u.gpr[GPR_R15] = step + 1;
  if (pick < 16) {
    u.rip = wildRip(r);
    if (chance(r, 1, 3)) u.gpr[GPR_RSP] = wide(r);
    u.rflags = next(r);
    return u64(MTD_RIP | MTD_GPR0_7 | MTD_GPR8_15 | MTD_RFLAGS);
  }
  // Any MTD (the vCPU bits mean nothing for a host EC) with the state as it came; the RIP of
  // a fault is the same again, so R15 must go back with it.
  if (n === u64(HST_RECALL) || n === u64(HST_STARTUP)) u.rip = wildRip(r);
  return (next(r) & 0xffff_fffe) | u64(MTD_GPR8_15);
}

/** Steps a steered EC to ipc_reply with a random MTD (fuzz_block). */
function reply(r: Rng, u: ArchUtcb, step: u64): u64 {
  u.gpr[GPR_RSI] = chance(r, 1, 2) ? below(r, 8) : next(r) & 0xffff_ffff;
  u.gpr[GPR_R15] = step + 1;
  u.rip = u64(linkerSymbol("fuzz_block"));
  return u64(MTD_RIP | MTD_GPR0_7 | MTD_GPR8_15);
}

/** A worker's STARTUP (its index from its stack) or RECALL; else the EC is steered. */
function worker(c: u64, n: u64, u: ArchUtcb): u64 {
  const w = L.workerOfStack(u.gpr[GPR_RSP]);
  if (n === u64(HST_STARTUP) && w < L.MAX_WORKERS && u.gpr[GPR_RSP] === L.workerStackTop(w)) {
    u.rip = u64(linkerSymbol("fuzz_worker_entry"));
    u.gpr[GPR_RDI] = w;
    return u64(MTD_RIP | MTD_GPR0_7);
  }
  if (n === u64(HST_RECALL) && w < L.MAX_WORKERS) return 0;
  return steer(c, n, u);
}

/** fuzz.S fuzz_handler_entry: the reply MTD for this call or event. */
export function serve(p: u64, _mtd: u64, rsp: u64): u64 {
  const c = L.handlerOfStack(rsp);
  const h = handlers[c];
  // The reply that ended the last invocation worked: the handler is called again.
  if (h.served !== 0) {
    count(handlerStream(c), u64(Hypercall.IPC_REPLY), 0);
    handlerStream(c).calls.add(1);
  }
  h.served++;
  const utcb = L.handlerUtcb(c);
  const kind = (p & PID_MASK) === PID_MAGIC ? (p >> 8) & 0xff : KIND_CALL;
  if (kind === KIND_WORKER) return worker(c, p & 0xff, arch(utcb));
  if (kind === KIND_EVENT) return steer(c, p & 0xff, arch(utcb));
  return words(utcb).get(0) & 0xffff_ffff;
}
