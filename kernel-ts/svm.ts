// AMD SVM (AMD APM Vol. 2, chapter 15): the back-end of vCPUs (vcpu.ts) on
// AMD CPUs. A vCPU's guest state lives in its VMCB (vmcb.ts) except for the
// general registers, which are the vCPU's ExceptionFrame as a host EC's are
// (RAX, RSP, RIP and RFLAGS are copied between the frame and the VMCB around
// each run, so that state transfer treats both kinds of EC alike).
//
// - Usable when CPUID has SVM with nested paging and VM_CR.SVMDIS is clear.
//   Each CPU sets EFER.SVME, gives VMRUN its host save area (VM_HSAVE_PA)
//   and keeps a VMSAVE image of its own FS/GS/TR/LDTR/SYSCALL state, which
//   VMLOAD restores after every run (svm.S). That image is taken once, after
//   the SYSCALL MSRs are set: the kernel's GS base never changes and ring 3
//   cannot change its own (no CR4.FSGSBASE, no WRMSR), so it stays true.
// - Intercepts: the kernel forces what it must see or the guest must not do
//   (FORCED_1/2 below); the VMM's CTRL words are OR-ed in (nova-abi.md §13.8).
// - ASIDs: per CPU, handed out in generations. A vCPU takes a fresh one when
//   its CPU started a new generation, when its guest space lost a mapping
//   since its last run (Space_hst.flushes), or when its VMM asked (MTD TLB):
//   a fresh ASID has no TLB entries, so no flush-by-ASID is needed (QEMU has
//   none). When a CPU runs out, it starts a new generation with a full flush.
// - Exit codes become event numbers (§8.3, §13.5): the raw code for
//   0x00–0xff, NPF → 0xfc, VMEXIT_INVALID (and any other code) → 0xfd.

import { ArchUtcb, Segment } from "../abi/arch_utcb.ts";
import { SVM_EVENT_INVALID, SVM_EVENT_NONE, SvmExit, svmEvent } from "../abi/svm_exits.ts";
import { MTD_CR, MTD_CS_SS, MTD_CTRL, MTD_DR, MTD_DS_ES, MTD_EFER } from "../abi/mtd.ts";
import { MTD_FS_GS, MTD_GDTR, MTD_IDTR, MTD_INJ, MTD_KERNEL_GS, MTD_LDTR } from "../abi/mtd.ts";
import { MTD_PAT, MTD_QUAL, MTD_STA, MTD_SYSCALL, MTD_SYSENTER, MTD_TR } from "../abi/mtd.ts";
import { EFER_SVME, IA32_EFER, IA32_TSC_AUX, VM_CR, VM_HSAVE_PA } from "../abi/msr.ts";
import * as cpu from "./cpu.ts";
import {
  AR_UNUSABLE,
  ERROR_CODE_VECTORS,
  FORCED_EXCEPTIONS,
  GuestSegment,
  INJ_ERROR,
  INJ_TYPE_MASK,
  INJ_TYPE_SHIFT,
  INJ_VALID,
  INJ_WINDOW,
  TYPE_HW_EXCEPTION,
  TYPE_PRIV_SW_EXCEPTION,
  TYPE_SW_EXCEPTION,
  canonical,
  reflection,
  sanitizedFmask,
  sanitizedStar,
  transferSegments,
} from "./guest_state.ts";
import { ExceptionFrame } from "./frame.ts";
import { GuestCode } from "./insn_length.ts";
import * as kmem from "./kmem.ts";
import { allocBytes, freeBytes } from "./kobject.ts";
import * as percpu from "./percpu.ts";
import {
  EVENT_FIELDS,
  EVENT_VALID,
  INTERCEPT2_CLGI,
  INTERCEPT2_SKINIT,
  INTERCEPT2_STGI,
  INTERCEPT2_VMLOAD,
  INTERCEPT2_VMMCALL,
  INTERCEPT2_VMRUN,
  INTERCEPT2_VMSAVE,
  INTERCEPT2_XSETBV,
  INTERCEPT_CPUID,
  INTERCEPT_HLT,
  INTERCEPT_INTR,
  INTERCEPT_INVD,
  INTERCEPT_INVLPGA,
  INTERCEPT_IOIO,
  INTERCEPT_MSR,
  INTERCEPT_NMI,
  INTERCEPT_SHUTDOWN,
  INTERCEPT_TASK_SWITCH,
  INTERCEPT_VINTR,
  NESTED_PAGING,
  TLB_FLUSH_ALL,
  TLB_NONE,
  V_IGN_TPR,
  V_INTR_MASKING,
  V_INTR_PRIO_SHIFT,
  V_IRQ,
  Vmcb,
  VmcbSegment,
} from "./vmcb.ts";

const LEAF_SVM: u32 = 0x8000_000a;
const SVM_NPT: u32 = 1 << 0;
const SVM_NRIPS: u32 = 1 << 3;

const VM_CR_SVMDIS: u64 = 1 << 4;

const PAGE: usize = 4096;

/** The exception exits: SvmExit.EXCEPTION + vector, 32 vectors. */
const EXCEPTION_EXITS: u64 = 32;
/** VMEXIT_INVALID's low half: QEMU writes only the low 32 bits (test-platforms.md §3). */
const EXIT_INVALID_LOW: u64 = 0xffff_ffff;
/** run()'s answer for an exit the kernel consumed (a host interrupt or NMI). */
export const CONSUMED: u32 = u32.MAX;

/**
 * Intercepts every vCPU has whatever its VMM asks: host interrupts and NMIs
 * (handled by the kernel), the virtual interrupt window (INJ), what the VMM
 * must emulate (CPUID, HLT, INVD, I/O and MSRs through the vCPU's PIO and
 * MSR spaces, task switches, shutdown), and every SVM instruction (the guest
 * could otherwise run VMRUN, VMLOAD, VMSAVE on host-physical addresses or
 * flush other guests' ASIDs). XSETBV: the guest's XCR0 is state the kernel
 * switches (vcpu.ts), so the VMM emulates it (MTD XSAVE), as on VMX.
 */
const FORCED_1: u32 =
  INTERCEPT_INTR |
  INTERCEPT_NMI |
  INTERCEPT_VINTR |
  INTERCEPT_CPUID |
  INTERCEPT_INVD |
  INTERCEPT_HLT |
  INTERCEPT_INVLPGA |
  INTERCEPT_IOIO |
  INTERCEPT_MSR |
  INTERCEPT_TASK_SWITCH |
  INTERCEPT_SHUTDOWN;
const FORCED_2: u32 =
  INTERCEPT2_VMRUN |
  INTERCEPT2_VMMCALL |
  INTERCEPT2_VMLOAD |
  INTERCEPT2_VMSAVE |
  INTERCEPT2_STGI |
  INTERCEPT2_CLGI |
  INTERCEPT2_SKINIT |
  INTERCEPT2_XSETBV;

/** CR write intercepts (interceptCr bits 31:16) for a VMM's non-zero CR0/CR4 mask. */
const INTERCEPT_CR0_WRITE: u32 = 1 << 16;
const INTERCEPT_CR4_WRITE: u32 = 1 << 20;

/** UTCB access rights (§6.4) but the unusable bit: the SVM attribute layout. */
const AR_SVM: u16 = 0x0fff;
const AR_PRESENT: u16 = 1 << 7;
const AR_DPL_SHIFT: u16 = 5;

class SvmCpu {
  /** The host save area VMRUN uses, and this CPU's VMSAVE image. */
  hsave: Phys;
  host: Phys;
  /** The next ASID to hand out, and the generation it belongs to. */
  nextAsid: u32;
  generation: u64;
  /** Guest runs on this CPU (the boot log's SVM line). */
  runs: u64;
  /**
   * Every ASID must be flushed at this CPU's next VMRUN that succeeds: its first, and the
   * first after it ran out of ASIDs (a VMRUN the CPU refuses flushes nothing).
   */
  flushOwed: bool;
}
const cpus = array<Inline<SvmCpu>, 256>();

class Svm {
  usable: bool;
  /** ASIDs the CPU has (ASID 0 is the host's). */
  asids: u32;
  nrips: bool;
}
const svm = new Svm();

function here(): SvmCpu {
  return cpus[percpu.slot()];
}

/** Whether vCPUs can run on SVM here (after init()). */
export function usable(): bool {
  return svm.usable;
}

/** Decides on the boot CPU whether SVM is usable; logs why not when the CPU has SVM. */
export function init(): void {
  if (!cpu.has(cpu.Feature.SVM)) return;
  const r = array<u32, 4>();
  cpuid(LEAF_SVM, 0, r);
  if ((r[3] & SVM_NPT) === 0) {
    log(`SVM: no nested paging: vCPUs disabled`);
    return;
  }
  if ((rdmsr(VM_CR) & VM_CR_SVMDIS) !== 0) {
    log(`SVM: disabled by the firmware (VM_CR.SVMDIS): vCPUs disabled`);
    return;
  }
  svm.asids = r[1];
  svm.nrips = (r[3] & SVM_NRIPS) !== 0;
  svm.usable = svm.asids > 1;
}

/**
 * CPU `index`'s host save areas, allocated by the CPU that starts it (an AP
 * must not allocate before it holds the kernel lock); false when memory is out.
 */
export function prepareCpu(index: u32): bool {
  if (!svm.usable) return true;
  const c = cpus[usize(index)];
  const hsave = allocBytes(PAGE, PAGE);
  if (u64(hsave) === 0) return false;
  const host = allocBytes(PAGE, PAGE);
  if (u64(host) === 0) {
    freeBytes(hsave, PAGE, PAGE);
    return false;
  }
  c.hsave = kmem.directToPhys(hsave);
  c.host = kmem.directToPhys(host);
  return true;
}

/** Enables SVM on this CPU: EFER.SVME, the host save area, the VMSAVE image (see the file comment). */
export function initCpu(): void {
  if (!svm.usable) return;
  const c = here();
  assert(u64(c.host) !== 0, "svm: a CPU without host save areas");
  c.nextAsid = 1;
  c.flushOwed = true;
  // The host's TSC_AUX is 0, what vcpu.ts restores after a guest's run with another.
  if (cpu.has(cpu.Feature.RDTSCP)) wrmsr(IA32_TSC_AUX, 0);
  wrmsr(IA32_EFER, rdmsr(IA32_EFER) | EFER_SVME);
  wrmsr(VM_HSAVE_PA, u64(c.hsave));
  vmsave(c.host);
}

/** A fresh VMCB for a vCPU: zeroed but for the kernel's intercepts and controls; virt(0) when memory is out. */
export function createVmcb(): Virt {
  const va = allocBytes(PAGE, PAGE);
  if (u64(va) === 0) return va;
  const v = structAt<Vmcb>(va);
  v.intercept1 = FORCED_1;
  v.intercept2 = FORCED_2;
  v.interceptExceptions = FORCED_EXCEPTIONS;
  v.intCtl = V_INTR_MASKING;
  v.nestedCtl = NESTED_PAGING;
  return va;
}

export function freeVmcb(va: Virt): void {
  freeBytes(va, PAGE, PAGE);
}

/** Points the VMCB at a guest space's nested tables and at the bitmaps of a PIO and an MSR space. */
export function setSpaces(va: Virt, nestedRoot: Phys, iopm: Virt, msrpm: Virt): void {
  const v = structAt<Vmcb>(va);
  v.nestedCr3 = u64(nestedRoot);
  v.iopmBase = u64(kmem.directToPhys(iopm));
  v.msrpmBase = u64(kmem.directToPhys(msrpm));
}

/** Whether an ASID of generation `gen` is still valid on this CPU (takeAsid need not run). */
export function asidCurrent(gen: u64): bool {
  return gen === here().generation;
}

/**
 * The ASID a vCPU runs with next: `asid` again if it is of this CPU's
 * generation `gen` and `keep`, else a fresh one (new[0] = ASID, new[1] =
 * generation); a new generation flushes every ASID on this CPU's first
 * VMRUN of it.
 */
export function takeAsid(va: Virt, asid: u32, gen: u64, keep: bool, out: Arr<u64, 2>): void {
  const c = here();
  const v = structAt<Vmcb>(va);
  v.tlbControl = TLB_NONE;
  if (keep && gen === c.generation && asid !== 0) {
    out[0] = u64(asid);
    out[1] = gen;
    return;
  }
  if (c.nextAsid >= svm.asids) {
    c.generation++;
    c.nextAsid = 1;
    c.flushOwed = true;
  }
  v.asid = c.nextAsid;
  out[0] = u64(c.nextAsid);
  out[1] = c.generation;
  c.nextAsid++;
}

/**
 * Runs the guest of the VMCB at `va` with the registers `r` until its next
 * #VMEXIT, and returns the event number of that exit (CONSUMED for the
 * kernel's own). Interrupts are off and GIF is set on return.
 */
export function run(va: Virt, r: ExceptionFrame, vmmExceptions: u32): u32 {
  const v = structAt<Vmcb>(va);
  v.rax = r.rax;
  v.rsp = r.rsp;
  v.rip = r.rip;
  v.rflags = r.rflags;
  const c = here();
  c.runs++;
  if (c.flushOwed) v.tlbControl = TLB_FLUSH_ALL;
  svmRun(structAddress(r), kmem.directToPhys(va), c.host);
  r.rax = v.rax;
  r.rsp = v.rsp;
  r.rip = v.rip;
  r.rflags = v.rflags;
  v.tlbControl = TLB_NONE;
  const code = v.exitCode;
  const refused = (code & 0xffff_ffff) === EXIT_INVALID_LOW;
  if (!refused) c.flushOwed = false;
  // An event the exit interrupted is delivered again at the next VMRUN, unless the VMM's reply
  // injects another (INJ write); the VMM sees it as IDT-vectoring information. (After a
  // refused VMRUN EXITINTINFO is not the CPU's: the injection stays as it was.)
  if (!refused && (v.exitIntInfo & EVENT_VALID) !== 0) v.eventInj = v.exitIntInfo;
  if (code === SvmExit.INTR || code === SvmExit.NMI) return CONSUMED;
  if (reflect(v, code, vmmExceptions)) return CONSUMED;
  const n = svmEvent(code);
  if (n !== SVM_EVENT_NONE) return n;
  if ((code & 0xffff_ffff) !== EXIT_INVALID_LOW) log(`SVM: unexpected exit code ${hex(code)}`);
  return SVM_EVENT_INVALID;
}

/**
 * A forced exception exit (#DB, #AC) that the VMM did not ask for goes back into the guest as
 * the exception it was (the kernel consumes the exit): true then.
 */
function reflect(v: Vmcb, code: u64, vmmExceptions: u32): bool {
  if (code < SvmExit.EXCEPTION || code >= SvmExit.EXCEPTION + EXCEPTION_EXITS) return false;
  const info = reflection(u32(code - SvmExit.EXCEPTION), vmmExceptions);
  if (info === 0) return false;
  v.eventInj = eventInj(info, u32(v.exitInfo1));
  return true;
}

/** Moves the guest's TSC back by `ticks` (time offsetting, vcpu.ts). */
export function offsetTsc(va: Virt, ticks: u64): void {
  const v = structAt<Vmcb>(va);
  v.tscOffset -= ticks;
}

/**
 * The end of the boot log: guest runs and ASID generations over `count` CPUs (a generation
 * after the first began with a flush of every ASID: its CPU had run out).
 */
export function logCounts(count: u32): void {
  if (!svm.usable) return;
  let runs: u64 = 0;
  let generations: u64 = 0;
  for (let i: usize = 0; i < usize(count); i++) {
    runs += cpus[i].runs;
    generations += cpus[i].generation;
  }
  log(
    `SVM: ${runs} guest runs, ASIDs ran out ${generations} times (each a new generation, all flushed)`,
  );
}

/** Sets or clears the virtual interrupt that makes the guest exit (VINTR) once it can take interrupts. */
export function armWindow(va: Virt, on: bool): void {
  const v = structAt<Vmcb>(va);
  const irq = V_IRQ | (u32(0xf) << V_INTR_PRIO_SHIFT) | V_IGN_TPR;
  v.intCtl = on ? v.intCtl | irq : v.intCtl & ~irq;
}

/**
 * The length of the instruction that exited, where the CPU tells it: NRIPS's
 * next RIP, or an I/O exit's EXITINFO2 (which every SVM CPU gives); 0 else.
 */
export function knownLength(va: Virt): u32 {
  const v = structAt<Vmcb>(va);
  let next: u64 = 0;
  if (v.exitCode === SvmExit.IOIO) next = v.exitInfo2;
  else if (svm.nrips) next = v.nextRip;
  if (next <= v.rip || next - v.rip > 15) return 0;
  return u32(next - v.rip);
}

/** The exit's code (for the instruction decoder and the logs). */
export function exitCode(va: Virt): u64 {
  return structAt<Vmcb>(va).exitCode;
}

/** What the instruction decoder needs of the guest's state at the exit (insn_length.ts). */
export function guestCode(va: Virt, g: GuestCode): void {
  const v = structAt<Vmcb>(va);
  g.cr0 = v.cr0;
  g.cr3 = v.cr3;
  g.cr4 = v.cr4;
  g.efer = v.efer;
  g.rflags = v.rflags;
  g.csBase = v.cs.base;
  g.csAr = v.cs.attrib & AR_SVM;
  g.rip = v.rip;
}

// ---- state transfer (nova-abi.md §6.3, §13) ----

/** The VMCB's record of guest segment `s` (GuestSegment). */
function vmcbSegment(va: Virt, s: u32): VmcbSegment {
  const v = structAt<Vmcb>(va);
  switch (s) {
    case GuestSegment.ES:
      return v.es;
    case GuestSegment.CS:
      return v.cs;
    case GuestSegment.SS:
      return v.ss;
    case GuestSegment.DS:
      return v.ds;
    case GuestSegment.FS:
      return v.fs;
    case GuestSegment.GS:
      return v.gs;
    case GuestSegment.LDTR:
      return v.ldtr;
    case GuestSegment.TR:
      return v.tr;
    case GuestSegment.GDTR:
      return v.gdtr;
    default:
      return v.idtr;
  }
}

/** Guest segment `s` of the VMCB at `va` into `u` (guest_state.ts SegmentAccess). */
function segmentOut(va: Virt, s: u32, u: Segment): void {
  const g = vmcbSegment(va, s);
  if (s < GuestSegment.GDTR) {
    u.selector = g.selector;
    u.ar = g.attrib & AR_SVM;
  }
  u.limit = g.limit;
  u.base = g.base;
}

/** `u` into guest segment `s` of the VMCB at `va` (guest_state.ts SegmentAccess). */
function segmentIn(va: Virt, s: u32, u: Segment): void {
  const g = vmcbSegment(va, s);
  if (s >= GuestSegment.GDTR) {
    g.limit = u.limit & 0xffff;
    g.base = u.base;
    return;
  }
  g.selector = u.selector;
  // An unusable segment (VMX's notion) is a not-present one on SVM.
  g.attrib = (u.ar & AR_UNUSABLE) !== 0 ? u.ar & AR_SVM & ~AR_PRESENT : u.ar & AR_SVM;
  g.limit = u.limit;
  g.base = u.base;
}

/** Interruption information of an exception exit (§6.5), 0 for other exits. */
function exitException(v: Vmcb): u32 {
  const code = v.exitCode;
  if (code < SvmExit.EXCEPTION || code >= SvmExit.EXCEPTION + EXCEPTION_EXITS) return 0;
  const vector = u32(code - SvmExit.EXCEPTION);
  let info = INJ_VALID | (TYPE_HW_EXCEPTION << INJ_TYPE_SHIFT) | vector;
  if (((ERROR_CODE_VECTORS >> vector) & 1) !== 0) info |= INJ_ERROR;
  return info;
}

function saveQual(v: Vmcb, a: ArchUtcb): void {
  a.qual[0] = v.exitInfo1;
  a.qual[1] = v.exitInfo2;
  a.qual[2] = 0;
}

/** The MTD bits whose state save() reads from the VMCB, but QUAL; and those load() writes. */
const VMCB_READS: u32 =
  MTD_STA |
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
  MTD_SYSCALL |
  MTD_SYSENTER |
  MTD_PAT |
  MTD_EFER |
  MTD_KERNEL_GS;
const VMCB_WRITES: u32 = VMCB_READS | MTD_CTRL;

/**
 * The VMCB state `mtd` selects into the handler's UTCB (GPRs, RFLAGS and RIP
 * are vcpu.ts's). `pending`: report the pending injection as the
 * interruption (RECALL, VMEXIT_INVALID: nova-abi.md §6.3 INJ read).
 */
export function save(va: Virt, a: ArchUtcb, mtd: u32, pending: bool): void {
  // Most handlers take the registers, RIP and the qualification only: one test for the rest.
  if ((mtd & VMCB_READS) === 0) {
    if ((mtd & MTD_QUAL) !== 0) saveQual(structAt<Vmcb>(va), a);
    return;
  }
  const v = structAt<Vmcb>(va);
  if ((mtd & MTD_STA) !== 0) {
    a.interruptibility = u32(v.intState & 1);
    a.activity = 0;
  }
  if ((mtd & MTD_QUAL) !== 0) saveQual(v, a);
  if ((mtd & MTD_INJ) !== 0) {
    if (pending) {
      a.intrInfo = u32(v.eventInj & EVENT_FIELDS);
      a.intrError = u32(v.eventInj >> 32);
    } else {
      a.intrInfo = exitException(v);
      a.intrError = (a.intrInfo & INJ_ERROR) !== 0 ? u32(v.exitInfo1) : 0;
    }
    a.vectInfo = u32(v.exitIntInfo & EVENT_FIELDS);
    a.vectError = u32(v.exitIntInfo >> 32);
  }
  transferSegments(va, a, mtd, segmentOut);
  if ((mtd & MTD_CR) !== 0) {
    a.cr0 = v.cr0;
    a.cr2 = v.cr2;
    a.cr3 = v.cr3;
    a.cr4 = v.cr4;
    a.cr8 = u64(v.intCtl & 0xf);
  }
  if ((mtd & MTD_DR) !== 0) a.dr7 = v.dr7;
  if ((mtd & MTD_SYSCALL) !== 0) {
    a.star = v.star;
    a.lstar = v.lstar;
    a.fmask = v.sfmask;
  }
  if ((mtd & MTD_SYSENTER) !== 0) {
    a.sysenterCs = v.sysenterCs;
    a.sysenterEsp = v.sysenterEsp;
    a.sysenterEip = v.sysenterEip;
  }
  if ((mtd & MTD_PAT) !== 0) a.pat = v.gPat;
  if ((mtd & MTD_EFER) !== 0) a.efer = v.efer;
  if ((mtd & MTD_KERNEL_GS) !== 0) a.kernelGsBase = v.kernelGsBase;
}

/**
 * An injection request (§6.5) as SVM's EVENTINJ: vector, type, error-code
 * valid and valid bits, the error code above. VMX's software exception types
 * (5, 6) are SVM's exception type; the window bits are not part of it.
 */
function eventInj(info: u32, error: u32): u64 {
  if ((info & INJ_VALID) === 0) return 0;
  let type = (info >> INJ_TYPE_SHIFT) & INJ_TYPE_MASK;
  if (type === TYPE_PRIV_SW_EXCEPTION || type === TYPE_SW_EXCEPTION) type = TYPE_HW_EXCEPTION;
  const low = (info & ~(INJ_TYPE_MASK << INJ_TYPE_SHIFT) & 0x8000_08ff) | (type << INJ_TYPE_SHIFT);
  return u64(low) | (u64(error) << 32);
}

/**
 * The UTCB state `mtd` selects into the VMCB (GPRs, RFLAGS, RIP and the
 * spaces are vcpu.ts's). Returns the interrupt window's new state for INJ
 * (-1: unchanged).
 */
export function load(va: Virt, a: ArchUtcb, mtd: u32): i32 {
  if ((mtd & VMCB_WRITES) === 0) return -1;
  const v = structAt<Vmcb>(va);
  let window: i32 = -1;
  if ((mtd & MTD_STA) !== 0) v.intState = (a.interruptibility & 3) !== 0 ? 1 : 0;
  if ((mtd & MTD_CTRL) !== 0) {
    v.intercept1 = FORCED_1 | a.ctrl1;
    v.intercept2 = FORCED_2 | a.ctrl2;
    v.interceptExceptions = a.exceptionBitmap | FORCED_EXCEPTIONS;
    let cr: u32 = 0;
    if (a.cr0Mask !== 0) cr |= INTERCEPT_CR0_WRITE;
    if (a.cr4Mask !== 0) cr |= INTERCEPT_CR4_WRITE;
    v.interceptCr = cr;
  }
  if ((mtd & MTD_INJ) !== 0) {
    v.eventInj = eventInj(a.intrInfo, a.intrError);
    window = (a.intrInfo & INJ_WINDOW) !== 0 ? 1 : 0;
  }
  transferSegments(va, a, mtd, segmentIn);
  // VMRUN takes the privilege level from the VMCB, not from a segment: SS.DPL, as KVM does.
  if ((mtd & MTD_CS_SS) !== 0) v.cpl = u8((v.ss.attrib >> AR_DPL_SHIFT) & 3);
  if ((mtd & MTD_CR) !== 0) {
    v.cr0 = a.cr0;
    v.cr2 = a.cr2;
    v.cr3 = a.cr3;
    v.cr4 = a.cr4;
    v.intCtl = (v.intCtl & ~u32(0xf)) | u32(a.cr8 & 0xf);
  }
  if ((mtd & MTD_DR) !== 0) v.dr7 = a.dr7;
  if ((mtd & MTD_SYSCALL) !== 0) {
    v.star = sanitizedStar(a.star);
    v.lstar = canonical(a.lstar);
    v.sfmask = sanitizedFmask(a.fmask);
  }
  if ((mtd & MTD_SYSENTER) !== 0) {
    v.sysenterCs = a.sysenterCs & 0xffff;
    v.sysenterEsp = canonical(a.sysenterEsp);
    v.sysenterEip = canonical(a.sysenterEip);
  }
  if ((mtd & MTD_PAT) !== 0) v.gPat = a.pat;
  if ((mtd & MTD_EFER) !== 0) v.efer = a.efer;
  if ((mtd & MTD_KERNEL_GS) !== 0) v.kernelGsBase = canonical(a.kernelGsBase);
  return window;
}
