// vCPUs (nova-abi.md §1.1, §4.4, §6.3, §13): the guest half of an EC whose
// create_ec had G set. The EC (ec.ts) stays what schedules, calls handlers
// and dies; it keeps the guest's general registers in its `regs`, as a host
// EC keeps its user registers, and points at this object for the rest: the
// vendor's control block, the spaces the guest runs in, its TLB tag and the
// state the kernel switches around each run (XCR0, TSC_AUX). The vendor
// back-ends are svm.ts (AMD SVM) and vmx.ts (Intel VMX); a machine uses one,
// chosen once at boot (init(): VMX where usable, else SVM), and each exported
// function here is the one place that dispatches on that choice.
//
// - Spaces: a vCPU runs in a guest space (its nested page tables), a PIO
//   space and an MSR space (their permission maps), all three assigned
//   together by a handler's reply with MTD SPACES and all three of the
//   vCPU's own PD (§13.1). Until the first good assignment, or after a bad
//   one, the vCPU is `illegal` and dies when it would enter the guest.
// - The FPU is the vCPU's whenever the guest runs (event.ts claims it before
//   each run; it moves only when another EC took it meanwhile). XCR0 is the
//   guest's while it runs, written by its VMM through MTD XSAVE (the guest's
//   XSETBV exits), and limited to what the host enabled.
// - TSC_AUX (RDTSCP) is the guest's while it runs, when it differs from the
//   host's (0).
// - Time offsetting (create_ec T, §7.3): whenever the vCPU's SC is dispatched
//   after waiting in the ready queue, the guest's TSC offset goes back by the
//   time it waited, so preemption does not show in the guest's TSC.

import { ArchUtcb } from "../abi/arch_utcb.ts";
import { GST_RECALL } from "../abi/events.ts";
import {
  MTD_APIC,
  MTD_CTRL,
  MTD_RIP,
  MTD_SPACES,
  MTD_TLB,
  MTD_TSC,
  MTD_XSAVE,
} from "../abi/mtd.ts";
import { SVM_EVENT_INVALID } from "../abi/svm_exits.ts";
import { Perm_gst_sp, Perm_msr_sp, Perm_pio_sp } from "../abi/perms.ts";
import { IA32_TSC_AUX } from "../abi/msr.ts";
import { Kind, CAP0, object, perms } from "./capability.ts";
import * as cpu from "./cpu.ts";
import { ExceptionFrame } from "./frame.ts";
import * as fpu from "./fpu.ts";
import * as insn from "./insn_length.ts";
import { GuestCode } from "./insn_length.ts";
import { KObject, allocBytes, freeBytes, ref, unref } from "./kobject.ts";
import { Space_hst, memFrame } from "./space_hst.ts";
import { Space_msr } from "./space_msr.ts";
import { Space_obj } from "./space_obj.ts";
import { Space_pio } from "./space_pio.ts";
import * as svm from "./svm.ts";
import * as tlb from "./tlb.ts";
import * as vmx from "./vmx.ts";

/** The back-end vCPUs run on (init()). */
enum Vendor {
  NONE = 0,
  SVM = 1,
  VMX = 2,
}
let vendor: u32 = Vendor.NONE;

/** The MTD bits of the state load() keeps here rather than in the vendor's control block. */
const SWITCHED: u32 = MTD_XSAVE | MTD_TSC | MTD_TLB | MTD_SPACES | MTD_APIC;
/** XCR0 after reset: x87 only. */
const XCR0_X87: u64 = 1 << 0;

export class Vcpu {
  /** The vendor's state (svm.ts: the VMCB page; vmx.ts: a VmxVcpu with its VMCS). */
  control: Virt;
  /** The spaces of the last SPACES reply (each referenced), null before the first. */
  gst: Space_hst | null;
  pio: Space_pio | null;
  msr: Space_msr | null;
  /** No good SPACES reply yet (or a bad one), or a bad APIC one: the vCPU dies at its next entry. */
  illegal: bool;
  badApic: bool;
  /** The PD's serial (pd.ts): the spaces SPACES assigns must have been created for it. */
  owner: u64;
  /** TLB tag: the ASID, its CPU generation, the guest space's `flushes` when it was taken. */
  asid: u32;
  asidGeneration: u64;
  flushesSeen: u64;
  /** The VMM asked for a TLB flush (MTD TLB): a fresh tag at the next entry. */
  flushRequested: bool;
  /** Guest state the kernel switches around each run. */
  xcr0: u64;
  xss: u64;
  tscAux: u64;
  /** The instruction decoder's view of the guest (a CPU without NRIPS). */
  code: Inline<GuestCode>;
  /** create_ec T: time its SC waits in the ready queue is taken out of the guest's TSC. */
  timeOffset: bool;
  /** The exception bitmap of the VMM's last CTRL (the kernel intercepts more, svm.ts). */
  exceptions: u32;
}

/**
 * Chooses the back-end on the boot CPU, once, after the SYSCALL MSRs are set (the host state
 * both restore after a guest run is taken then): VMX where it is usable, else SVM; neither
 * leaves vCPUs unsupported.
 */
export function init(): void {
  vmx.init();
  if (vmx.usable()) {
    vendor = Vendor.VMX;
    return;
  }
  svm.init();
  if (svm.usable()) vendor = Vendor.SVM;
}

/**
 * A new vCPU for the PD with serial `owner` (no spaces yet), with time offsetting if
 * `timeOffset`, or null when memory is out.
 */
export function create(owner: u64, timeOffset: bool): Vcpu | null {
  if (!supported()) return null;
  const va = allocBytes(sizeof<Vcpu>(), 8);
  if (u64(va) === 0) return null;
  const v = structAt<Vcpu>(va);
  v.control = vendor === Vendor.VMX ? vmx.create() : svm.createVmcb();
  if (u64(v.control) === 0) {
    freeBytes(va, sizeof<Vcpu>(), 8);
    return null;
  }
  v.owner = owner;
  v.timeOffset = timeOffset;
  v.illegal = true;
  v.xcr0 = XCR0_X87;
  return v;
}

/** Whether vCPUs can be created on this machine (create_ec's BAD_FTR). */
export function supported(): bool {
  return vendor !== Vendor.NONE;
}

/** Whether a vCPU has a virtual-APIC page (VMX's TPR shadow), mapped where its UTCB would be (§13.13). */
export function hasVirtualApic(): bool {
  return vendor === Vendor.VMX;
}

/** The vCPU's virtual-APIC page (hasVirtualApic), a page of its EC's. */
export function setVirtualApic(v: Vcpu, page: Virt): void {
  vmx.setVirtualApic(v.control, page);
}

/** Frees a vCPU with its EC: the spaces' references, the control block. */
export function destroy(v: Vcpu): void {
  setSpaces(v, null, null, null);
  if (vendor === Vendor.VMX) vmx.destroy(v.control);
  else svm.freeVmcb(v.control);
  freeBytes(structAddress(v), sizeof<Vcpu>(), 8);
}

function setSpaces(v: Vcpu, g: Space_hst | null, p: Space_pio | null, m: Space_msr | null): void {
  if (g !== null) ref(g.hdr);
  if (p !== null) ref(p.hdr);
  if (m !== null) ref(m.hdr);
  const og = v.gst;
  const op = v.pio;
  const om = v.msr;
  v.gst = g;
  v.pio = p;
  v.msr = m;
  if (og !== null) unref(og.hdr);
  if (op !== null) unref(op.hdr);
  if (om !== null) unref(om.hdr);
}

/** The space at `sel` of `objects` if it is of `kind` with ASSIGN, else null. */
function assignable(objects: Space_obj, sel: u64, kind: u32, assign: u32): KObject | null {
  const cap = objects.lookup(sel);
  if (cap === CAP0 || (perms(cap) & assign) === 0) return null;
  const o = structAt<KObject>(object(cap));
  return o.kind === kind ? o : null;
}

/**
 * MTD SPACES (§6.3, §13.1): the guest, PIO and MSR spaces at the UTCB's
 * selectors in the replying handler's object space, each with ASSIGN and
 * created for the vCPU's PD. Any failure leaves the vCPU illegal.
 */
function assignSpaces(v: Vcpu, a: ArchUtcb, objects: Space_obj | null): void {
  v.illegal = true;
  if (objects === null) return;
  const go = assignable(objects, a.selGst, Kind.GST_SP, Perm_gst_sp.ASSIGN);
  const po = assignable(objects, a.selPio, Kind.PIO_SP, Perm_pio_sp.ASSIGN);
  const mo = assignable(objects, a.selMsr, Kind.MSR_SP, Perm_msr_sp.ASSIGN);
  if (go === null || po === null || mo === null) return;
  const g = structAt<Space_hst>(structAddress(go));
  const p = structAt<Space_pio>(structAddress(po));
  const m = structAt<Space_msr>(structAddress(mo));
  if (g.owner !== v.owner || p.owner !== v.owner || m.owner !== v.owner) return;
  if (g !== v.gst) {
    // Nothing cached for another space (or for a freed one at the same address) may be used.
    v.flushRequested = true;
    v.flushesSeen = u64.MAX;
  }
  setSpaces(v, g, p, m);
  if (vendor === Vendor.VMX) vmx.setSpaces(v.control, g.root, p.bitmap, m.msrpm);
  else svm.setSpaces(v.control, g.root, p.bitmap, m.msrpm);
  v.illegal = false;
}

/**
 * The length of the instruction that exited: the CPU's (NRIPS, an I/O exit),
 * else decoded from the guest's code (insn_length.ts; 0 if it cannot tell).
 */
function instructionLength(v: Vcpu): u32 {
  if (vendor === Vendor.VMX) return vmx.exitLength(v.control);
  const known = svm.knownLength(v.control);
  if (known !== 0) return known;
  const g = v.code;
  svm.guestCode(v.control, g);
  g.space = v.gst;
  return insn.instructionLength(g, svm.exitCode(v.control));
}

/**
 * The guest state `mtd` selects into the handler's UTCB, beyond the general
 * registers, RFLAGS and RIP (event.ts): RIP's instruction length, the vendor
 * state, XCR0/XSS and TSC_AUX, for event `n`: RECALL and a refused entry
 * report the injection still pending through INJ.
 */
export function save(v: Vcpu, a: ArchUtcb, mtd: u32, n: u32): void {
  if ((mtd & MTD_RIP) !== 0) {
    a.instLength = instructionLength(v);
    a.instInfo = 0;
  }
  if (vendor === Vendor.VMX)
    vmx.save(v.control, a, mtd, n === GST_RECALL || n === vmx.EVENT_INVALID);
  else svm.save(v.control, a, mtd, n === GST_RECALL || n === SVM_EVENT_INVALID);
  if ((mtd & MTD_XSAVE) !== 0) {
    a.xcr0 = v.xcr0;
    a.xss = v.xss;
  }
  if ((mtd & MTD_TSC) !== 0) a.tscAux = v.tscAux;
}

/**
 * A handler's reply: the guest state `mtd` selects from its UTCB, beyond
 * the general registers, RFLAGS and RIP (event.ts). `objects` is the
 * replying handler's object space (SPACES).
 */
export function load(v: Vcpu, a: ArchUtcb, mtd: u32, objects: Space_obj | null): void {
  const intel = vendor === Vendor.VMX;
  const window = intel ? vmx.load(v.control, a, mtd) : svm.load(v.control, a, mtd);
  if ((mtd & MTD_CTRL) !== 0) v.exceptions = a.exceptionBitmap;
  if (window >= 0) {
    if (intel) vmx.armWindow(v.control, window === 1);
    else svm.armWindow(v.control, window === 1);
  }
  if ((mtd & SWITCHED) === 0) return;
  if ((mtd & MTD_XSAVE) !== 0) {
    v.xcr0 = fpu.guestXcr0(a.xcr0);
    // The kernel enables no supervisor state components (fpu.ts): IA32_XSS stays 0.
    v.xss = 0;
  }
  if ((mtd & MTD_TSC) !== 0) v.tscAux = a.tscAux & 0xffff_ffff;
  if ((mtd & MTD_TLB) !== 0) v.flushRequested = true;
  if ((mtd & MTD_SPACES) !== 0) assignSpaces(v, a, objects);
  if ((mtd & MTD_APIC) !== 0) assignApic(v, a);
}

/**
 * MTD APIC (§6.3, VMX): the APIC-access page is the guest space's page at the UTCB's
 * IA32_APIC_BASE; a guest-physical address with no page there kills the vCPU. SVM has none.
 */
function assignApic(v: Vcpu, a: ArchUtcb): void {
  if (vendor !== Vendor.VMX) return;
  const g = v.gst;
  const sel = a.apicBase >> 12;
  const cap = g === null || sel >= g.selectors() ? CAP0 : g.lookup(sel);
  if (cap === CAP0) {
    v.illegal = true;
    v.badApic = true;
    return;
  }
  vmx.setApicAccess(v.control, memFrame(cap));
}

/** run()'s answers besides an event number (the back-ends use the same values). */
export const CONSUMED: u32 = svm.CONSUMED;
export const FAILED: u32 = vmx.FAILED;

/** A new vCPU's STARTUP message (§8.4): on VMX the controls it may set and capability MSRs. */
export function startup(r: ExceptionFrame): void {
  if (vendor === Vendor.VMX) vmx.startup(r);
}

/**
 * Runs the guest until an exit (the FPU is the vCPU's already; the vCPU is
 * not illegal): the TLB tag, the switched state, the vendor's run. Returns
 * the exit's event number, CONSUMED for an exit the kernel handles (a host
 * interrupt or NMI: the caller lets it in), or FAILED when the CPU refused
 * the vCPU's controls outright (it dies). Entered and left with interrupts
 * off; the caller let the kernel lock go and takes it again.
 */
export function run(v: Vcpu, r: ExceptionFrame): u32 {
  const host = fpu.features();
  if (host !== 0 && v.xcr0 !== host) xsetbv(0, v.xcr0);
  const aux = v.tscAux !== 0 && cpu.has(cpu.Feature.RDTSCP);
  if (aux) wrmsr(IA32_TSC_AUX, v.tscAux);
  const n =
    vendor === Vendor.VMX
      ? vmx.run(v.control, r, v.exceptions)
      : svm.run(v.control, r, v.exceptions);
  if (aux) wrmsr(IA32_TSC_AUX, 0);
  if (host !== 0 && v.xcr0 !== host) xsetbv(0, host);
  return n;
}

/**
 * The vCPU's SC is dispatched after `ticks` in the ready queue (sc.ts): with
 * time offsetting (§7.3), the guest's TSC does not see them.
 */
export function waited(v: Vcpu, ticks: u64): void {
  if (!v.timeOffset) return;
  if (vendor === Vendor.VMX) vmx.offsetTsc(v.control, ticks);
  else svm.offsetTsc(v.control, ticks);
}

/**
 * Before run(), holding the kernel lock: this CPU runs the guest space now
 * (tlb.ts: a revocation elsewhere waits for this CPU to leave it), and the
 * vCPU's TLB tag is fresh if anything cached under the old one may be stale.
 */
export function prepare(v: Vcpu): void {
  const g = v.gst;
  if (g === null) panic("vcpu: prepared without a guest space");
  tlb.enterGuest(g);
  if (vendor === Vendor.VMX) {
    vmx.prepare(v.control, v.flushRequested, v.flushesSeen !== g.flushes);
    v.flushesSeen = g.flushes;
    v.flushRequested = false;
    return;
  }
  const keep = !v.flushRequested && v.flushesSeen === g.flushes;
  // The common case: the same ASID again (its generation is this CPU's, nothing to flush).
  if (keep && v.asid !== 0 && svm.asidCurrent(v.asidGeneration)) return;
  const out = array<u64, 2>();
  svm.takeAsid(v.control, v.asid, v.asidGeneration, keep, out);
  v.asid = u32(out[0]);
  v.asidGeneration = out[1];
  v.flushesSeen = g.flushes;
  v.flushRequested = false;
}
