// Intel VMX (Intel SDM Vol. 3, chapters 24–29): the back-end of vCPUs
// (vcpu.ts) on Intel CPUs, with EPT for guest spaces (space_hst.ts) and VPIDs
// for the guests' TLB entries. A vCPU's guest state lives in its VMCS
// (vmcs.ts) except for the general registers, which are the vCPU's
// ExceptionFrame as on SVM (RSP, RIP and RFLAGS are copied between the frame
// and the VMCS around each run), the guest's CR2 (VMX leaves the register
// alone: it is put back before each run) and the SYSCALL MSRs and
// KERNEL_GS_BASE, which the CPU switches through the vCPU's MSR lists.
//
// - Usable where the CPU has VMX with EPT, IA32_FEATURE_CONTROL allows VMXON
//   outside SMX (the kernel sets and locks it if the firmware left it
//   unlocked), and the capability MSRs allow the controls below. Each CPU
//   enters VMX operation at boot (initCpu) with its own VMXON region.
// - Controls: every control word is (wanted | must-be-one) & may-be-one of
//   its capability MSR (the TRUE ones where IA32_VMX_BASIC says so), so no
//   control the CPU does not allow is ever set. The kernel's forced controls
//   (FORCED_* below, nova-abi.md §6.3) are OR-ed into what the VMM asks; what
//   a VMM may ask is limited to the controls that need no structure the
//   kernel does not provide (PERMITTED_*); STARTUP reports those masks.
// - A VMCS is only ever current on the vCPU's own CPU (vCPUs never move): its
//   first use there clears and loads it and writes the host state and the
//   kernel's controls; later uses load it when another VMCS was current. A
//   vCPU destroyed from another CPU leaves its VMCS to be cleared and freed
//   by its CPU (VMCLEAR must run where the VMCS is active).
// - CR0 and CR4: the bits VMX fixes (CR0.NE, and PE/PG without unrestricted
//   guest; CR4.VMXE) are set in the real registers and hidden from the guest
//   and the VMM by the guest/host masks and read shadows: both see what the
//   VMM wrote. The VMM's own CTRL masks are added to the kernel's.
// - TLB: a VPID per vCPU (INVVPID single-context for MTD TLB, all-context
//   where the CPU lacks the finer type); INVEPT single-context (or
//   all-context) for the guest space's EPT when it lost a mapping since the
//   vCPU's last run on this CPU (vcpu.ts prepare).
// - Exits become events (§8.3): the basic exit reason. External interrupts
//   end the run and stay pending in the local APIC (no acknowledge on exit):
//   the kernel takes them after the run, as on SVM. An NMI exit runs the
//   NMI handler by INT 2 (the exit consumed the NMI). The preemption timer
//   ends every run after at most RUN_LIMIT_NS, so a guest that spins with
//   interrupts off still lets the kernel take its interrupts where the CPU
//   does not end its run for them (Bochs, test-platforms.md).
// - A MOV to CR0 or CR4 that changes only bits the kernel hides (the VMM's
//   own mask has none of them) is done by the kernel (§8.3: CR access may be
//   consumed), with EFER.LMA following CR0.PG as the CPU's own would.

import { ArchUtcb, Segment } from "../abi/arch_utcb.ts";
import { MTD_CR, MTD_CS_SS, MTD_CTRL, MTD_DR, MTD_DS_ES, MTD_EFER } from "../abi/mtd.ts";
import { MTD_FS_GS, MTD_GDTR, MTD_IDTR, MTD_INJ, MTD_KERNEL_GS, MTD_LDTR } from "../abi/mtd.ts";
import { MTD_PAT, MTD_PDPTE, MTD_QUAL, MTD_RIP, MTD_STA, MTD_SYSCALL } from "../abi/mtd.ts";
import { MTD_SYSENTER, MTD_TPR, MTD_TR } from "../abi/mtd.ts";
import { VmxPrimary, VmxSecondary } from "../abi/vmx_controls.ts";
import { VmxExit } from "../abi/vmx_exits.ts";
import {
  EFER_LMA,
  EFER_LME,
  IA32_ARCH_CAPABILITIES,
  IA32_CORE_CAPABILITIES,
  IA32_EFER,
  IA32_FEATURE_CONTROL,
  IA32_FMASK,
  IA32_FS_BASE,
  IA32_GS_BASE,
  IA32_KERNEL_GS_BASE,
  IA32_LSTAR,
  IA32_MCU_OPT_CTRL,
  IA32_PAT,
  IA32_STAR,
  IA32_VMX_BASIC,
  IA32_VMX_CR0_FIXED0,
  IA32_VMX_CR0_FIXED1,
  IA32_VMX_CR4_FIXED0,
  IA32_VMX_CR4_FIXED1,
  IA32_VMX_ENTRY_CTLS,
  IA32_VMX_EPT_VPID_CAP,
  IA32_VMX_EXIT_CTLS,
  IA32_VMX_MISC,
  IA32_VMX_PINBASED_CTLS,
  IA32_VMX_PROCBASED_CTLS,
  IA32_VMX_PROCBASED_CTLS2,
} from "../abi/msr.ts";
import * as cpu from "./cpu.ts";
import { ExceptionFrame } from "./frame.ts";
import * as gdt from "./gdt.ts";
import {
  FORCED_EXCEPTIONS,
  GuestSegment,
  INJ_NMI_WINDOW,
  INJ_WINDOW,
  canonical,
  reflection,
  sanitizedFmask,
  sanitizedStar,
  transferSegments,
} from "./guest_state.ts";
import * as kmem from "./kmem.ts";
import { allocBytes, freeBytes } from "./kobject.ts";
import * as percpu from "./percpu.ts";
import * as tsc from "./tsc.ts";
import * as utcb from "./utcb.ts";
import * as space from "./space_hst.ts";
import * as spaceMsr from "./space_msr.ts";
import {
  ENTRY_IA32E_GUEST,
  ENTRY_LOAD_DEBUG,
  ENTRY_LOAD_EFER,
  ENTRY_LOAD_PAT,
  EXIT_HOST_64,
  EXIT_LOAD_EFER,
  EXIT_LOAD_PAT,
  EXIT_SAVE_DEBUG,
  EXIT_SAVE_EFER,
  EXIT_SAVE_PAT,
  INTR_INJECTABLE,
  INTR_TYPE_MASK,
  INTR_TYPE_NMI,
  INTR_TYPE_SHIFT,
  INTR_VALID,
  MsrEntry,
  PIN_EXTERNAL_INTERRUPT,
  PIN_NMI,
  PIN_PREEMPTION_TIMER,
  PIN_VIRTUAL_NMIS,
  REASON_BASIC,
  REASON_ENTRY_FAILED,
  Vmcs,
  pdpteField,
  segmentField,
} from "./vmcs.ts";

const FEATURE_CONTROL_LOCK: u64 = 1 << 0;
const FEATURE_CONTROL_VMXON: u64 = 1 << 2;
/** MISC bits 4:0: the preemption timer counts once per 2^n TSC ticks. */
const MISC_TIMER_RATE: u64 = 0x1f;
/** The TRUE control MSRs are the basic four + 0xc (0x48d…0x490). */
const TRUE_OFFSET: u32 = 0xc;
const BASIC_TRUE_CONTROLS: u64 = u64(1) << 55;

const CR0_PE: u64 = 1 << 0;
const CR0_NE: u64 = 1 << 5;
const CR0_PG: u64 = u64(1) << 31;
const CR4_VMXE: u64 = 1 << 13;
/** The longest guest run (the preemption timer, file comment). */
const RUN_LIMIT_NS: u64 = 1_000_000;
/** CR-access qualification (SDM Table 28-3): CR number, access type (0: MOV to CR), GPR. */
const CR_NUMBER: u64 = 0xf;
const CR_TYPE_SHIFT: u64 = 4;
const CR_GPR_SHIFT: u64 = 8;

// EPT/VPID capabilities (SDM Appendix A.10).
const EPT_WALK_4: u64 = 1 << 6;
const EPT_WB: u64 = 1 << 14;
const EPT_INVEPT: u64 = 1 << 20;
const EPT_AD: u64 = 1 << 21;
const EPT_INVEPT_SINGLE: u64 = 1 << 25;
const EPT_INVEPT_ALL: u64 = 1 << 26;
const VPID_INVVPID: u64 = u64(1) << 32;
const VPID_INVVPID_SINGLE: u64 = u64(1) << 41;
const VPID_INVVPID_ALL: u64 = u64(1) << 42;
/** EPTP (SDM 25.6.11): memory type WB, a 4-level walk, accessed/dirty flags. */
const EPTP_WB: u64 = 6;
const EPTP_WALK_4: u64 = 3 << 3;
const EPTP_AD: u64 = 1 << 6;
const INV_SINGLE: u64 = 1;
const INV_ALL: u64 = 2;

const PAGE: usize = 4096;

/** run()'s answers besides an event: an exit the kernel consumed; a VM entry the CPU refused outright. */
export const CONSUMED: u32 = u32.MAX;
export const FAILED: u32 = u32.MAX - 1;

/**
 * Primary controls every vCPU has (§6.3): HLT, all I/O through the PIO space's bitmaps, MSRs
 * through the MSR space's bitmap, the secondary controls, TSC offsetting (time offsetting,
 * vcpu.ts), and CR8 loads and stores (there is no TPR shadow: the VMM emulates CR8).
 */
const FORCED_PRIMARY: u32 =
  VmxPrimary.HLT |
  VmxPrimary.UNCONDITIONAL_IO |
  VmxPrimary.IO_BITMAPS |
  VmxPrimary.MSR_BITMAPS |
  VmxPrimary.SECONDARY |
  VmxPrimary.TSC_OFFSETTING |
  VmxPrimary.CR8_LOAD |
  VmxPrimary.CR8_STORE;
/** Secondary controls every vCPU has where the CPU allows them (§6.3). */
const FORCED_SECONDARY: u32 =
  VmxSecondary.EPT | VmxSecondary.VPID | VmxSecondary.UNRESTRICTED_GUEST;
/**
 * What a VMM may add: controls that need no structure the kernel does not set up (VMCS
 * shadowing's bitmaps, a PML log, #VE information, VM functions, the tertiary controls). TPR
 * shadow (which ends the CR8 exits) uses the vCPU's virtual-APIC page; virtualized APIC
 * accesses need an APIC-access page from MTD APIC first.
 */
const PERMITTED_PRIMARY: u32 = ~u32(VmxPrimary.TERTIARY);
const PERMITTED_SECONDARY: u32 =
  FORCED_SECONDARY |
  VmxSecondary.VIRTUALIZE_APIC |
  VmxSecondary.DESCRIPTOR_TABLE |
  VmxSecondary.RDTSCP |
  VmxSecondary.WBINVD |
  VmxSecondary.PAUSE_LOOP |
  VmxSecondary.RDRAND |
  VmxSecondary.INVPCID |
  VmxSecondary.RDSEED |
  VmxSecondary.XSAVES;

/** A vCPU's guest MSRs in its VM-entry load / VM-exit store list, in this order. */
const GUEST_MSRS: usize = 4;
const SLOT_STAR: usize = 0;
const SLOT_LSTAR: usize = 1;
const SLOT_FMASK: usize = 2;
const SLOT_KERNEL_GS: usize = 3;

/** UTCB access rights ↔ VMX access rights (§6.4): the unusable bit moves from 12 to 16. */
function arFromVmx(ar: u64): u16 {
  return u16(((ar >> 4) & 0x1f00) | (ar & 0xff));
}
function arToVmx(ar: u16): u64 {
  return ((u64(ar) << 4) & 0x1_f000) | u64(ar & 0xff);
}

/** What the capability MSRs allow, read once on the boot CPU (init). */
class Caps {
  usable: bool;
  revision: u32;
  /** Each control word's must-be-one (low) and may-be-one (high) bits. */
  pin0: u32;
  pin1: u32;
  primary0: u32;
  primary1: u32;
  secondary1: u32;
  exit0: u32;
  exit1: u32;
  entry0: u32;
  entry1: u32;
  /** CR0 and CR4 bits VMX operation fixes to 1 in the guest, and those it allows. */
  cr0Forced: u64;
  cr0Allowed: u64;
  cr4Forced: u64;
  cr4Allowed: u64;
  eptpFlags: u64;
  inveptType: u64;
  vpids: bool;
  invvpidType: u64;
  /** The preemption timer's value for RUN_LIMIT_NS, 0 without the timer. */
  runLimit: u64;
  /** The STARTUP message's R8–R10 (§8.4). */
  archCapabilities: u64;
  coreCapabilities: u64;
  mcuOptCtrl: u64;
  /** The host's SYSCALL MSRs and KERNEL_GS_BASE: every vCPU's VM-exit MSR load list. */
  hostMsrs: Virt;
}
const caps = new Caps();

class VmxCpu {
  /** The VMXON region. */
  region: Phys;
  /** The VMCS current on this CPU (a VmxVcpu), virt(0) for none. */
  current: Virt;
  /** VMCSs of vCPUs destroyed elsewhere, to clear and free here (VmxVcpu.next). */
  toClear: Virt;
  runs: u64;
  failed: u64;
}
const cpus = array<Inline<VmxCpu>, 256>();

/** VPIDs in use (bit n = VPID n; 0 is the host's). */
class Vpids {
  used: Arr<u64, 1024>;
}
const vpids = new Vpids();

/** A vCPU's VMX state: its VMCS, its MSR list, what the kernel keeps beside them. */
export class VmxVcpu {
  vmcs: Virt;
  /** GUEST_MSRS MsrEntry: the VM-entry load and VM-exit store list. */
  msrs: Virt;
  /** Loaded on its CPU (the host state and controls are written), launched since. */
  loaded: bool;
  launched: bool;
  cpu: u32;
  vpid: u32;
  /** The VMM's controls (its CTRL words and CR masks) and the window requests (INJ). */
  primary: u32;
  secondary: u32;
  interruptWindow: bool;
  nmiWindow: bool;
  cr0Mask: u64;
  cr4Mask: u64;
  /** The guest's CR2 and CR8 (neither is in the VMCS), the EPTP, HOST_CR3 as written. */
  cr2: u64;
  cr8: u64;
  eptp: u64;
  hostCr3: u64;
  /** Time its SC waited (vcpu.ts waited) not yet taken off the TSC offset. */
  tscBehind: u64;
  /** The last exit's reason field. */
  reason: u32;
  /** The virtual-APIC page (TPR shadow), the APIC-access page (MTD APIC), phys(0) for none. */
  virtualApic: Virt;
  apicAccess: Phys;
  /** Destroyed from another CPU: the next on that CPU's list. */
  next: Virt;
}

function here(): VmxCpu {
  return cpus[percpu.slot()];
}

/** Whether vCPUs run on VMX here (after init()). */
export function usable(): bool {
  return caps.usable;
}

/** (wanted | must-be-one) & may-be-one of a control word. */
function adjust(wanted: u32, mustBeOne: u32, mayBeOne: u32): u32 {
  return (wanted | mustBeOne) & mayBeOne;
}

/** The MSR of `msr` where the CPU has it (CPUID.7.EDX bit `bit`), else 0. */
function optionalMsr(bit: u32, msr: u32): u64 {
  const r = array<u32, 4>();
  cpuid(0, 0, r);
  if (r[0] < 7) return 0;
  cpuid(7, 0, r);
  return ((r[3] >> bit) & 1) !== 0 ? rdmsr(msr) : 0;
}

/** Decides on the boot CPU whether VMX is usable (logs why not when the CPU has VMX). */
export function init(): void {
  if (!cpu.has(cpu.Feature.VMX)) return;
  let control = rdmsr(IA32_FEATURE_CONTROL);
  if ((control & FEATURE_CONTROL_LOCK) === 0) {
    // The firmware left it open: allow VMXON outside SMX and lock it (until reset).
    control |= FEATURE_CONTROL_VMXON | FEATURE_CONTROL_LOCK;
    wrmsr(IA32_FEATURE_CONTROL, control);
  }
  if ((control & FEATURE_CONTROL_VMXON) === 0) {
    log(`VMX: disabled by the firmware (IA32_FEATURE_CONTROL): vCPUs disabled`);
    return;
  }
  const basic = rdmsr(IA32_VMX_BASIC);
  const t = (basic & BASIC_TRUE_CONTROLS) !== 0 ? TRUE_OFFSET : 0;
  const pin = rdmsr(IA32_VMX_PINBASED_CTLS + t);
  const primary = rdmsr(IA32_VMX_PROCBASED_CTLS + t);
  const exit = rdmsr(IA32_VMX_EXIT_CTLS + t);
  const entry = rdmsr(IA32_VMX_ENTRY_CTLS + t);
  const c = caps;
  c.revision = u32(basic & 0x7fff_ffff);
  c.pin0 = u32(pin);
  c.pin1 = u32(pin >> 32);
  c.primary0 = u32(primary);
  c.primary1 = u32(primary >> 32);
  c.exit0 = u32(exit);
  c.exit1 = u32(exit >> 32);
  c.entry0 = u32(entry);
  c.entry1 = u32(entry >> 32);
  if ((c.primary1 & VmxPrimary.SECONDARY) === 0) {
    log(`VMX: no secondary controls (no EPT): vCPUs disabled`);
    return;
  }
  c.secondary1 = u32(rdmsr(IA32_VMX_PROCBASED_CTLS2) >> 32);
  const ept = rdmsr(IA32_VMX_EPT_VPID_CAP);
  if ((c.secondary1 & VmxSecondary.EPT) === 0 || (ept & EPT_WALK_4) === 0) {
    log(`VMX: no EPT with 4-level tables: vCPUs disabled`);
    return;
  }
  const unrestricted = (c.secondary1 & VmxSecondary.UNRESTRICTED_GUEST) !== 0;
  c.cr0Forced = rdmsr(IA32_VMX_CR0_FIXED0) & ~(unrestricted ? CR0_PE | CR0_PG : 0);
  c.cr0Allowed = rdmsr(IA32_VMX_CR0_FIXED1);
  c.cr4Forced = rdmsr(IA32_VMX_CR4_FIXED0);
  c.cr4Allowed = rdmsr(IA32_VMX_CR4_FIXED1);
  c.eptpFlags = ((ept & EPT_WB) !== 0 ? EPTP_WB : 0) | EPTP_WALK_4;
  if ((ept & EPT_AD) !== 0) c.eptpFlags |= EPTP_AD;
  if ((ept & EPT_INVEPT) !== 0) {
    if ((ept & EPT_INVEPT_SINGLE) !== 0) c.inveptType = INV_SINGLE;
    else if ((ept & EPT_INVEPT_ALL) !== 0) c.inveptType = INV_ALL;
  }
  c.vpids = (c.secondary1 & VmxSecondary.VPID) !== 0 && (ept & VPID_INVVPID) !== 0;
  if (c.vpids) c.invvpidType = (ept & VPID_INVVPID_SINGLE) !== 0 ? INV_SINGLE : INV_ALL;
  if (c.vpids && (ept & (VPID_INVVPID_SINGLE | VPID_INVVPID_ALL)) === 0) c.vpids = false;
  if (c.inveptType === 0) {
    log(`VMX: no INVEPT: vCPUs disabled`);
    return;
  }
  if ((c.pin1 & PIN_PREEMPTION_TIMER) !== 0) {
    const rate = rdmsr(IA32_VMX_MISC) & MISC_TIMER_RATE;
    const limit = tsc.ticks(RUN_LIMIT_NS) >> rate;
    c.runLimit = limit > 0xffff_ffff ? 0xffff_ffff : limit === 0 ? 1 : limit;
  }
  c.archCapabilities = optionalMsr(29, IA32_ARCH_CAPABILITIES);
  c.coreCapabilities = optionalMsr(30, IA32_CORE_CAPABILITIES);
  c.mcuOptCtrl = optionalMsr(9, IA32_MCU_OPT_CTRL);
  c.hostMsrs = allocBytes(GUEST_MSRS * sizeof<MsrEntry>(), 16);
  if (u64(c.hostMsrs) === 0) panic("vmx: no memory for the host's MSR list");
  // The values are the same on every CPU (syscall.ts, percpu.ts): the boot CPU's.
  msrList(c.hostMsrs, true);
  vpids.used[0] = 1;
  c.usable = true;
  space.setGuestEpt();
  spaceMsr.setVmxBitmaps();
  log(
    `VMX: vCPUs on: ${unrestricted ? "unrestricted guest" : "no unrestricted guest"}, VPIDs ${c.vpids ? "on" : "off"}, EPT ${(c.eptpFlags & EPTP_AD) !== 0 ? "with" : "without"} A/D`,
  );
}

/** The EPT attributes guest spaces need (space_hst.ts): whether A/D flags are on. */
export function eptAccessedDirty(): bool {
  return (caps.eptpFlags & EPTP_AD) !== 0;
}

/** CPU `index`'s VMXON region, allocated by the CPU that starts it; false when memory is out. */
export function prepareCpu(index: u32): bool {
  if (!caps.usable) return true;
  const va = allocBytes(PAGE, PAGE);
  if (u64(va) === 0) return false;
  ptrFromVirt<u32>(va).store(caps.revision);
  cpus[usize(index)].region = kmem.directToPhys(va);
  return true;
}

/** Enters VMX operation on this CPU (CR4.VMXE, VMXON); the host's MSR list on the boot CPU. */
export function initCpu(): void {
  if (!caps.usable) return;
  const c = here();
  assert(u64(c.region) !== 0, "vmx: a CPU without a VMXON region");
  // VMX operation fixes CR0.NE (native x87 error reporting, which the kernel never relies on).
  writeCr0(readCr0() | CR0_NE);
  writeCr4(readCr4() | CR4_VMXE);
  if (!vmxon(c.region)) panic("vmx: VMXON failed");
}

/** Entry `slot` of the MSR list at `list`. */
function msrEntry(list: Virt, slot: usize): MsrEntry {
  return structAt<MsrEntry>(virt(u64(list) + u64(slot * sizeof<MsrEntry>())));
}

/** Fills an MSR list with the four MSRs of GUEST_MSRS, with this CPU's values if `current`. */
function msrList(list: Virt, current: bool): void {
  msrEntry(list, SLOT_STAR).index = IA32_STAR;
  msrEntry(list, SLOT_LSTAR).index = IA32_LSTAR;
  msrEntry(list, SLOT_FMASK).index = IA32_FMASK;
  msrEntry(list, SLOT_KERNEL_GS).index = IA32_KERNEL_GS_BASE;
  if (!current) return;
  for (let i: usize = 0; i < GUEST_MSRS; i++) {
    const e = msrEntry(list, i);
    e.value = rdmsr(e.index);
  }
}

/** A new vCPU's VMX state (its VMCS not yet loaded anywhere), virt(0) when memory is out. */
export function create(): Virt {
  const va = allocBytes(sizeof<VmxVcpu>(), 8);
  if (u64(va) === 0) return va;
  const x = structAt<VmxVcpu>(va);
  x.vmcs = allocBytes(PAGE, PAGE);
  x.msrs = allocBytes(GUEST_MSRS * sizeof<MsrEntry>(), 16);
  const vpid = caps.vpids ? takeVpid() : 0;
  if (u64(x.vmcs) === 0 || u64(x.msrs) === 0 || (caps.vpids && vpid === 0)) {
    release(x);
    return virt(0);
  }
  x.vpid = vpid;
  ptrFromVirt<u32>(x.vmcs).store(caps.revision);
  msrList(x.msrs, false);
  return va;
}

function takeVpid(): u32 {
  for (let i: usize = 0; i < 1024; i++) {
    const w = vpids.used[i];
    if (w === u64.MAX) continue;
    let b: u32 = 0;
    while (((w >> u64(b)) & 1) !== 0) b++;
    vpids.used[i] = w | (u64(1) << u64(b));
    return u32(i) * 64 + b;
  }
  return 0;
}

function release(x: VmxVcpu): void {
  if (x.vpid !== 0) vpids.used[usize(x.vpid >> 6)] &= ~(u64(1) << u64(x.vpid & 63));
  if (u64(x.vmcs) !== 0) freeBytes(x.vmcs, PAGE, PAGE);
  if (u64(x.msrs) !== 0) freeBytes(x.msrs, GUEST_MSRS * sizeof<MsrEntry>(), 16);
  freeBytes(structAddress(x), sizeof<VmxVcpu>(), 8);
}

/**
 * Frees a vCPU's VMX state (holding the kernel lock): at once if its VMCS was never loaded or
 * is loaded here (VMCLEAR first), else by its own CPU at its next guest run (drain()).
 */
export function destroy(va: Virt): void {
  const x = structAt<VmxVcpu>(va);
  if (!x.loaded) {
    release(x);
    return;
  }
  if (x.cpu === percpu.slot()) {
    clear(x);
    release(x);
    return;
  }
  const c = cpus[usize(x.cpu)];
  x.next = c.toClear;
  c.toClear = va;
}

function clear(x: VmxVcpu): void {
  const c = here();
  vmclear(kmem.directToPhys(x.vmcs));
  if (c.current === structAddress(x)) c.current = virt(0);
}

/** Clears and frees the VMCSs other CPUs destroyed for this one (holding the kernel lock). */
function drain(): void {
  const c = here();
  while (u64(c.toClear) !== 0) {
    const x = structAt<VmxVcpu>(c.toClear);
    c.toClear = x.next;
    clear(x);
    release(x);
  }
}

/**
 * Makes the vCPU's VMCS current on this CPU, its own: the first time, clears it and writes
 * everything but the guest state (the STARTUP reply writes that, §13.4).
 */
function use(x: VmxVcpu): void {
  const c = here();
  if (c.current === structAddress(x)) return;
  const pa = kmem.directToPhys(x.vmcs);
  if (!x.loaded) {
    vmclear(pa);
    x.cpu = percpu.slot();
  }
  assert(x.cpu === percpu.slot(), "vmx: a VMCS used on another CPU than its own");
  if (!vmptrld(pa)) panic("vmx: VMPTRLD failed");
  c.current = structAddress(x);
  if (!x.loaded) {
    x.loaded = true;
    setUp(x);
  }
}

/** The kernel's controls for the VMM's words (the windows included). */
function writePrimary(x: VmxVcpu): void {
  let want = FORCED_PRIMARY | (x.primary & PERMITTED_PRIMARY);
  // The TPR shadow replaces the CR8 exits (the guest's CR8 is the virtual-APIC page's TPR).
  if (tprShadow(x)) want &= ~u32(VmxPrimary.CR8_LOAD | VmxPrimary.CR8_STORE);
  else want &= ~u32(VmxPrimary.TPR_SHADOW);
  if (x.interruptWindow) want |= VmxPrimary.INTERRUPT_WINDOW;
  if (x.nmiWindow) want |= VmxPrimary.NMI_WINDOW;
  vmwrite(Vmcs.PRIMARY_CONTROLS, u64(adjust(want, caps.primary0, caps.primary1)));
}

function writeSecondary(x: VmxVcpu): void {
  let want = FORCED_SECONDARY | (x.secondary & PERMITTED_SECONDARY);
  if (!caps.vpids) want &= ~u32(VmxSecondary.VPID);
  if (u64(x.apicAccess) === 0) want &= ~u32(VmxSecondary.VIRTUALIZE_APIC);
  vmwrite(Vmcs.SECONDARY_CONTROLS, u64(want & caps.secondary1));
}

/** The host state and the kernel's controls of a VMCS just loaded on its CPU. */
function setUp(x: VmxVcpu): void {
  const c = caps;
  vmwrite(Vmcs.VMCS_LINK_POINTER, u64.MAX);
  let pin = PIN_EXTERNAL_INTERRUPT | PIN_NMI | PIN_VIRTUAL_NMIS;
  if (c.runLimit !== 0) {
    pin |= PIN_PREEMPTION_TIMER;
    // Without "save preemption-timer value" every VM entry starts it from this value again.
    vmwrite(Vmcs.GUEST_PREEMPTION_TIMER, c.runLimit);
  }
  vmwrite(Vmcs.PIN_CONTROLS, u64(adjust(pin, c.pin0, c.pin1)));
  writePrimary(x);
  writeSecondary(x);
  const exit =
    EXIT_HOST_64 |
    EXIT_SAVE_DEBUG |
    EXIT_SAVE_PAT |
    EXIT_LOAD_PAT |
    EXIT_SAVE_EFER |
    EXIT_LOAD_EFER;
  vmwrite(Vmcs.EXIT_CONTROLS, u64(adjust(exit, c.exit0, c.exit1)));
  writeEntryControls(0);
  vmwrite(Vmcs.EXCEPTION_BITMAP, u64(FORCED_EXCEPTIONS));
  vmwrite(Vmcs.CR0_MASK, c.cr0Forced);
  vmwrite(Vmcs.CR4_MASK, c.cr4Forced);
  vmwrite(Vmcs.GUEST_CR0, c.cr0Forced);
  vmwrite(Vmcs.GUEST_CR4, c.cr4Forced);
  vmwrite(Vmcs.CR3_TARGET_COUNT, 0);
  if (x.vpid !== 0) vmwrite(Vmcs.VPID, u64(x.vpid));
  if (u64(x.virtualApic) !== 0)
    vmwrite(Vmcs.VIRTUAL_APIC_PAGE, u64(kmem.directToPhys(x.virtualApic)));
  const msrs = u64(kmem.directToPhys(x.msrs));
  vmwrite(Vmcs.ENTRY_MSR_LOAD, msrs);
  vmwrite(Vmcs.ENTRY_MSR_LOAD_COUNT, GUEST_MSRS);
  vmwrite(Vmcs.EXIT_MSR_STORE, msrs);
  vmwrite(Vmcs.EXIT_MSR_STORE_COUNT, GUEST_MSRS);
  vmwrite(Vmcs.EXIT_MSR_LOAD, u64(kmem.directToPhys(caps.hostMsrs)));
  vmwrite(Vmcs.EXIT_MSR_LOAD_COUNT, GUEST_MSRS);
  // The host state of this CPU, which a vCPU never leaves.
  vmwrite(Vmcs.HOST_CR0, readCr0());
  vmwrite(Vmcs.HOST_CR4, readCr4());
  vmwrite(Vmcs.HOST_CS_SELECTOR, u64(gdt.KERNEL_CODE));
  vmwrite(Vmcs.HOST_SS_SELECTOR, u64(gdt.KERNEL_DATA));
  vmwrite(Vmcs.HOST_DS_SELECTOR, u64(gdt.KERNEL_DATA));
  vmwrite(Vmcs.HOST_ES_SELECTOR, u64(gdt.KERNEL_DATA));
  vmwrite(Vmcs.HOST_FS_SELECTOR, 0);
  vmwrite(Vmcs.HOST_GS_SELECTOR, 0);
  vmwrite(Vmcs.HOST_TR_SELECTOR, u64(gdt.TSS));
  vmwrite(Vmcs.HOST_FS_BASE, rdmsr(IA32_FS_BASE));
  vmwrite(Vmcs.HOST_GS_BASE, rdmsr(IA32_GS_BASE));
  const gdtBase = readGdtrBase();
  vmwrite(Vmcs.HOST_GDTR_BASE, u64(gdtBase));
  vmwrite(Vmcs.HOST_TR_BASE, u64(gdt.tssBase(gdtBase)));
  vmwrite(Vmcs.HOST_IDTR_BASE, u64(readIdtrBase()));
  vmwrite(Vmcs.HOST_SYSENTER_CS, 0);
  vmwrite(Vmcs.HOST_SYSENTER_ESP, 0);
  vmwrite(Vmcs.HOST_SYSENTER_EIP, 0);
  vmwrite(Vmcs.HOST_EFER, rdmsr(IA32_EFER));
  vmwrite(Vmcs.HOST_PAT, rdmsr(IA32_PAT));
  vmwrite(Vmcs.HOST_RIP, u64(linkerSymbol("vmx_exit")));
  x.hostCr3 = u64.MAX;
}

/** The VM-entry controls for guest EFER `efer` (IA-32e mode guest follows EFER.LMA, §6.3). */
function writeEntryControls(efer: u64): void {
  let entry = ENTRY_LOAD_DEBUG | ENTRY_LOAD_PAT | ENTRY_LOAD_EFER;
  if ((efer & EFER_LMA) !== 0) entry |= ENTRY_IA32E_GUEST;
  vmwrite(Vmcs.ENTRY_CONTROLS, u64(adjust(entry, caps.entry0, caps.entry1)));
}

/** Whether the VMM's controls have the TPR shadow, and the vCPU a virtual-APIC page for it. */
function tprShadow(x: VmxVcpu): bool {
  return (x.primary & VmxPrimary.TPR_SHADOW) !== 0 && u64(x.virtualApic) !== 0;
}

/** The vCPU's virtual-APIC page (a page of its EC's, mapped where the VMM asked, §13.13). */
export function setVirtualApic(va: Virt, page: Virt): void {
  structAt<VmxVcpu>(va).virtualApic = page;
}

/** The APIC-access page (MTD APIC): the host page behind the guest-physical address the VMM named. */
export function setApicAccess(va: Virt, page: Phys): void {
  const x = structAt<VmxVcpu>(va);
  use(x);
  x.apicAccess = page;
  vmwrite(Vmcs.APIC_ACCESS_ADDRESS, u64(page));
  writeSecondary(x);
}

/** The guest's CR8: the virtual-APIC page's TPR bits 7:4, or the kernel's copy without a page. */
const VTPR: usize = 0x80;
function cr8(x: VmxVcpu): u64 {
  // The virtual TPR is current either way: the guest's MOVs with the TPR shadow, the VMM's
  // (MTD CR, setCr8) without it.
  if (u64(x.virtualApic) === 0) return x.cr8;
  return u64(ptrFromVirt<u8>(x.virtualApic).get(VTPR) >> 4);
}

function setCr8(x: VmxVcpu, value: u64): void {
  x.cr8 = value & 0xf;
  if (u64(x.virtualApic) !== 0) ptrFromVirt<u8>(x.virtualApic).set(VTPR, u8(x.cr8 << 4));
}

/** Points the VMCS at a guest space's EPT and at the bitmaps of a PIO and an MSR space. */
export function setSpaces(va: Virt, eptRoot: Phys, ioBitmap: Virt, msrBitmap: Virt): void {
  const x = structAt<VmxVcpu>(va);
  use(x);
  x.eptp = u64(eptRoot) | caps.eptpFlags;
  vmwrite(Vmcs.EPT_POINTER, x.eptp);
  const io = u64(kmem.directToPhys(ioBitmap));
  vmwrite(Vmcs.IO_BITMAP_A, io);
  vmwrite(Vmcs.IO_BITMAP_B, io + PAGE);
  vmwrite(Vmcs.MSR_BITMAP, u64(kmem.directToPhys(msrBitmap)));
}

/**
 * Before a run on this CPU, holding the kernel lock: the VMCS current; the guest's TLB entries
 * flushed if its VMM asked (`flushTlb`), the guest space's EPT entries if it lost a mapping
 * since this vCPU's last run (`spaceChanged`).
 */
export function prepare(va: Virt, flushTlb: bool, spaceChanged: bool): void {
  if (u64(here().toClear) !== 0) drain();
  const x = structAt<VmxVcpu>(va);
  use(x);
  if (spaceChanged) invept(caps.inveptType, x.eptp);
  // Without VPIDs every VM entry and exit flushes the guest's linear translations.
  if (flushTlb && x.vpid !== 0) invvpid(caps.invvpidType, u64(x.vpid), 0);
}

/** The STARTUP message's registers (§8.4): the controls a VMM may set, the CPU's capability MSRs. */
export function startup(r: ExceptionFrame): void {
  const c = caps;
  r.rax = u64(adjust(c.primary1 & PERMITTED_PRIMARY, c.primary0, c.primary1));
  r.rcx = u64(c.secondary1 & PERMITTED_SECONDARY);
  r.rdx = 0;
  r.r8 = c.archCapabilities;
  r.r9 = c.coreCapabilities;
  r.r10 = c.mcuOptCtrl;
}

/**
 * Runs the guest with the registers `r` until its next VM exit, and returns the exit's event
 * number, CONSUMED for the kernel's own exits, or FAILED when VMLAUNCH/VMRESUME refused the
 * VMCS itself (§8.3: the vCPU dies). Interrupts are off before and after.
 */
export function run(va: Virt, r: ExceptionFrame, vmmExceptions: u32): u32 {
  const x = structAt<VmxVcpu>(va);
  const c = here();
  c.runs++;
  vmwrite(Vmcs.GUEST_RSP, r.rsp);
  vmwrite(Vmcs.GUEST_RIP, r.rip);
  vmwrite(Vmcs.GUEST_RFLAGS, r.rflags);
  const cr3 = readCr3();
  if (cr3 !== x.hostCr3) {
    vmwrite(Vmcs.HOST_CR3, cr3);
    x.hostCr3 = cr3;
  }
  if (x.tscBehind !== 0) {
    vmwrite(Vmcs.TSC_OFFSET, vmread(Vmcs.TSC_OFFSET) - x.tscBehind);
    x.tscBehind = 0;
  }
  if (readCr2() !== x.cr2) writeCr2(x.cr2);
  const failed = vmxRun(structAddress(r), x.launched);
  if (failed !== 0) {
    c.failed++;
    const error = failed === 2 ? vmread(Vmcs.INSTRUCTION_ERROR) : 0;
    log(`VMX: ${x.launched ? "VMRESUME" : "VMLAUNCH"} failed, VM-instruction error ${error}`);
    return FAILED;
  }
  x.cr2 = readCr2();
  r.rsp = vmread(Vmcs.GUEST_RSP);
  r.rip = vmread(Vmcs.GUEST_RIP);
  r.rflags = vmread(Vmcs.GUEST_RFLAGS);
  const reason = u32(vmread(Vmcs.EXIT_REASON));
  x.reason = reason;
  if ((reason & REASON_ENTRY_FAILED) !== 0) return reason & REASON_BASIC;
  x.launched = true;
  reinject();
  const basic = reason & REASON_BASIC;
  if (basic === VmxExit.EXTERNAL_INTERRUPT || basic === VmxExit.PREEMPTION_TIMER) return CONSUMED;
  if (basic === VmxExit.EXCEPTION_NMI && exception(vmmExceptions)) return CONSUMED;
  if (basic === VmxExit.CR_ACCESS && crWrite(x, r)) return CONSUMED;
  return basic;
}

/**
 * An event the exit interrupted (IDT-vectoring information) is delivered again at the next
 * entry, unless the VMM's reply injects another (INJ write); the VMM sees it through INJ.
 */
function reinject(): void {
  const info = u32(vmread(Vmcs.IDT_VECTORING));
  if ((info & INTR_VALID) === 0) return;
  vmwrite(Vmcs.ENTRY_INTERRUPTION, u64(info & INTR_INJECTABLE));
  vmwrite(Vmcs.ENTRY_ERROR_CODE, vmread(Vmcs.IDT_VECTORING_ERROR));
  vmwrite(Vmcs.ENTRY_INSTRUCTION_LENGTH, vmread(Vmcs.EXIT_INSTRUCTION_LENGTH));
}

/**
 * An exception-or-NMI exit the kernel handles: a host NMI (its handler runs now), or a
 * forced exception the VMM did not ask for (put back into the guest). True then.
 */
function exception(vmmExceptions: u32): bool {
  const info = u32(vmread(Vmcs.EXIT_INTERRUPTION));
  if (((info >> INTR_TYPE_SHIFT) & INTR_TYPE_MASK) === INTR_TYPE_NMI) {
    softNmi();
    return true;
  }
  if (reflection(info & 0xff, vmmExceptions) === 0) return false;
  // Back as it came: a #DB of ICEBP is a privileged software exception, delivered after the
  // instruction (its length with it); one of a breakpoint or single step a hardware exception.
  vmwrite(Vmcs.ENTRY_INTERRUPTION, u64(info & INTR_INJECTABLE));
  vmwrite(Vmcs.ENTRY_ERROR_CODE, vmread(Vmcs.EXIT_ERROR_CODE));
  vmwrite(Vmcs.ENTRY_INSTRUCTION_LENGTH, vmread(Vmcs.EXIT_INSTRUCTION_LENGTH));
  return true;
}

/**
 * A MOV to CR0 or CR4 that changes none of the bits the VMM's mask has: the kernel writes
 * it (the bits that differed from the read shadow were ones it hides) and the guest goes on
 * after the instruction. True then.
 */
function crWrite(x: VmxVcpu, r: ExceptionFrame): bool {
  const q = vmread(Vmcs.EXIT_QUALIFICATION);
  const n = q & CR_NUMBER;
  if (((q >> CR_TYPE_SHIFT) & 3) !== 0 || (n !== 0 && n !== 4)) return false;
  const value = utcb.gpr(r, usize((q >> CR_GPR_SHIFT) & 0xf));
  const cr0 = n === 0;
  const shadow = cr0 ? Vmcs.CR0_SHADOW : Vmcs.CR4_SHADOW;
  if (((value ^ vmread(shadow)) & (cr0 ? x.cr0Mask : x.cr4Mask)) !== 0) return false;
  if (cr0) {
    crIn(value, Vmcs.GUEST_CR0, shadow, caps.cr0Forced, caps.cr0Allowed);
    longMode(value);
  } else crIn(value, Vmcs.GUEST_CR4, shadow, caps.cr4Forced, caps.cr4Allowed);
  r.rip += vmread(Vmcs.EXIT_INSTRUCTION_LENGTH);
  // Past the instruction, a blocking by STI or MOV SS it was under has ended.
  vmwrite(Vmcs.GUEST_INTERRUPTIBILITY, vmread(Vmcs.GUEST_INTERRUPTIBILITY) & ~u64(3));
  return true;
}

/** EFER.LMA and the IA-32e mode entry control after the guest's CR0 became `cr0` (LME and PG). */
function longMode(cr0: u64): void {
  const efer = vmread(Vmcs.GUEST_EFER);
  const lma = (efer & EFER_LME) !== 0 && (cr0 & CR0_PG) !== 0 ? EFER_LMA : 0;
  if ((efer & EFER_LMA) === lma) return;
  const next = (efer & ~EFER_LMA) | lma;
  vmwrite(Vmcs.GUEST_EFER, next);
  writeEntryControls(next);
}

/** The event number of a refused guest state (§8.3), whose INJ reports the pending injection. */
export const EVENT_INVALID: u32 = VmxExit.ENTRY_GUEST_STATE;

/** Moves the guest's TSC back by `ticks` at its next run (time offsetting, vcpu.ts). */
export function offsetTsc(va: Virt, ticks: u64): void {
  structAt<VmxVcpu>(va).tscBehind += ticks;
}

/** The length of the instruction that exited (the VM-exit instruction-length field). */
export function exitLength(va: Virt): u32 {
  use(structAt<VmxVcpu>(va));
  return u32(vmread(Vmcs.EXIT_INSTRUCTION_LENGTH));
}

/** The end of the boot log: guest runs and refused entries over `count` CPUs. */
export function logCounts(count: u32): void {
  if (!caps.usable) return;
  let runs: u64 = 0;
  let failed: u64 = 0;
  for (let i: usize = 0; i < usize(count); i++) {
    runs += cpus[i].runs;
    failed += cpus[i].failed;
  }
  log(`VMX: ${runs} guest runs, ${failed} refused by VMLAUNCH/VMRESUME`);
}

// ---- state transfer (nova-abi.md §6.3, §13) ----

/** Guest segment `s` (GuestSegment) of the current VMCS into `u` (guest_state.ts SegmentAccess). */
function segmentOut(_va: Virt, s: u32, u: Segment): void {
  if (s < GuestSegment.GDTR) {
    u.selector = u16(vmread(segmentField(Vmcs.GUEST_ES_SELECTOR, s)));
    u.ar = arFromVmx(vmread(segmentField(Vmcs.GUEST_ES_AR, s)));
  }
  u.limit = u32(vmread(segmentField(Vmcs.GUEST_ES_LIMIT, s)));
  u.base = vmread(segmentField(Vmcs.GUEST_ES_BASE, s));
}

/** `u` into guest segment `s` of the current VMCS (guest_state.ts SegmentAccess). */
function segmentIn(_va: Virt, s: u32, u: Segment): void {
  const table = s >= GuestSegment.GDTR;
  if (!table) {
    vmwrite(segmentField(Vmcs.GUEST_ES_SELECTOR, s), u64(u.selector));
    vmwrite(segmentField(Vmcs.GUEST_ES_AR, s), arToVmx(u.ar));
  }
  vmwrite(segmentField(Vmcs.GUEST_ES_LIMIT, s), u64(table ? u.limit & 0xffff : u.limit));
  vmwrite(segmentField(Vmcs.GUEST_ES_BASE, s), u.base);
}

/** The guest's view of CR0 or CR4: its bits under `mask` are the read shadow's. */
function crView(cr: u32, mask: u32, shadow: u32): u64 {
  const m = vmread(mask);
  return (vmread(cr) & ~m) | (vmread(shadow) & m);
}

function msrSlot(x: VmxVcpu, slot: usize): MsrEntry {
  return msrEntry(x.msrs, slot);
}

/** The MTD bits of VMCS state beyond RIP and the qualification (save and load test them at once). */
const VMCS_STATE: u32 =
  MTD_STA |
  MTD_CTRL |
  MTD_TPR |
  MTD_INJ |
  MTD_CS_SS |
  MTD_DS_ES |
  MTD_FS_GS |
  MTD_TR |
  MTD_LDTR |
  MTD_GDTR |
  MTD_IDTR |
  MTD_PDPTE |
  MTD_CR |
  MTD_DR |
  MTD_SYSCALL |
  MTD_SYSENTER |
  MTD_PAT |
  MTD_EFER |
  MTD_KERNEL_GS;

/**
 * The VMCS state `mtd` selects into the handler's UTCB (GPRs, RFLAGS and RIP are vcpu.ts's).
 * `pending`: report the pending injection as the interruption (RECALL, refused state).
 */
export function save(va: Virt, a: ArchUtcb, mtd: u32, pending: bool): void {
  const x = structAt<VmxVcpu>(va);
  use(x);
  if ((mtd & MTD_RIP) !== 0) a.instInfo = u32(vmread(Vmcs.EXIT_INSTRUCTION_INFO));
  if ((mtd & MTD_QUAL) !== 0) {
    a.qual[0] = vmread(Vmcs.EXIT_QUALIFICATION);
    a.qual[1] = vmread(Vmcs.GUEST_LINEAR_ADDRESS);
    a.qual[2] = vmread(Vmcs.GUEST_PHYSICAL_ADDRESS);
  }
  // Most handlers take the registers, RIP and the qualification only: one test for the rest.
  if ((mtd & VMCS_STATE) === 0) return;
  if ((mtd & MTD_STA) !== 0) {
    a.interruptibility = u32(vmread(Vmcs.GUEST_INTERRUPTIBILITY));
    a.activity = u32(vmread(Vmcs.GUEST_ACTIVITY));
  }
  if ((mtd & MTD_INJ) !== 0) {
    if (pending) {
      a.intrInfo = u32(vmread(Vmcs.ENTRY_INTERRUPTION));
      a.intrError = u32(vmread(Vmcs.ENTRY_ERROR_CODE));
    } else {
      a.intrInfo = u32(vmread(Vmcs.EXIT_INTERRUPTION));
      a.intrError = u32(vmread(Vmcs.EXIT_ERROR_CODE));
    }
    a.vectInfo = u32(vmread(Vmcs.IDT_VECTORING));
    a.vectError = u32(vmread(Vmcs.IDT_VECTORING_ERROR));
  }
  transferSegments(va, a, mtd, segmentOut);
  if ((mtd & MTD_PDPTE) !== 0) for (let i: u32 = 0; i < 4; i++) a.pdpte[i] = vmread(pdpteField(i));
  if ((mtd & MTD_CR) !== 0) {
    a.cr0 = crView(Vmcs.GUEST_CR0, Vmcs.CR0_MASK, Vmcs.CR0_SHADOW);
    a.cr2 = x.cr2;
    a.cr3 = vmread(Vmcs.GUEST_CR3);
    a.cr4 = crView(Vmcs.GUEST_CR4, Vmcs.CR4_MASK, Vmcs.CR4_SHADOW);
    a.cr8 = cr8(x);
  }
  if ((mtd & MTD_DR) !== 0) a.dr7 = vmread(Vmcs.GUEST_DR7);
  if ((mtd & MTD_SYSCALL) !== 0) {
    a.star = msrSlot(x, SLOT_STAR).value;
    a.lstar = msrSlot(x, SLOT_LSTAR).value;
    a.fmask = msrSlot(x, SLOT_FMASK).value;
  }
  if ((mtd & MTD_SYSENTER) !== 0) {
    a.sysenterCs = vmread(Vmcs.GUEST_SYSENTER_CS);
    a.sysenterEsp = vmread(Vmcs.GUEST_SYSENTER_ESP);
    a.sysenterEip = vmread(Vmcs.GUEST_SYSENTER_EIP);
  }
  if ((mtd & MTD_PAT) !== 0) a.pat = vmread(Vmcs.GUEST_PAT);
  if ((mtd & MTD_EFER) !== 0) a.efer = vmread(Vmcs.GUEST_EFER);
  if ((mtd & MTD_KERNEL_GS) !== 0) a.kernelGsBase = msrSlot(x, SLOT_KERNEL_GS).value;
}

/**
 * Writes the guest's view `value` of CR0 or CR4: the real register gets the bits VMX fixes
 * (hidden by the mask, file comment), the read shadow the value.
 */
function crIn(value: u64, cr: u32, shadow: u32, forced: u64, allowed: u64): void {
  vmwrite(cr, (value | forced) & allowed);
  vmwrite(shadow, value);
}

/** A new CR0 or CR4 mask: the guest's view stays what it was (the shadow takes it). */
function maskIn(mask: u64, cr: u32, maskField: u32, shadow: u32): void {
  const view = crView(cr, maskField, shadow);
  vmwrite(maskField, mask);
  vmwrite(shadow, view);
}

/**
 * The UTCB state `mtd` selects into the VMCS (GPRs, RFLAGS, RIP and the spaces are vcpu.ts's;
 * `instLength` with MTD RIP is the VM-entry instruction length). Returns the interrupt window's
 * new state for INJ (-1: unchanged).
 */
export function load(va: Virt, a: ArchUtcb, mtd: u32): i32 {
  const x = structAt<VmxVcpu>(va);
  use(x);
  let window: i32 = -1;
  if ((mtd & MTD_RIP) !== 0) vmwrite(Vmcs.ENTRY_INSTRUCTION_LENGTH, u64(a.instLength));
  if ((mtd & VMCS_STATE) === 0) return window;
  if ((mtd & MTD_STA) !== 0) {
    vmwrite(Vmcs.GUEST_INTERRUPTIBILITY, u64(a.interruptibility));
    vmwrite(Vmcs.GUEST_ACTIVITY, u64(a.activity));
  }
  if ((mtd & MTD_CTRL) !== 0) {
    x.primary = a.ctrl1;
    x.secondary = a.ctrl2;
    x.cr0Mask = a.cr0Mask;
    x.cr4Mask = a.cr4Mask;
    writePrimary(x);
    writeSecondary(x);
    vmwrite(Vmcs.EXCEPTION_BITMAP, u64(a.exceptionBitmap | FORCED_EXCEPTIONS));
    vmwrite(Vmcs.PF_ERROR_MASK, u64(a.pfErrorMask));
    vmwrite(Vmcs.PF_ERROR_MATCH, u64(a.pfErrorMatch));
    maskIn(caps.cr0Forced | a.cr0Mask, Vmcs.GUEST_CR0, Vmcs.CR0_MASK, Vmcs.CR0_SHADOW);
    maskIn(caps.cr4Forced | a.cr4Mask, Vmcs.GUEST_CR4, Vmcs.CR4_MASK, Vmcs.CR4_SHADOW);
  }
  if ((mtd & MTD_TPR) !== 0) vmwrite(Vmcs.TPR_THRESHOLD, u64(a.tprThreshold & 0xf));
  if ((mtd & MTD_INJ) !== 0) {
    vmwrite(Vmcs.ENTRY_INTERRUPTION, u64(a.intrInfo & INTR_INJECTABLE));
    vmwrite(Vmcs.ENTRY_ERROR_CODE, u64(a.intrError));
    window = (a.intrInfo & INJ_WINDOW) !== 0 ? 1 : 0;
    const nmi = (a.intrInfo & INJ_NMI_WINDOW) !== 0;
    if (nmi !== x.nmiWindow) {
      x.nmiWindow = nmi;
      writePrimary(x);
    }
  }
  transferSegments(va, a, mtd, segmentIn);
  if ((mtd & MTD_PDPTE) !== 0) for (let i: u32 = 0; i < 4; i++) vmwrite(pdpteField(i), a.pdpte[i]);
  if ((mtd & MTD_CR) !== 0) {
    crIn(a.cr0, Vmcs.GUEST_CR0, Vmcs.CR0_SHADOW, caps.cr0Forced, caps.cr0Allowed);
    x.cr2 = a.cr2;
    vmwrite(Vmcs.GUEST_CR3, a.cr3);
    crIn(a.cr4, Vmcs.GUEST_CR4, Vmcs.CR4_SHADOW, caps.cr4Forced, caps.cr4Allowed);
    setCr8(x, a.cr8);
  }
  if ((mtd & MTD_DR) !== 0) vmwrite(Vmcs.GUEST_DR7, a.dr7);
  if ((mtd & MTD_SYSCALL) !== 0) {
    msrSlot(x, SLOT_STAR).value = sanitizedStar(a.star);
    msrSlot(x, SLOT_LSTAR).value = canonical(a.lstar);
    msrSlot(x, SLOT_FMASK).value = sanitizedFmask(a.fmask);
  }
  if ((mtd & MTD_SYSENTER) !== 0) {
    vmwrite(Vmcs.GUEST_SYSENTER_CS, a.sysenterCs & 0xffff);
    vmwrite(Vmcs.GUEST_SYSENTER_ESP, canonical(a.sysenterEsp));
    vmwrite(Vmcs.GUEST_SYSENTER_EIP, canonical(a.sysenterEip));
  }
  if ((mtd & MTD_PAT) !== 0) vmwrite(Vmcs.GUEST_PAT, a.pat);
  if ((mtd & MTD_EFER) !== 0) {
    vmwrite(Vmcs.GUEST_EFER, a.efer);
    writeEntryControls(a.efer);
  }
  if ((mtd & MTD_KERNEL_GS) !== 0) msrSlot(x, SLOT_KERNEL_GS).value = canonical(a.kernelGsBase);
  return window;
}

/** Sets or clears interrupt-window exiting (INJ bit 12, armed until a reply injects). */
export function armWindow(va: Virt, on: bool): void {
  const x = structAt<VmxVcpu>(va);
  if (x.interruptWindow === on) return;
  x.interruptWindow = on;
  writePrimary(x);
}
