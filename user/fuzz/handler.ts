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
// - an event of a vCPU (its PD's table, layout.ts vcpuEvt; PID: PD << 12 |
//   event): STARTUP gets a real-mode state at the guest code page and MTD
//   SPACES, an exit a step (on past the instruction, back into the code,
//   scrambled state under a random MTD, SPACES, an injection, POISON, as it
//   is); R15 counts a vCPU's exits, after VSTEPS it is POISON;
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
import { ArchUtcb, Segment } from "../../abi/arch_utcb.ts";
import { GST_RECALL, GST_STARTUP, HST_RECALL, HST_STARTUP } from "../../abi/events.ts";
import { FEATURE_VMX } from "../../abi/hip_page.ts";
import { Hypercall } from "../../abi/hypercall.ts";
import {
  MTD_CR,
  MTD_CS_SS,
  MTD_CTRL,
  MTD_DR,
  MTD_DS_ES,
  MTD_EFER,
  MTD_FS_GS,
  MTD_GDTR,
  MTD_GPR0_7,
  MTD_GPR8_15,
  MTD_IDTR,
  MTD_INJ,
  MTD_KERNEL_GS,
  MTD_LDTR,
  MTD_PAT,
  MTD_POISON,
  MTD_QUAL,
  MTD_RFLAGS,
  MTD_RIP,
  MTD_SPACES,
  MTD_STA,
  MTD_SYSCALL,
  MTD_SYSENTER,
  MTD_TLB,
  MTD_TR,
  MTD_XSAVE,
} from "../../abi/mtd.ts";
import { EFER_SVME } from "../../abi/msr.ts";
import { SVM_EVENT_INVALID, SVM_EVENT_NPF } from "../../abi/svm_exits.ts";
import { hip } from "../nova/hip.ts";
import { arch, words } from "../nova/utcb.ts";
import { Call, Ctx, generate } from "./gen.ts";
import * as L from "./layout.ts";
import { trace } from "./report.ts";
import { Rng, below, chance, next, seed, streamSeed, wide } from "./rng.ts";
import { RING, config, count, handlerStream, record } from "./state.ts";

/** Structural PIDs: MAGIC | kind << 16 | event number (vCPUs: PD << 12 | event number). */
export const PID_MAGIC: u64 = 0xf022_7e57_0000_0000;
const PID_MASK: u64 = 0xffff_ffff_0000_0000;
export const KIND_CALL: u64 = 1;
export const KIND_WORKER: u64 = 2;
export const KIND_EVENT: u64 = 3;
export const KIND_VCPU: u64 = 4;

export function pid(kind: u64, n: u64): u64 {
  return PID_MAGIC | (kind << 16) | n;
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
  vendor.vmx = (hip().features & FEATURE_VMX) !== 0;
  for (let c: u64 = 0; c < L.MAX_CPUS; c++) {
    handlers[c].served = 0;
    handlers[c].steered = 0;
    for (let k: usize = 0; k < 16; k++) vcounts[c].n[k] = 0;
    seed(rngs[c], streamSeed(config.seed, config.round, L.MAX_WORKERS + c));
    const x = ctxs[c];
    x.cpu = c;
    x.cpus = config.cpus;
    x.steered = true;
    x.ticksPerUs = config.ticksPerUs;
    x.iommu = config.iommu;
    x.vcpus = config.vcpus;
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
  const kind = (p & PID_MASK) === PID_MAGIC ? (p >> 16) & 0xff : KIND_CALL;
  if (kind === KIND_WORKER) return worker(c, p & 0xffff, arch(utcb));
  if (kind === KIND_EVENT) return steer(c, p & 0xffff, arch(utcb));
  if (kind === KIND_VCPU) return vcpu(c, p & 0xffff, arch(utcb));
  return words(utcb).get(0) & 0xffff_ffff;
}

// ---- vCPUs ----

/** A vCPU's exits before it is POISONed (R15 counts them: real-mode code cannot touch it). */
const VSTEPS: u64 = 24;

/** vCPU events by kind (VK_*), per CPU: what the round's vCPUs delivered. */
export const VK_STARTUP: u64 = 0;
export const VK_RECALL: u64 = 1;
export const VK_CPUID: u64 = 2;
export const VK_HLT: u64 = 3;
export const VK_IO: u64 = 4;
export const VK_VMMCALL: u64 = 5;
export const VK_NPF: u64 = 6;
export const VK_INVALID: u64 = 7;
export const VK_OTHER: u64 = 8;
export const VK_KINDS: u64 = 9;
class VcpuCounts {
  n: Arr<u64, 16>;
}
const vcounts = array<Inline<VcpuCounts>, 8>();

/** Kind `k`'s name in the `FUZZ vcpu` line. */
export function vcpuKindName(k: u64): str {
  if (k === VK_STARTUP) return "startup";
  if (k === VK_RECALL) return "recall";
  if (k === VK_CPUID) return "cpuid";
  if (k === VK_HLT) return "hlt";
  if (k === VK_IO) return "io";
  if (k === VK_VMMCALL) return "vmmcall";
  if (k === VK_NPF) return "npf";
  if (k === VK_INVALID) return "invalid";
  return "other";
}

/** The vCPU events of every CPU of kind `k` this round. */
export function vcpuEvents(k: u64): u64 {
  let n: u64 = 0;
  for (let c: u64 = 0; c < L.MAX_CPUS; c++) n += vcounts[c].n[k];
  return n;
}

class Vendor {
  vmx: bool;
}
const vendor = new Vendor();

/** The event numbers of CPUID, HLT, I/O, the hypercall, a nested page fault and a bad state. */
function kindOf(n: u64): u64 {
  if (n === u64(GST_STARTUP)) return VK_STARTUP;
  if (n === u64(GST_RECALL)) return VK_RECALL;
  if (vendor.vmx) {
    if (n === 10) return VK_CPUID;
    if (n === 12) return VK_HLT;
    if (n === 30) return VK_IO;
    if (n === 18) return VK_VMMCALL;
    if (n === 48 || n === 49) return VK_NPF;
    if (n === 33) return VK_INVALID;
    return VK_OTHER;
  }
  if (n === 0x72) return VK_CPUID;
  if (n === 0x78) return VK_HLT;
  if (n === 0x7b) return VK_IO;
  if (n === 0x81) return VK_VMMCALL;
  if (n === u64(SVM_EVENT_NPF)) return VK_NPF;
  if (n === u64(SVM_EVENT_INVALID)) return VK_INVALID;
  return VK_OTHER;
}

/**
 * Whether a vCPU event table has a portal for event `n` (layout.ts vcpuEvt): STARTUP, RECALL
 * and the vendor's exits the fuzzer's guests reach (SVM: exceptions 0x40–0x5f and the
 * intercepts 0x60–0x8f, the nested page fault and VMEXIT_INVALID; VMX: reasons 2–0x41).
 */
export function vcpuEvent(n: u64): bool {
  if (n === u64(GST_STARTUP) || n === u64(GST_RECALL)) return true;
  if (vendor.vmx) return n >= 2 && n < 0x42;
  return (n >= 0x40 && n < 0x90) || n === u64(SVM_EVENT_NPF) || n === u64(SVM_EVENT_INVALID);
}

/** The state the kernel hands over for vCPU events (the portals' MTD, round.ts). */
export const VCPU_EVENT_MTD: u32 =
  MTD_GPR0_7 | MTD_GPR8_15 | MTD_RFLAGS | MTD_RIP | MTD_STA | MTD_QUAL | MTD_INJ;

/** What a good STARTUP writes: all but the APIC, TPR, TSC, PDPTE, FPU and TLB; the spaces. */
const START: u64 = u64(
  MTD_GPR0_7 |
    MTD_GPR8_15 |
    MTD_RFLAGS |
    MTD_RIP |
    MTD_STA |
    MTD_CTRL |
    MTD_INJ |
    MTD_CS_SS |
    MTD_DS_ES |
    MTD_FS_GS |
    MTD_TR |
    MTD_LDTR |
    MTD_GDTR |
    MTD_IDTR |
    MTD_CR |
    MTD_DR |
    MTD_XSAVE |
    MTD_SYSCALL |
    MTD_SYSENTER |
    MTD_PAT |
    MTD_EFER |
    MTD_KERNEL_GS |
    MTD_SPACES,
);

function segment(s: Segment, selector: u64, ar: u64, limit: u64, base: u64): void {
  s.selector = u16(selector & 0xffff);
  s.ar = u16(ar & 0xffff);
  s.limit = u32(limit & 0xffff_ffff);
  s.base = base;
}

/** A random segment: mostly one of real mode's with a few bits changed, sometimes anything. */
function randomSegment(r: Rng, s: Segment): void {
  if (chance(r, 1, 3)) segment(s, next(r), next(r), next(r), wide(r));
  else if (chance(r, 1, 2)) s.ar = u16(s.ar ^ (u64(1) << below(r, 16)));
  else s.base = below(r, 0x10_0000);
}

/**
 * A space selector for MTD SPACES (looked up in the handler's object space, the root's): mostly
 * space `t` of the vCPU's PD j, sometimes another PD's, a generated one or none. Never the root's
 * own PIO space (layout.ts SP_VPIO), which a copy in FUZZ could be.
 */
function spaceFor(r: Rng, j: u64, t: u64): u64 {
  const pick = below(r, 20);
  const pd = pick < 15 ? j : below(r, L.PDS);
  const at = t === L.SP_PIO ? L.SP_VPIO : t;
  if (pick < 18) return L.STRUCT + L.SPACES + pd * 8 + at;
  if (pick < 19 && t !== L.SP_PIO) return L.region(below(r, 8)) + L.R_SPACE + below(r, 0x20);
  return chance(r, 1, 2) ? L.EVT_NONE + below(r, 0x100) : wide(r) >> 8;
}

function spaces(r: Rng, j: u64, u: ArchUtcb): void {
  u.selGst = spaceFor(r, j, L.SP_GST);
  u.selPio = spaceFor(r, j, L.SP_PIO);
  u.selMsr = spaceFor(r, j, L.SP_MSR);
}

/** A real-mode state at GUEST_CODE_PAGE that both vendors accept (user/vmmtest/vmm.ts startup). */
function startState(r: Rng, j: u64, u: ArchUtcb): void {
  for (let i: usize = 0; i < 16; i++) if (i !== GPR_RSP) u.gpr[i] = 0;
  u.gpr[GPR_RDX] = chance(r, 1, 2) ? L.PORTS + below(r, 16) : below(r, 0x10000);
  u.rflags = 2;
  u.rip = L.GUEST_CODE_PAGE << 12;
  u.interruptibility = 0;
  u.activity = 0;
  u.ctrl1 = 0;
  u.ctrl2 = 0;
  u.ctrl3 = 0;
  u.cr0Mask = 0;
  u.cr4Mask = 0;
  u.exceptionBitmap = chance(r, 1, 4) ? u32(next(r) & 0xffff_ffff) : 0;
  u.pfErrorMask = 0;
  u.pfErrorMatch = 0;
  u.intrInfo = 0;
  u.intrError = 0;
  segment(u.cs, 0, 0x9b, 0xffff, 0);
  segment(u.ss, 0, 0x93, 0xffff, 0);
  segment(u.ds, 0, 0x93, 0xffff, 0);
  segment(u.es, 0, 0x93, 0xffff, 0);
  segment(u.fs, 0, 0x93, 0xffff, 0);
  segment(u.gs, 0, 0x93, 0xffff, 0);
  segment(u.tr, 0, 0x8b, 0xffff, 0);
  segment(u.ldtr, 0, 0x82, 0xffff, 0);
  segment(u.gdtr, 0, 0, 0xffff, 0);
  segment(u.idtr, 0, 0, 0x3ff, 0);
  u.cr0 = 0x10;
  u.cr2 = 0;
  u.cr3 = 0;
  u.cr4 = 0;
  u.cr8 = 0;
  u.dr7 = 0x400;
  u.xcr0 = 1;
  u.xss = 0;
  u.star = 0;
  u.lstar = 0;
  u.fmask = 0;
  u.sysenterCs = 0;
  u.sysenterEsp = 0;
  u.sysenterEip = 0;
  u.pat = 0x0007_0406_0007_0406;
  u.efer = vendor.vmx ? 0 : EFER_SVME;
  u.kernelGsBase = 0;
  u.tscAux = 0;
  spaces(r, j, u);
}

/**
 * Bad and random values where an MTD selects them: RIP, RSP, RFLAGS, CR0/CR3/CR4, EFER,
 * segments, injection, controls, XCR0, DR7, PAT, the interruptibility state.
 */
function scramble(r: Rng, u: ArchUtcb): void {
  const n = 1 + below(r, 4);
  for (let i: u64 = 0; i < n; i++) {
    const pick = below(r, 16);
    if (pick === 0) u.rip = chance(r, 1, 2) ? wide(r) : below(r, 0x10_0000);
    else if (pick === 1) u.gpr[GPR_RSP] = wide(r);
    else if (pick === 2) u.rflags = chance(r, 1, 2) ? next(r) : 2 | (u64(1) << below(r, 22));
    else if (pick === 3) u.cr0 = chance(r, 1, 2) ? next(r) : u.cr0 ^ (u64(1) << below(r, 32));
    else if (pick === 4) u.cr4 = chance(r, 1, 2) ? next(r) : u.cr4 ^ (u64(1) << below(r, 24));
    else if (pick === 5) u.efer = chance(r, 1, 2) ? next(r) : u.efer ^ (u64(1) << below(r, 16));
    else if (pick === 6) u.cr3 = wide(r);
    else if (pick === 7) randomSegment(r, chance(r, 1, 2) ? u.cs : u.ss);
    else if (pick === 8) randomSegment(r, chance(r, 1, 2) ? u.tr : u.ldtr);
    else if (pick === 9) randomSegment(r, chance(r, 1, 2) ? u.ds : u.gdtr);
    else if (pick === 10) {
      // An event to inject: valid mostly, any type and vector, an error code sometimes.
      u.intrInfo = u32((chance(r, 4, 5) ? 0x8000_0000 : 0) | (next(r) & 0xfff));
      u.intrError = u32(next(r) & 0xffff_ffff);
    } else if (pick === 11) {
      u.ctrl1 = u32(next(r) & 0xffff_ffff);
      u.ctrl2 = u32(next(r) & 0xffff_ffff);
      u.exceptionBitmap = u32(next(r) & 0xffff_ffff);
    } else if (pick === 12) u.xcr0 = chance(r, 1, 2) ? next(r) : 1 | (below(r, 8) << 1);
    else if (pick === 13) u.dr7 = wide(r);
    else if (pick === 14) u.pat = wide(r);
    else u.interruptibility = u32(below(r, 16));
  }
}

/** The MTD of a reply that resumes a vCPU with R15 = `step` (GPR8_15 always carries it). */
function resume(u: ArchUtcb, step: u64, mtd: u64): u64 {
  u.gpr[GPR_R15] = step;
  return (mtd | u64(MTD_GPR8_15)) & ~u64(MTD_POISON);
}

/** Event `n` of a vCPU of PD j on CPU c: the reply MTD. */
function vcpu(c: u64, p: u64, u: ArchUtcb): u64 {
  const r = rngs[c];
  const j = (p >> 12) & 0xf;
  const n = p & 0xfff;
  const step = u.gpr[GPR_R15];
  vcounts[c].n[kindOf(n)]++;
  // A STARTUP with R15 set is another table's exit 0 (layout.ts): an exit like the others.
  if (n === u64(GST_STARTUP) && step === 0) {
    startState(r, j, u);
    if (chance(r, 1, 6)) scramble(r, u);
    // Sometimes without SPACES (the vCPU dies at entry), or without parts of the state.
    let mtd = START;
    if (chance(r, 1, 20)) mtd &= ~u64(MTD_SPACES);
    if (chance(r, 1, 10)) mtd &= next(r) | u64(MTD_SPACES);
    return resume(u, 1, mtd);
  }
  if (step >= VSTEPS || step === 0) return u64(MTD_POISON);
  const pick = below(r, 20);
  // On: past the instruction that exited (RIP by the length the kernel reported).
  if (pick < 9) {
    u.rip += u64(u.instLength);
    if (chance(r, 1, 3)) u.gpr[GPR_RDX] = chance(r, 1, 2) ? L.PORTS + below(r, 16) : next(r);
    if (chance(r, 1, 4)) u.gpr[GPR_RAX] = next(r);
    return resume(u, step + 1, u64(MTD_RIP | MTD_GPR0_7));
  }
  // Back into the guest code page, at its start or anywhere in its first bytes.
  if (pick < 11) {
    u.rip = (L.GUEST_CODE_PAGE << 12) + (chance(r, 1, 2) ? 0 : below(r, 12));
    return resume(u, step + 1, u64(MTD_RIP));
  }
  // Random state where a random MTD selects it (not SPACES: spaces() sets those).
  if (pick < 14) {
    scramble(r, u);
    return resume(u, step + 1, next(r) & 0x7fff_fffe);
  }
  if (pick < 15) {
    spaces(r, j, u);
    return resume(u, step + 1, u64(MTD_SPACES) | (chance(r, 1, 2) ? u64(MTD_RIP) : 0));
  }
  if (pick < 16) {
    u.intrInfo = u32(0x8000_0000 | (below(r, 8) << 8) | below(r, 256));
    u.intrError = u32(next(r) & 0xffff);
    return resume(u, step + 1, u64(MTD_INJ));
  }
  if (pick < 17) return u64(MTD_POISON) | (next(r) & 0xffff_fffe);
  // As it is (the same instruction again), or a TLB flush with it.
  return resume(u, step + 1, chance(r, 1, 4) ? u64(MTD_TLB) : 0);
}
