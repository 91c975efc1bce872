// The call generator: one random hypercall as the five registers of §3 (RDI,
// RSI, RDX, RAX, R8), over all 15 numbers. Most calls look valid: their
// selectors name the live objects of the round (layout.ts: SHARED's, and the
// FUZZ regions where earlier calls created things, by kind) and their
// parameters are in range, so they reach the kernel's success paths; the rest
// are near misses (another kind, a wrong CPU, an unaligned range) and, a
// small fraction, fully random registers.
//
// `sanitize` then applies the rules that keep the fuzzer itself alive to
// every call, generated or random: ctrl_pd writes only where the root
// prepared (destinationOk), never delegates memory executable with contents
// or writable from where code or data is, objects are made only in the
// round's block, UTCBs lie in the window, portals enter the image only at its
// entries, a worker never waits for good (a down always has a near deadline;
// no ipc_reply, which would block a global EC), an EC the handlers steer calls
// with T=1 (no helping cycles), and ctrl_hw never enters S4, S5 or reset.
// Everything else about the call is left as drawn.

import { Hypercall, PdOp } from "../../abi/hypercall.ts";
import { MTD_POISON } from "../../abi/mtd.ts";
import { PERM_MASK, Perm_mem } from "../../abi/perms.ts";
import { SCD_COS_SHIFT, SCD_PRIO_SHIFT } from "../../abi/scd.ts";
import { SELNUM } from "../../abi/selectors.ts";
import * as L from "./layout.ts";
import { Rng, below, chance, next, wide } from "./rng.ts";

/** One call: its registers, and for ipc_call the word its callee replies with (UTCB word 0). */
export class Call {
  rdi: u64;
  rsi: u64;
  rdx: u64;
  rax: u64;
  r8: u64;
  word0: u64;
  /** The destination is one of the round's guest spaces: any range (their tables go with them). */
  guest: bool;
}

/** Who asks: the CPU (its FUZZ region), how many there are, and how the call is made. */
export class Ctx {
  cpu: u64;
  cpus: u64;
  /** The call is made by an EC a handler steers (user/fuzz/handler.ts), not by a worker. */
  steered: bool;
  /** STC ticks per microsecond (timeouts are absolute STC values, §4.12). */
  ticksPerUs: u64;
  /** The register base of the first IOMMU (0: none). */
  iommu: u64;
  /** `vcpus=1`: vCPUs get the round's event tables and run guests (else they die at STARTUP). */
  vcpus: bool;
}

/** Percent of calls whose five registers are drawn at random. */
const RANDOM_PERCENT: u64 = 4;
/** A down waits at most this long (µs): every wait of the fuzzer's ECs ends. */
const MAX_WAIT_US: u64 = 50;

function rdiOf(sel: u64, flags: u64, number: u32): u64 {
  return (sel << 8) | ((flags & 0xf) << 4) | u64(number);
}

/** A selector of kind [off, off + len) of a FUZZ region: mostly the caller's own. */
function fuzzSel(r: Rng, c: Ctx, off: u64, len: u64): u64 {
  const pick = below(r, 20);
  if (pick < 14) return L.region(c.cpu) + off + below(r, len);
  if (pick < 17) return L.region(below(r, c.cpus)) + off + below(r, len);
  if (pick < 19) return L.region(below(r, c.cpus)) + L.R_COPY + below(r, L.R_END - L.R_COPY);
  return L.FUZZ + below(r, L.FUZZ_END - L.FUZZ);
}

/** A PD capability: the round's PDs (root and children) or one the generator made. */
function pdSel(r: Rng, c: Ctx): u64 {
  const pick = below(r, 20);
  if (pick < 12) return L.SHARED + L.PD_CAPS + below(r, L.PDS);
  if (pick < 19) return fuzzSel(r, c, L.R_PD, L.R_SPACE - L.R_PD);
  return L.SHARED + below(r, 0x100);
}

/** Space `t` (SP_*) of one of the round's PDs, a NOVA space, or a generated one. */
function spaceSel(r: Rng, c: Ctx, t: u64, nova: u64, source: bool): u64 {
  const pick = below(r, 20);
  if (source && pick < 4) return L.SHARED + nova;
  if (pick < 13) return L.SHARED + L.SPACES + below(r, L.PDS) * 8 + t;
  if (pick < 19) return fuzzSel(r, c, L.R_SPACE, L.R_EC - L.R_SPACE);
  return L.SHARED + L.SPACES + below(r, 0x28);
}

function ecSel(r: Rng, c: Ctx): u64 {
  if (chance(r, 1, 5)) return L.SHARED + L.WORKER_ECS + below(r, L.MAX_WORKERS);
  return fuzzSel(r, c, L.R_EC, L.R_SC - L.R_EC);
}

/** A semaphore: SHARED's, an interrupt semaphore (mostly, with `interrupt`) or a generated one. */
function smSel(r: Rng, c: Ctx, interrupt: bool): u64 {
  const pick = below(r, 20);
  if (pick < (interrupt ? 14 : 2)) return L.SHARED + L.INT_SMS + below(r, L.INT_SMS_COUNT);
  if (pick < (interrupt ? 15 : 7)) return L.SHARED + L.SMS + below(r, L.SMS_COUNT);
  return fuzzSel(r, c, L.R_SM, L.R_COPY - L.R_SM);
}

/** A portal: a handler's service portal (mostly this CPU's), an event portal, a generated one. */
function ptSel(r: Rng, c: Ctx): u64 {
  const pick = below(r, 20);
  if (pick < 5) return L.SHARED + L.SERVICE + (chance(r, 4, 5) ? c.cpu : below(r, c.cpus));
  if (pick < 6) return L.SHARED + L.FUZZ_EVT + below(r, c.cpus) * L.EVT_STRIDE + below(r, 0x22);
  return fuzzSel(r, c, L.R_PT, L.R_SM - L.R_PT);
}

/** A CPU: mostly the caller's, sometimes another, rarely none (BAD_CPU). */
function cpuOf(r: Rng, c: Ctx): u64 {
  const pick = below(r, 20);
  if (pick < 14) return c.cpu;
  if (pick < 19) return below(r, c.cpus);
  return c.cpus + below(r, 0x1000 - c.cpus);
}

/** An order: mostly single capabilities and small ranges, up to `max`. */
function orderUpTo(r: Rng, max: u64): u64 {
  const pick = below(r, 10);
  if (pick < 4) return 0;
  if (pick < 8) return 1 + below(r, max < 4 ? max : 4);
  return below(r, max + 1);
}

/** A base aligned to 2^ord inside [area, area + 2^areaOrder) (ord ≤ areaOrder). */
function alignedIn(r: Rng, area: u64, areaOrder: u64, ord: u64): u64 {
  return area + (below(r, u64(1) << (areaOrder - ord)) << ord);
}

/** A permission mask: all, none (a revocation) or any. */
function pmmOf(r: Rng): u64 {
  const pick = below(r, 10);
  if (pick < 4) return PERM_MASK;
  if (pick < 5) return 0;
  return below(r, PERM_MASK + 1);
}

/** An MTD for IPC (§6.1): mostly few words, sometimes many, sometimes any 32 bits. */
function ipcMtd(r: Rng): u64 {
  const pick = below(r, 10);
  if (pick < 5) return below(r, 4);
  if (pick < 8) return below(r, 512);
  return next(r) & 0xffff_ffff;
}

/** What a callee replies with: an IPC MTD, now and then with POISON or high bits. */
function replyMtd(r: Rng): u64 {
  const m = ipcMtd(r);
  return chance(r, 1, 5) ? m | u64(MTD_POISON) : m;
}

function ipcCall(r: Rng, c: Ctx, k: Call): void {
  k.rdi = rdiOf(ptSel(r, c), chance(r, 1, 4) ? 1 : 0, Hypercall.IPC_CALL);
  k.rsi = ipcMtd(r);
  k.word0 = replyMtd(r);
}

function createPd(r: Rng, c: Ctx, k: Call): void {
  const op = chance(r, 1, 10) ? below(r, 16) : below(r, u64(PdOp.MSR) + 1);
  const sel =
    op === u64(PdOp.PD)
      ? fuzzSel(r, c, L.R_PD, L.R_SPACE - L.R_PD)
      : fuzzSel(r, c, L.R_SPACE, L.R_EC - L.R_SPACE);
  k.rdi = rdiOf(sel, op, Hypercall.CREATE_PD);
  k.rsi = pdSel(r, c);
}

/** A UTCB page in the host window (the kernel maps it there, replacing what was). */
function utcbOf(r: Rng): u64 {
  return L.WINDOW + (below(r, u64(1) << L.WINDOW_ORDER) << 12);
}

/** An event base: the handler table of the EC's CPU, another CPU's, the workers' or none. */
function evtOf(r: Rng, c: Ctx, cpu: u64): u64 {
  const pick = below(r, 20);
  const on = cpu < c.cpus ? cpu : c.cpu;
  if (pick < 15) return L.SHARED + L.FUZZ_EVT + on * L.EVT_STRIDE;
  if (pick < 17) return L.SHARED + L.FUZZ_EVT + below(r, c.cpus) * L.EVT_STRIDE;
  if (pick < 18) return L.SHARED + L.WORKER_EVT + on * L.EVT_STRIDE;
  return next(r);
}

function createEc(r: Rng, c: Ctx, k: Call): void {
  // F as drawn, T (global) a third of the time (portals need local ECs); G (a vCPU) a sixth.
  let flags = (below(r, 2) << 2) | (chance(r, 1, 3) ? 2 : 0);
  const vcpu = chance(r, 1, c.vcpus ? 6 : 20);
  if (vcpu) flags |= 1;
  const cpu = cpuOf(r, c);
  const utcb = utcbOf(r);
  k.rdi = rdiOf(fuzzSel(r, c, L.R_EC, L.R_SC - L.R_EC), flags, Hypercall.CREATE_EC);
  k.rsi = pdSel(r, c);
  k.rdx = utcb | (cpu & 0xfff);
  // Mostly the UTCB's top as the stack: the handlers' portal code needs none, and the
  // generated ECs' UTCBs are theirs alone.
  k.rax = chance(r, 9, 10) ? utcb + 0x1000 : wide(r);
  k.r8 = evtOf(r, c, cpu);
  // A vCPU: a table of the round's (layout.ts vcpuEvt), mostly its PD's, on its CPU.
  // (Elsewhere its exits could meet a generated portal, whose EC replies to every exit alike:
  // a vCPU that never ends.)
  const pd = k.rsi - (L.SHARED + L.PD_CAPS);
  if (vcpu && c.vcpus) {
    const on = cpu < c.cpus ? cpu : c.cpu;
    k.r8 = L.vcpuEvt(pd < L.PDS && chance(r, 9, 10) ? pd : below(r, L.PDS), on);
  }
}

function createSc(r: Rng, c: Ctx, k: Call): void {
  const budget = chance(r, 1, 40) ? 0 : chance(r, 1, 10) ? below(r, 0x10000) : 1 + below(r, 10);
  const prio = chance(r, 1, 40) ? 0 : chance(r, 1, 2) ? 1 + below(r, 127) : 1 + below(r, 20);
  const cos = chance(r, 1, 40) ? below(r, 4) : 0;
  k.rdi = rdiOf(fuzzSel(r, c, L.R_SC, L.R_PT - L.R_SC), 0, Hypercall.CREATE_SC);
  k.rsi = pdSel(r, c);
  k.rdx = ecSel(r, c);
  k.rax = budget | (prio << SCD_PRIO_SHIFT) | (cos << SCD_COS_SHIFT);
}

/** A portal IP: one of fuzz.S's entries, sometimes 0 or an address outside the image. */
function ipOf(r: Rng): u64 {
  const pick = below(r, 20);
  if (pick < 18) return L.entry(below(r, L.ENTRIES));
  if (pick < 19) return 0;
  return L.outsideImage(wide(r));
}

function createPt(r: Rng, c: Ctx, k: Call): void {
  k.rdi = rdiOf(fuzzSel(r, c, L.R_PT, L.R_SM - L.R_PT), 0, Hypercall.CREATE_PT);
  k.rsi = pdSel(r, c);
  k.rdx = chance(r, 4, 5) ? L.region(c.cpu) + L.R_EC + below(r, L.R_SC - L.R_EC) : ecSel(r, c);
  k.rax = ipOf(r);
}

function createSm(r: Rng, c: Ctx, k: Call): void {
  const pick = below(r, 10);
  k.rdi = rdiOf(fuzzSel(r, c, L.R_SM, L.R_COPY - L.R_SM), 0, Hypercall.CREATE_SM);
  k.rsi = pdSel(r, c);
  k.rdx = pick < 7 ? below(r, 4) : pick < 9 ? u64.MAX - below(r, 2) : wide(r);
}

/** Object capabilities from SHARED or FUZZ to FUZZ, or reduced/revoked in place. */
function delegateObj(r: Rng, c: Ctx, k: Call): void {
  const src = spaceSel(r, c, L.SP_OBJ, L.NOVA_OBJ_AT, true);
  // Now and then the whole area: a space's FUZZ part revoked or copied at once.
  const ord = chance(r, 1, 50) ? L.FUZZ_ORDER : orderUpTo(r, 8);
  const ssb = chance(r, 1, 3)
    ? alignedIn(r, L.SHARED, L.SHARED_ORDER, ord)
    : alignedIn(r, L.FUZZ, L.FUZZ_ORDER, ord);
  const inPlace = chance(r, 1, 6);
  const dst = inPlace ? src : spaceSel(r, c, L.SP_OBJ, 0, false);
  // Mostly into a region's copies, which leaves the objects by kind alone.
  let dsb = alignedIn(r, L.FUZZ, L.FUZZ_ORDER, ord);
  if (ord <= L.COPY_ORDER && chance(r, 3, 4))
    dsb = alignedIn(r, L.region(below(r, c.cpus)) + L.R_COPY, L.COPY_ORDER, ord);
  if (inPlace) dsb = ssb;
  k.rdi = rdiOf(src, 0, Hypercall.CTRL_PD);
  k.rsi = dst;
  k.rdx = (ssb << 12) | ord;
  k.rax = (dsb << 12) | pmmOf(r);
}

/** Memory: from the NOVA host space (low pages), the image (read-only) or the window. */
function delegateHst(r: Rng, c: Ctx, k: Call): void {
  const src = spaceSel(r, c, L.SP_HST, L.NOVA_HST_AT, true);
  const ord = orderUpTo(r, 6);
  const pick = below(r, 10);
  let ssb = alignedIn(r, L.WINDOW >> 12, L.WINDOW_ORDER, ord);
  if (pick < 3) ssb = alignedIn(r, L.LOW_PHYS, L.LOW_PHYS_ORDER, ord);
  else if (pick < 5) ssb = alignedIn(r, L.IMAGE_PAGE, L.IMAGE_ORDER, ord);
  else if (pick < 6) ssb = wide(r) & ~((u64(1) << ord) - 1);
  // A guest or DMA space takes any guest-physical page or IOVA; a host space only the window.
  // Guest pages mostly in the first MiB, where the round's vCPUs run (layout.ts).
  const to = below(r, 20);
  const guest = to < 5;
  const dma = to >= 5 && to < 7;
  let dst = spaceSel(r, c, L.SP_HST, 0, false);
  let dsb = alignedIn(r, L.WINDOW >> 12, L.WINDOW_ORDER, ord);
  if (guest || dma) {
    const t = guest ? L.SP_GST : L.SP_DMA;
    dst = chance(r, 5, 6)
      ? L.SHARED + L.SPACES + below(r, L.PDS) * 8 + t
      : fuzzSel(r, c, L.R_SPACE, L.R_EC - L.R_SPACE);
    dsb = wide(r) & ((u64(1) << (guest ? u64(37) : u64(39))) - 1) & ~((u64(1) << ord) - 1);
    if (guest && chance(r, 2, 3))
      dsb = alignedIn(r, 0, L.GUEST_LOW_ORDER, ord < L.GUEST_LOW_ORDER ? ord : L.GUEST_LOW_ORDER);
  }
  k.rdi = rdiOf(src, 0, Hypercall.CTRL_PD);
  k.rsi = dst;
  k.rdx = (ssb << 12) | ord;
  k.rax = (dsb << 12) | below(r, 0x20);
  k.guest = guest || dma;
  // The MAD (§10.4): a cache attribute, now and then a reserved one or a key id.
  k.r8 = chance(r, 1, 10) ? next(r) & 0xffff_ffff : below(r, 5);
}

/** Ports or MSRs: ssb = dsb (§4.8), now and then not. */
function delegateIo(r: Rng, c: Ctx, k: Call, t: u64, nova: u64): void {
  const src = spaceSel(r, c, t, nova, true);
  const dst = spaceSel(r, c, t, 0, false);
  const ord = orderUpTo(r, 8);
  let base = alignedIn(r, t === L.SP_MSR ? L.MSR_HIGH : L.PORTS, 13, ord);
  // Now and then elsewhere (most of it BAD_PAR, or taken for BAD_PAR by sanitize).
  if (chance(r, 1, 5)) base = wide(r) & 0xffff_ffff & ~((u64(1) << ord) - 1);
  const dsb = chance(r, 1, 20) ? alignedIn(r, L.PORTS, 13, ord) : base;
  k.rdi = rdiOf(src, 0, Hypercall.CTRL_PD);
  k.rsi = dst;
  k.rdx = (base << 12) | ord;
  k.rax = (dsb << 12) | pmmOf(r);
}

/**
 * Guest memory reduced or revoked in place (pmm 0 mostly) in a guest space the round's vCPUs
 * may run on: mostly the first MiB, the guest code page included.
 */
function revokeGuest(r: Rng, c: Ctx, k: Call): void {
  const sp = chance(r, 5, 6)
    ? L.SHARED + L.SPACES + below(r, L.PDS) * 8 + L.SP_GST
    : fuzzSel(r, c, L.R_SPACE, L.R_EC - L.R_SPACE);
  const ord = orderUpTo(r, L.GUEST_LOW_ORDER);
  const base = chance(r, 4, 5)
    ? alignedIn(r, 0, L.GUEST_LOW_ORDER, ord)
    : wide(r) & ((u64(1) << 37) - 1) & ~((u64(1) << ord) - 1);
  k.rdi = rdiOf(sp, 0, Hypercall.CTRL_PD);
  k.rsi = sp;
  k.rdx = (base << 12) | ord;
  k.rax = (base << 12) | (chance(r, 2, 3) ? 0 : below(r, 0x20));
  k.guest = true;
}

function ctrlPd(r: Rng, c: Ctx, k: Call): void {
  const pick = below(r, 40);
  if (pick < 2) revokeGuest(r, c, k);
  else if (pick < 14) delegateObj(r, c, k);
  else if (pick < 26) delegateHst(r, c, k);
  else if (pick < 32) delegateIo(r, c, k, L.SP_PIO, L.NOVA_PIO_AT);
  else if (pick < 38) delegateIo(r, c, k, L.SP_MSR, L.NOVA_MSR_AT);
  else {
    // Any two spaces and ranges: mostly pairs §4.8 does not allow.
    k.rdi = rdiOf(spaceSel(r, c, below(r, 7), L.NOVA_OBJ_AT + below(r, 4), true), 0, 7);
    k.rsi = spaceSel(r, c, below(r, 7), 0, false);
    const ord = orderUpTo(r, 18);
    k.rdx = (alignedIn(r, L.FUZZ, L.FUZZ_ORDER, ord < 11 ? ord : 11) << 12) | ord;
    k.rax = (alignedIn(r, L.FUZZ, L.FUZZ_ORDER, ord < 11 ? ord : 11) << 12) | pmmOf(r);
  }
}

function ctrlEc(r: Rng, c: Ctx, k: Call): void {
  k.rdi = rdiOf(ecSel(r, c), below(r, 2), Hypercall.CTRL_EC);
}

function ctrlSc(r: Rng, c: Ctx, k: Call): void {
  const pick = below(r, 10);
  let sc = fuzzSel(r, c, L.R_SC, L.R_PT - L.R_SC);
  if (pick < 3) sc = L.SHARED + L.WORKER_SCS + below(r, L.MAX_WORKERS);
  else if (pick < 5) sc = L.SHARED + L.IDLE_SCS + below(r, c.cpus);
  k.rdi = rdiOf(sc, 0, Hypercall.CTRL_SC);
}

function ctrlPt(r: Rng, c: Ctx, k: Call): void {
  k.rdi = rdiOf(ptSel(r, c), 0, Hypercall.CTRL_PT);
  k.rsi = next(r);
  k.rdx = chance(r, 1, 2) ? below(r, 0x80) : next(r) & 0xffff_ffff;
}

function ctrlSm(r: Rng, c: Ctx, k: Call): void {
  const down = chance(r, 1, 2);
  const sm = smSel(r, c, false);
  // D, with Z now and then; an up with Z set now and then (ignored, §4.12).
  let flags: u64 = chance(r, 1, 10) ? 2 : 0;
  if (down) flags = chance(r, 1, 3) ? 3 : 1;
  k.rdi = rdiOf(sm, flags, Hypercall.CTRL_SM);
  // Absolute STC: soon, already past, or 0 (none: sanitize gives it a near deadline).
  const pick = below(r, 10);
  if (pick < 7) k.rsi = rdtsc() + below(r, MAX_WAIT_US + 1) * c.ticksPerUs;
  else if (pick < 9) k.rsi = 1 + below(r, 1000);
  else k.rsi = 0;
}

function ctrlHw(r: Rng, k: Call): void {
  const pick = below(r, 10);
  let op = below(r, 16);
  if (pick < 8) op = pick < 2 ? 0 : 4 + below(r, 4);
  k.rdi = rdiOf(chance(r, 1, 2) ? below(r, 0x200) : wide(r) >> 8, op, Hypercall.CTRL_HW);
}

function assignInt(r: Rng, c: Ctx, k: Call): void {
  k.rdi = rdiOf(smSel(r, c, true), below(r, 16), Hypercall.ASSIGN_INT);
  k.rsi = cpuOf(r, c);
  k.rdx = chance(r, 1, 2) ? 0 : below(r, 0x10000);
}

/**
 * A DMA space (mostly a round's), the IOMMU's register base (mostly the one the root found,
 * c.iommu), a device: mostly any bus:devfn of segment 0 (the unit's INCLUDE_PCI_ALL), or any.
 */
function assignDev(r: Rng, c: Ctx, k: Call): void {
  const dma = chance(r, 3, 4)
    ? spaceSel(r, c, L.SP_DMA, 0, false)
    : spaceSel(r, c, below(r, 7), 0, false);
  k.rdi = rdiOf(dma, 0, Hypercall.ASSIGN_DEV);
  k.rsi = chance(r, 4, 5) ? c.iommu : wide(r) & ~u64(0xfff);
  k.rdx = chance(r, 4, 5) ? below(r, 0x10000) : wide(r);
}

/** Five random registers: any number and flags, selectors and values of any width. */
function randomCall(r: Rng, k: Call): void {
  k.rdi = wide(r);
  k.rsi = wide(r);
  k.rdx = wide(r);
  k.rax = wide(r);
  k.r8 = wide(r);
  k.word0 = next(r);
}

/** One call into `k` (registers, then `sanitize`d). */
export function generate(r: Rng, c: Ctx, k: Call): void {
  k.rdi = 0;
  k.rsi = 0;
  k.rdx = 0;
  k.rax = 0;
  k.r8 = 0;
  k.word0 = 0;
  k.guest = false;
  if (chance(r, RANDOM_PERCENT, 100)) randomCall(r, k);
  else {
    const pick = below(r, 100);
    if (pick < 10) ipcCall(r, c, k);
    else if (pick < 13) k.rdi = rdiOf(0, 0, c.steered ? Hypercall.IPC_REPLY : Hypercall.RESERVED);
    else if (pick < 21) createPd(r, c, k);
    else if (pick < 29) createEc(r, c, k);
    else if (pick < 35) createSc(r, c, k);
    else if (pick < 42) createPt(r, c, k);
    else if (pick < 49) createSm(r, c, k);
    else if (pick < 69) ctrlPd(r, c, k);
    else if (pick < 74) ctrlEc(r, c, k);
    else if (pick < 77) ctrlSc(r, c, k);
    else if (pick < 82) ctrlPt(r, c, k);
    else if (pick < 93) ctrlSm(r, c, k);
    else if (pick < 95) ctrlHw(r, k);
    else if (pick < 97) assignInt(r, c, k);
    else if (pick < 99) assignDev(r, c, k);
    else k.rdi = rdiOf(wide(r) >> 8, below(r, 16), Hypercall.RESERVED);
    if ((k.rdi & 0xf) === u64(Hypercall.IPC_REPLY)) k.rsi = replyMtd(r);
  }
  sanitize(r, c, k);
}

// ---- the fuzzer's own safety (the module comment) ----

/** Whether [base, base + 2^ord) lies inside [from, from + 2^fromOrder). */
function inside(base: u64, ord: u64, from: u64, fromOrder: u64): bool {
  return ord <= fromOrder && base >= from && base + (u64(1) << ord) <= from + (u64(1) << fromOrder);
}

/**
 * Whether a ctrl_pd destination range, read as the selectors, ports, MSRs or pages of
 * whatever space it goes to, lies in what the root prepared for the generator (layout.ts:
 * FUZZ, the window, PORTS, the MSRs' high window). Everything the workers, the handlers and
 * the root rely on lies outside all of them, in every reading.
 */
function destinationOk(base: u64, ord: u64): bool {
  return (
    inside(base, ord, L.FUZZ, L.FUZZ_ORDER) ||
    inside(base, ord, L.WINDOW >> 12, L.WINDOW_ORDER) ||
    inside(base, ord, L.PORTS, L.PORTS_ORDER) ||
    inside(base, ord, L.MSR_HIGH, L.MSR_HIGH_ORDER)
  );
}

/** Whether [base, base + 2^ord) is of SHARED or FUZZ: as pages, nothing but junk is there. */
function objectRange(base: u64, ord: u64): bool {
  return inside(base, ord, L.SHARED, L.SHARED_ORDER) || inside(base, ord, L.FUZZ, L.FUZZ_ORDER);
}

/**
 * Memory is never delegated executable but from where nothing is (SHARED and FUZZ as pages):
 * an EC sent to a random address would run garbage, and garbage makes hypercalls no one
 * sanitized and stores through whatever its registers hold. Writable only from the window
 * and LOW_PHYS, so that the image's data pages do not appear where other ECs' stacks are.
 * Both bits mean something else for object capabilities, whose ranges are SHARED's and FUZZ's.
 */
function sanitizeCtrlPd(k: Call): void {
  const ord = k.rdx & 0x1f;
  const ssb = k.rdx >> 12;
  let dsb = k.rax >> 12;
  let pmm = k.rax & 0x1f;
  // Beyond every space (BAD_PAR), rather than somewhere the fuzzer did not prepare.
  if (!k.guest && !destinationOk(dsb, ord)) dsb = u64(1) << 36;
  if (!objectRange(ssb, ord)) {
    pmm &= ~u64(Perm_mem.XU | Perm_mem.XS);
    const writable =
      inside(ssb, ord, L.WINDOW >> 12, L.WINDOW_ORDER) ||
      inside(ssb, ord, L.LOW_PHYS, L.LOW_PHYS_ORDER);
    if (!writable) pmm &= ~u64(Perm_mem.W);
  }
  k.rax = (dsb << 12) | pmm | (k.rax & 0xfe0);
}

/** Applies the fuzzer's rules (module comment) to `k`. */
export function sanitize(r: Rng, c: Ctx, k: Call): void {
  let number = u32(k.rdi & 0xf);
  if (number === Hypercall.IPC_REPLY && !c.steered) {
    number = Hypercall.RESERVED;
    k.rdi |= 0xf;
  }
  const sel = k.rdi >> 8;
  if (number >= Hypercall.CREATE_PD && number <= Hypercall.CREATE_SM && sel < SELNUM) {
    // Outside the round's block the root would keep what it made after the round.
    if (sel < L.BLOCK || sel >= L.BLOCK + (u64(1) << L.BLOCK_ORDER))
      k.rdi = (fuzzSel(r, c, 0, L.R_END) << 8) | (k.rdi & 0xff);
  }
  if (number === Hypercall.IPC_CALL && c.steered) k.rdi |= 0x10;
  if (number === Hypercall.CREATE_EC) {
    const page = k.rdx >> 12;
    if (page < u64(1) << 35 && !inside(page, 0, L.WINDOW >> 12, L.WINDOW_ORDER))
      k.rdx = utcbOf(r) | (k.rdx & 0xfff);
  }
  // A portal's IP is one of the entries or no code of the image (layout.ts outsideImage).
  if (number === Hypercall.CREATE_PT && !L.isEntry(k.rax)) k.rax = L.outsideImage(k.rax);
  if (number === Hypercall.CTRL_PD) sanitizeCtrlPd(k);
  if (number === Hypercall.CTRL_SM && (k.rdi & 0x10) !== 0) {
    const now = rdtsc();
    if (k.rsi === 0 || k.rsi > now + MAX_WAIT_US * c.ticksPerUs)
      k.rsi = now + below(r, MAX_WAIT_US + 1) * c.ticksPerUs;
  }
  if (number === Hypercall.CTRL_HW && ((k.rdi >> 4) & 0xf) === 0) {
    const s = (k.rdi >> 8) & 0x7;
    // S4 and S5 power off, 7 resets: the run would end. 6 is no state (BAD_FTR).
    if (s === 4 || s === 5 || s === 7) k.rdi = (k.rdi & ~u64(0x700)) | 0x600;
  }
}
