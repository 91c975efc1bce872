// The test VMM's event handlers: local ECs (one per CPU a vCPU runs on,
// HANDLERS) serve every event portal of the vCPUs main.ts creates (EVT + n,
// PID = handler index << 16 | n, the portal's MTD = READ, everything
// readable). They emulate what the guests of guests.S do: CPUID answers
// fixed values, OUT to REPORT_PORT and the serial port is logged,
// RDMSR/WRMSR of two MSRs, HLT resumes after the instruction, a nested page
// fault maps a page, an interrupt window gets an injected interrupt, an
// intercepted #UD is skipped, a MOV to CR0/CR4 is emulated (VMX guest), so
// are a MOV to CR8 and APIC accesses, a TPR-below-threshold exit lowers the
// threshold and an NMI window gets an injected NMI (APIC guest), the
// hypercall (VMCALL or VMMCALL) and RECALL end the guest (POISON). Every exit
// advances RIP by the length the kernel reported, which the test checks
// against the instruction's real length (an APIC access, which has none,
// resumes where the guest said). An exit the guest should not cause ends it
// too, recorded.
//
// One VMM for both vendors: the guests and the handlers are the same, only
// the event numbers and the layout of their qualifications differ (§8.3,
// §13.5, §13.6). `vendor` holds them, filled once from the HIP
// (chooseVendor) before the first vCPU exists.

import {
  ArchUtcb,
  GPR_RAX,
  GPR_RBX,
  GPR_RCX,
  GPR_RDX,
  GPR_RSP,
  Segment,
} from "../../abi/arch_utcb.ts";
import { GST_RECALL, GST_STARTUP } from "../../abi/events.ts";
import { FEATURE_SVM, FEATURE_VMX } from "../../abi/hip_page.ts";
import { SVM_EVENT_INVALID, SVM_EVENT_NPF, SvmExit } from "../../abi/svm_exits.ts";
import {
  VMX_APIC_LINEAR_READ,
  VMX_APIC_TYPE_MASK,
  VMX_APIC_TYPE_SHIFT,
  VMX_CR_GPR_MASK,
  VMX_CR_GPR_SHIFT,
  VMX_CR_MOV_TO,
  VMX_CR_NUMBER_MASK,
  VMX_CR_TYPE_MASK,
  VMX_CR_TYPE_SHIFT,
  VMX_IO_IN,
  VmxExit,
} from "../../abi/vmx_exits.ts";
import {
  MTD_APIC,
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
  MTD_PDPTE,
  MTD_POISON,
  MTD_QUAL,
  MTD_RFLAGS,
  MTD_RIP,
  MTD_SPACES,
  MTD_STA,
  MTD_SYSCALL,
  MTD_SYSENTER,
  MTD_TPR,
  MTD_TR,
  MTD_TLB,
  MTD_TSC,
  MTD_XSAVE,
} from "../../abi/mtd.ts";
import { EFER_LMA, EFER_LME, EFER_SVME, IA32_SYSENTER_CS } from "../../abi/msr.ts";
import { Perm_mem } from "../../abi/perms.ts";
import { VmxPrimary, VmxSecondary } from "../../abi/vmx_controls.ts";
import { hip } from "../nova/hip.ts";
import { smUp } from "../nova/hypercall.ts";
import { arch } from "../nova/utcb.ts";
import { ROOT_HST, pd } from "../roottest/sel.ts";

/** Handler ECs: one per CPU that runs vCPUs (0 and 1); their UTCBs and stacks. */
export const HANDLERS: u64 = 2;
export const HANDLER_UTCB: u64 = 0x7ffe_0000_0000;
export const HANDLER_STACK: u64 = 4 * 4096;
/** Selectors main.ts fills: the vCPUs' spaces, and the semaphores the handlers up. */
export const GST: u64 = 0x7000;
export const PIO: u64 = 0x7001;
export const MSR: u64 = 0x7002;
/** A guest ended (up once per vCPU); a guest reached a point the test acts on. */
export const DONE_SM: u64 = 0x7006;
export const STEP_SM: u64 = 0x7007;
/** For bad SPACES: a guest space of another PD (and that PD), a copy of GST without ASSIGN. */
export const FOREIGN_PD: u64 = 0x7008;
export const FOREIGN_GST: u64 = 0x7009;
export const GST_NO_ASSIGN: u64 = 0x700a;

/**
 * Guest-physical layout: the code page; the hypercall page; eight data pages (guests.S
 * guest_data) with the page tables at 0x8000 (PML4 or the 32-bit page directory), 0x9000
 * (PDPT), 0xa000 (PD), a stack below 0xc000, the IDT at 0xc000, the GDT at 0xd000, a second
 * stack below 0xf000, the watched page at 0xf000; the page the VMM maps on a nested page
 * fault.
 */
export const GUEST_CODE_GPA: u64 = 0x1000;
export const HYPERCALL_GPA: u64 = 0x2000;
export const GUEST_DATA_GPA: u64 = 0x8000;
export const GUEST_DATA_ORDER: u64 = 3;
const TABLES_GPA: u64 = 0x8000;
const IDT_GPA: u64 = 0xc000;
const GDT_GPA: u64 = 0xd000;
export const WATCH_GPA: u64 = 0xf000;
export const WATCH_VALUE: u64 = 0x7761_7463;
export const WATCH_VALUE2: u64 = 0x6e65_7721;
export const NPF_GPA: u64 = 0x40000;
/** What the events guest reaches without exits (delegated to its spaces, guests.S). */
export const PASS_MSR: u64 = IA32_SYSENTER_CS;
export const PASS_VALUE: u64 = 0x42;
export const PASS_PORT: u64 = 0xed;
export const NPF_VALUE: u64 = 0x4e50_4621;
/**
 * The VMX guest (guests.S guest_vmx): the page it calls, mapped at its EPT violation; the
 * page its second translation of TLB_LINEAR reaches (the first reaches TLB_OLD_GPA).
 */
const FETCH_GPA: u64 = 0x5_0000;
export const FETCH_VALUE: u64 = 0x6665_7463;
export const WRITE_VALUE: u64 = 0x7772_6974;
const TLB_OLD_GPA: u64 = 0xe000;
export const TLB_NEW_GPA: u64 = 0xa0_e000;
export const TLB_OLD_VALUE: u64 = 0x6f6c_6421;
export const TLB_NEW_VALUE: u64 = 0x6e65_7721;
/**
 * The APIC guest (guests.S guest_apic): its APIC-access page; a guest-physical address with
 * no page (MTD APIC naming it kills the vCPU); what the VMM's emulation of its read of the
 * APIC page gives (an APIC version register's value) and what its NMI handler reports.
 */
export const APIC_GPA: u64 = 0x6_0000;
const APIC_UNMAPPED_GPA: u64 = 0x7_0000;
export const APIC_READ_VALUE: u64 = 0x0005_0014;
export const NMI_VALUE: u64 = 0x6e6d_6921;
/**
 * Where vCPU k's virtual-APIC page is mapped in the VMM: VIRTUAL_APIC + k · 4096 (create_ec's
 * address, §13.13), the newest vCPU k's; its virtual TPR is the byte at VTPR.
 */
export const VIRTUAL_APIC: u64 = 0x7ffd_0000_0000;
const VTPR: u64 = 0x80;

/** The first RSP of vCPU `k` (create_ec's sp, §13.4): each its own stack. */
export function guestSp(k: u64): u64 {
  return k === 0 ? 0xc000 : 0xf000;
}

/** The guests of guests.S. */
export enum Mode {
  REAL = 0,
  PROTECTED = 1,
  LONG = 2,
  /** The events guest in long mode, real mode, 32-bit protected mode. */
  EVENTS = 3,
  TSC = 4,
  BENCH = 5,
  EVENTS_REAL = 6,
  EVENTS_PROTECTED = 7,
  /** Long mode, run on VMX only: CR access exits, EPT violations, a VPID flush. */
  VMX = 8,
  /** Long mode, run on VMX only: TPR shadow and threshold, APIC accesses, the NMI window. */
  APIC = 9,
}

/** Exits per kind the bench guest times (guests.S BENCH_N). */
export const BENCH_N: usize = 1000;

class Shares {
  /** The handler's own ticks per bench exit, CPUID exits first, then I/O exits. */
  vmm: Arr<u64, 2000>;
  count: usize;
}
const shares = new Shares();

/** The handler's ticks for each bench exit (bench.ts). */
export function vmmShares(): Ptr<u64> {
  return arrayPtr(shares.vmm);
}

/** What a STARTUP reply gets wrong on purpose (bad input from a VMM). */
export enum Bad {
  NONE = 0,
  /**
   * EFER.SVME the wrong way round: without it VMRUN refuses the guest (SVM, event 0xfd);
   * with it VM entry does (a reserved bit on Intel, event 0x21).
   */
  EFER = 1,
  /** CS with L and D in long mode: VMRUN and VM entry refuse it too. */
  CS = 2,
  /** SPACES with a guest space of another PD, or without ASSIGN: the vCPU dies at entry. */
  FOREIGN_GST = 3,
  NO_ASSIGN = 4,
  /**
   * VMX: TPR shadow with a TPR threshold above the virtual TPR's bits 7:4, which VMLAUNCH
   * refuses (the vCPU dies); MTD APIC naming a guest-physical address with no page (it dies
   * at entry).
   */
  TPR_THRESHOLD = 5,
  APIC_PAGE = 6,
}

const REPORT_PORT: u64 = 0xe9;
const SERIAL_PORT: u64 = 0x3f8;

/**
 * The events of the exits the guests cause, and where their qualifications put what the
 * handlers decode (§13.5, §13.6). SVM: the exit code (abi/svm_exits.ts), one MSR exit
 * for both directions (qual[0] 0 read, 1 write), #UD as the exception's own exit, the
 * GPA of a nested page fault in qual[1]. VMX: the basic exit reason (abi/vmx_exits.ts),
 * every exception as event 0 with the vector in the interruption info, the GPA in
 * qual[2].
 */
class Vendor {
  vmx: bool;
  /** Why the VMX-only cases do not apply ("" on VMX). */
  notVmx: str;
  cpuid: u64;
  hlt: u64;
  io: u64;
  rdmsr: u64;
  wrmsr: u64;
  /** VMMCALL (SVM) or VMCALL (VMX): what the hypercall page holds (guests.S). */
  hypercall: u64;
  npf: u64;
  /** State the CPU refused to enter (VMRUN's VMEXIT_INVALID, VM entry's invalid guest state). */
  invalid: u64;
  window: u64;
  /** The exit of an intercepted #UD (VMX: of every exception). */
  ud: u64;
  /** MOV to or from a CR (VMX; NO_EVENT on SVM, whose guests do not cause it). */
  crAccess: u64;
  /** The I/O qualification's IN bit, the qualification that holds a nested fault's GPA. */
  ioIn: u64;
  npfGpa: usize;
  /** The guests' end (guests.S guest_vmcall or guest_vmmcall). */
  hypercallPage: Virt;
}
export const vendor = new Vendor();

/** No event has this number. */
const NO_EVENT: u64 = 0xffff_ffff;
const SVM_IO_IN: u64 = 1;

/** Fills `vendor` from the HIP: VMX when it has VMX (the kernel's choice too), else SVM. */
export function chooseVendor(): void {
  const features = hip().features;
  const v = vendor;
  const vmx = (features & FEATURE_VMX) !== 0;
  v.vmx = vmx;
  v.notVmx = "";
  if (!vmx) v.notVmx = (features & FEATURE_SVM) !== 0 ? "SVM" : "no VMX in the HIP";
  v.cpuid = vmx ? VmxExit.CPUID : SvmExit.CPUID;
  v.hlt = vmx ? VmxExit.HLT : SvmExit.HLT;
  v.io = vmx ? VmxExit.IO : SvmExit.IOIO;
  v.rdmsr = vmx ? VmxExit.RDMSR : SvmExit.MSR;
  v.wrmsr = vmx ? VmxExit.WRMSR : SvmExit.MSR;
  v.hypercall = vmx ? VmxExit.VMCALL : SvmExit.VMMCALL;
  v.npf = vmx ? VmxExit.EPT_VIOLATION : SVM_EVENT_NPF;
  v.invalid = vmx ? VmxExit.ENTRY_GUEST_STATE : SVM_EVENT_INVALID;
  v.window = vmx ? VmxExit.INTERRUPT_WINDOW : SvmExit.VINTR;
  v.ud = vmx ? VmxExit.EXCEPTION_NMI : SvmExit.EXCEPTION + VECTOR_UD;
  v.crAccess = vmx ? VmxExit.CR_ACCESS : NO_EVENT;
  v.ioIn = vmx ? VMX_IO_IN : SVM_IO_IN;
  v.npfGpa = vmx ? 2 : 1;
  v.hypercallPage = vmx ? linkerSymbol("guest_vmcall") : linkerSymbol("guest_vmmcall");
}

/**
 * Interruption information (§6.5): valid, external interrupt type 0, NMI type 2 (whose vector
 * is 2); the interrupt- and NMI-window requests.
 */
const INJ_VALID: u32 = 0x8000_0000;
const INJ_TYPE_NMI: u32 = 2 << 8;
const INJ_WINDOW: u32 = 1 << 12;
const INJ_NMI_WINDOW: u32 = 1 << 13;
export const IRQ_VECTOR: u32 = 0x30;
const VECTOR_NMI: u32 = 2;

/** Everything a vCPU event can report (the portals' MTD). */
export const READ: u32 =
  MTD_GPR0_7 |
  MTD_GPR8_15 |
  MTD_RFLAGS |
  MTD_RIP |
  MTD_STA |
  MTD_QUAL |
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
  MTD_XSAVE |
  MTD_SYSCALL |
  MTD_SYSENTER |
  MTD_PAT |
  MTD_EFER |
  MTD_KERNEL_GS |
  MTD_TSC;
/** MTD bit 28 is reserved (§6.3): STARTUP sets it, and the kernel must ignore it. */
const MTD_RESERVED: u32 = 1 << 28;
/** What STARTUP writes: the whole state (but PDPTE) and the spaces. */
const START: u32 = (READ & ~(MTD_QUAL | MTD_PDPTE)) | MTD_CTRL | MTD_SPACES | MTD_RESERVED;

/** Segment attributes (§6.4): data and code (16-bit; D and G for 32-bit, L for 64-bit), a busy TSS, an LDT. */
const AR_DATA: u16 = 0x93;
const AR_CODE: u16 = 0x9b;
const AR_TSS: u16 = 0x8b;
const AR_LDT: u16 = 0x82;
const AR_L: u16 = 1 << 9;
const AR_DB: u16 = 1 << 10;
const AR_G: u16 = 1 << 11;
const CR0_PE: u64 = 1 << 0;
const CR0_ET: u64 = 0x10;
const CR0_PG: u64 = 1 << 31;
/** CR0 with paging (protected and long mode). */
export const CR0_PAGING: u64 = CR0_PG | CR0_ET | CR0_PE;
const CR4_PSE: u64 = 1 << 4;
export const CR4_PAE: u64 = 1 << 5;
/** What the VMX guest's STARTUP puts in the CR0 and CR4 masks (its writes of them exit). */
export const CR0_MP: u64 = 1 << 1;
export const CR4_TSD: u64 = 1 << 2;
const PAT_RESET: u64 = 0x0007_0406_0007_0406;
const DR7_RESET: u64 = 0x400;
/** Page-table entry bits: present, writable, large page. */
const PTE_P: u64 = 1;
const PTE_W: u64 = 2;
const PTE_PS: u64 = 0x80;
/** The events guests' GDT: null, 64- or 32-bit code (selector 8), data (0x10). */
const GDT_CODE64: u64 = 0x00af_9a00_0000_ffff;
const GDT_CODE32: u64 = 0x00cf_9a00_0000_ffff;
const GDT_DATA: u64 = 0x00cf_9200_0000_ffff;
const SEL_CODE: u16 = 8;
const SEL_DATA: u16 = 0x10;
/** #UD, intercepted in the events guest; the exception bitmap bit. */
const VECTOR_UD: u32 = 6;

/** Seen.unexpected when the kernel reported no instruction length. */
export const NO_LENGTH: u64 = 0x2_0000_0000;

/** What one vCPU's guest did, as its handler saw it. */
export class Seen {
  mode: u32;
  bad: u32;
  /** Events of state the CPU refused to enter (vendor.invalid). */
  invalid: u64;
  /** The hypercall exits (the guest's end). */
  hypercalls: u64;
  /** RAX and RCX at STARTUP: on VMX the primary and secondary controls the VMM may set. */
  allowed1: u64;
  allowed2: u64;
  /** The VMX guest: CR access exits, the first two qualifications and the first length. */
  crExits: u64;
  crQual: Arr<u64, 2>;
  crLength: u32;
  /** The VMX guest: the EPT violations' qualifications of its write and its fetch. */
  eptWrite: u64;
  eptFetch: u64;
  /**
   * The APIC guest: the virtual TPR through the VMM's mapping and MTD CR's CR8 after its MOV
   * to CR8 of 5, the virtual TPR after the reply wrote CR8 9 with MTD CR.
   */
  vtprAfterMov: u64;
  cr8AfterMov: u64;
  vtprAfterReply: u64;
  /**
   * Its TPR-below-threshold exits; RIP, RBX (the address after its MOV) and CR8 at the first.
   */
  tprExits: u64;
  tprRip: u64;
  tprRbx: u64;
  tprCr8: u64;
  /** Its APIC-access exits and the first two qualifications. */
  apicExits: u64;
  apicQual: Arr<u64, 2>;
  /** Its NMI-window exits: RIP at the first, and where the reply that armed the window resumed. */
  nmiWindows: u64;
  nmiWindowRip: u64;
  nmiArmedRip: u64;
  /** The long-mode guest: what its first exit read back differently (stateMismatches). */
  stateMismatches: u64;
  /** OUTs to ports the VMM does not emulate, and SYSENTER_CS as the events guest's first exit read it. */
  otherIo: u64;
  sysenterCs: u64;
  /** RSP at STARTUP (create_ec's sp). */
  startupRsp: u64;
  /** Nested page faults at NPF_GPA, and their EXITINFO1 (the fault's error code). */
  npfs: u64;
  npfInfo: u64;
  /** The events guest: window exits, the #UD's interruption info, faults at WATCH_GPA, RECALLs. */
  windows: u64;
  udInfo: u32;
  watchFaults: u64;
  recalls: u64;
  reports: Arr<u64, 32>;
  reportCount: u64;
  serial: Arr<u8, 64>;
  serialCount: u64;
  msrWritten: u64;
  msrWriteValue: u64;
  halts: u64;
  events: u64;
  /** Instruction lengths the kernel reported for CPUID, RDMSR and HLT. */
  cpuidLength: u32;
  rdmsrLength: u32;
  hltLength: u32;
  /** The first event no guest should cause (0: none), and the guest ended. */
  unexpected: u64;
  ended: bool;
}
export const seen = array<Inline<Seen>, 2>();

function segment(s: Segment, selector: u16, ar: u16, limit: u32): void {
  s.selector = selector;
  s.ar = ar;
  s.limit = limit;
  s.base = 0;
}

/** The guest page at `gpa` (one of the data pages) as the VMM sees it. */
function page(gpa: u64): Ptr<u64> {
  return ptrFromVirt<u64>(virt(u64(linkerSymbol("guest_data")) + gpa - GUEST_DATA_GPA));
}

/**
 * Where the events guests' interrupt handler and the APIC guest's NMI handler are (guests.S
 * IRQ_OFFSET in their page).
 */
const IRQ_GPA: u64 = GUEST_CODE_GPA + 0x800;
/** The events guests' #DB handler (guests.S DB_OFFSET), and what it reports. */
const DB_GPA: u64 = GUEST_CODE_GPA + 0xc00;
export const DB_REPORT: u64 = 0xdb;
const VECTOR_DB: u32 = 1;
/**
 * A byte in the GDT's page the events guests test before their ICEBP (guests.S ICEBP_FLAG):
 * non-zero where the machine delivers the #DB the kernel puts back (icebpReliable).
 */
const ICEBP_FLAG_GPA: u64 = GDT_GPA + 0x800;

/**
 * Whether the guest's ICEBP step runs: not under QEMU's TCG, whose SVM turns the #DB that
 * VMCB event injection puts back into a nested page fault at guest-physical 4 (Bochs' SVM
 * and VMX deliver it through the guest's IDT). QEMU names itself in the brand string.
 */
export function icebpReliable(): bool {
  const r = array<u32, 4>();
  const brand = array<u8, 48>();
  for (let i: u32 = 0; i < 3; i++) {
    cpuid(0x8000_0002 + i, 0, r);
    for (let j: usize = 0; j < 16; j++)
      brand[usize(i) * 16 + j] = u8((r[j / 4] >> u32((j % 4) * 8)) & 0xff);
  }
  for (let i: usize = 0; i + 4 <= 48; i++)
    if (
      brand[i] === 0x51 &&
      brand[i + 1] === 0x45 &&
      brand[i + 2] === 0x4d &&
      brand[i + 3] === 0x55
    )
      return false;
  return true;
}

/** Whether `mode` runs an events guest. */
export function isEvents(mode: u32): bool {
  return mode === Mode.EVENTS || mode === Mode.EVENTS_REAL || mode === Mode.EVENTS_PROTECTED;
}

/** Whether the guest of `mode` has a GDT and an IDT (descriptors()): the events and APIC guests. */
function hasIdt(mode: u32): bool {
  return isEvents(mode) || mode === Mode.APIC;
}

/** The processor mode of the guest of `mode`: Mode.REAL, Mode.PROTECTED or Mode.LONG. */
function cpuMode(mode: u32): u32 {
  if (mode === Mode.REAL || mode === Mode.EVENTS_REAL) return Mode.REAL;
  if (mode === Mode.PROTECTED || mode === Mode.EVENTS_PROTECTED) return Mode.PROTECTED;
  return Mode.LONG;
}

/** A guest's GDT (null, code, data) and its IDT's `vector` at IRQ_GPA, for CPU mode `cpu`. */
function descriptors(cpu: u32, vector: u32): void {
  const gdt = page(GDT_GPA);
  gdt.set(0, 0);
  gdt.set(1, cpu === Mode.LONG ? GDT_CODE64 : GDT_CODE32);
  gdt.set(2, GDT_DATA);
  gate(cpu, vector, IRQ_GPA);
}

/** IDT entry `vector` of a guest in CPU mode `cpu`: an interrupt gate to `handler`. */
function gate(cpu: u32, vector: u32, handler: u64): void {
  if (cpu === Mode.REAL) {
    // Real mode: the IVT at IDT_GPA (LIDT may put it anywhere), offset and segment 0.
    const ivt = ptrFromVirt<u32>(virt(u64(ptrToVirt(page(IDT_GPA))) + u64(vector) * 4));
    ivt.set(0, u32(handler));
    return;
  }
  // A 32-bit interrupt gate: offset 15:0, selector, type 0x8e, offset 31:16; a 64-bit one
  // (16 bytes) has offset 63:32 after it.
  const size: u64 = cpu === Mode.PROTECTED ? 8 : 16;
  const g = page(IDT_GPA + u64(vector) * size);
  g.set(
    0,
    (handler & 0xffff) | (u64(SEL_CODE) << 16) | (u64(0x8e00) << 32) | ((handler >> 16) << 48),
  );
  if (cpu === Mode.LONG) g.set(1, handler >> 32);
}

/**
 * A fresh run of the guests for `mode` (with the STARTUP mistake `bad`): page tables (and
 * the events guest's GDT and IDT), nothing seen yet.
 */
export function prepare(mode: u32, bad: u32): void {
  for (let k: usize = 0; k < usize(HANDLERS); k++) {
    const zero = ptrFromVirt<u8>(structAddress(seen[k]));
    for (let i: usize = 0; i < sizeof<Seen>(); i++) zero.set(i, 0);
    seen[k].mode = mode;
    seen[k].bad = bad;
  }
  for (let i: usize = 0; i < 3 * 512; i++) page(TABLES_GPA).set(i, 0);
  const cpu = cpuMode(mode);
  if (cpu === Mode.PROTECTED) {
    // 32-bit paging: one 4 MiB page maps 0…4 MiB (a 32-bit entry in the low half of word 0).
    page(TABLES_GPA).set(0, PTE_PS | PTE_W | PTE_P);
  } else if (cpu === Mode.LONG) {
    page(TABLES_GPA).set(0, (TABLES_GPA + 0x1000) | PTE_W | PTE_P);
    page(TABLES_GPA + 0x1000).set(0, (TABLES_GPA + 0x2000) | PTE_W | PTE_P);
    page(TABLES_GPA + 0x2000).set(0, PTE_PS | PTE_W | PTE_P);
  }
  if (mode === Mode.VMX) {
    // The second 2 MiB alias the first until the guest points them at TLB_NEW_GPA's.
    page(TABLES_GPA + 0x2000).set(1, PTE_PS | PTE_W | PTE_P);
    page(TLB_OLD_GPA).set(0, TLB_OLD_VALUE);
    ptrFromVirt<u64>(linkerSymbol("guest_tlb_page")).set(0, TLB_NEW_VALUE);
  }
  if (!hasIdt(mode)) return;
  for (let i: usize = 0; i < 512; i++) page(IDT_GPA).set(i, 0);
  descriptors(cpu, mode === Mode.APIC ? VECTOR_NMI : IRQ_VECTOR);
  // The events guests' ICEBP: a #DB the VMM does not intercept, which the kernel puts back.
  if (isEvents(mode)) {
    gate(cpu, VECTOR_DB, DB_GPA);
    ptrFromVirt<u8>(ptrToVirt(page(ICEBP_FLAG_GPA))).set(0, icebpReliable() ? 1 : 0);
  }
  if (mode === Mode.APIC) return;
  ptrFromVirt<u64>(linkerSymbol("guest_watch_page")).set(0, WATCH_VALUE);
  ptrFromVirt<u64>(linkerSymbol("guest_watch2_page")).set(0, WATCH_VALUE2);
}

/** EFER of CPU mode `cpu`: SVME where VMRUN needs it (§13.8), a reserved bit on Intel. */
function efer(cpu: u32): u64 {
  const svme = vendor.vmx ? 0 : EFER_SVME;
  return cpu === Mode.LONG ? svme | EFER_LMA | EFER_LME : svme;
}

/**
 * STARTUP: the guest's mode at GUEST_CODE_GPA, everything else as after reset, and the
 * spaces. One state for both vendors: what VMRUN accepts and what VM entry's guest-state
 * checks (Intel SDM Vol. 3, 27.3.1) accept with unrestricted guest, which the kernel's VMX
 * back-end turns on where the CPU has it (§6.3; real mode then needs neither CR0.PE nor
 * CR0.PG, and SS.DPL = 0): every segment usable, with the accessed bit in its type, limits
 * that agree with G, CS and SS of DPL 0; TR a busy TSS (type 11, allowed in every mode), LDTR
 * a present LDT; RFLAGS bit 1 alone; PAT entries all valid memory types; DR7's high half 0;
 * in long mode CR0.PG, CR4.PAE, EFER.LMA and LME, CS.L without D; 32-bit paging without PAE;
 * EFER.SVME only on SVM. Usable segments also read back as written on VMX (an unusable one
 * need not), and the kernel's own CR0.NE and CR4.VMXE are hidden by read shadows, so the
 * long-mode guest's state reads back unchanged on both (stateMismatches).
 */
function startup(s: Seen, a: ArchUtcb): u32 {
  s.startupRsp = a.gpr[GPR_RSP];
  s.allowed1 = a.gpr[GPR_RAX];
  s.allowed2 = a.gpr[GPR_RCX];
  for (let i: usize = 0; i < 16; i++) if (i !== GPR_RSP) a.gpr[i] = 0;
  a.rflags = 2;
  a.rip = GUEST_CODE_GPA;
  a.interruptibility = 0;
  a.activity = 0;
  controls(s, a, 0, 0);
  a.intrInfo = 0;
  a.intrError = 0;
  const mode = s.mode;
  const cpu = cpuMode(mode);
  let code = AR_CODE;
  let data = AR_DATA;
  let limit: u32 = 0xffff;
  let cs: u16 = 0;
  let ds: u16 = 0;
  if (cpu === Mode.PROTECTED) {
    code |= AR_DB | AR_G;
    data |= AR_DB | AR_G;
    limit = 0xffff_ffff;
  } else if (cpu === Mode.LONG) {
    code |= AR_L | AR_G;
    data |= AR_DB | AR_G;
    limit = 0xffff_ffff;
  }
  if (hasIdt(mode) && cpu !== Mode.REAL) {
    // Selectors of the GDT (descriptors()); in real mode the segments are base 0 anyway.
    cs = SEL_CODE;
    ds = SEL_DATA;
  }
  segment(a.cs, cs, code, limit);
  segment(a.ss, ds, data, limit);
  segment(a.ds, ds, data, limit);
  segment(a.es, ds, data, limit);
  segment(a.fs, ds, data, limit);
  segment(a.gs, ds, data, limit);
  segment(a.tr, 0, AR_TSS, 0xffff);
  segment(a.ldtr, 0, AR_LDT, 0xffff);
  segment(a.gdtr, 0, 0, 0xffff);
  segment(a.idtr, 0, 0, 0xffff);
  if (hasIdt(mode)) {
    a.gdtr.base = GDT_GPA;
    a.gdtr.limit = 0x17;
    a.idtr.base = IDT_GPA;
    a.idtr.limit = cpu === Mode.REAL ? 0x3ff : 0xfff;
  }
  a.cr0 = cpu === Mode.REAL ? CR0_ET : CR0_PAGING;
  a.cr2 = 0;
  a.cr3 = cpu === Mode.REAL ? 0 : TABLES_GPA;
  a.cr4 = 0;
  if (cpu === Mode.PROTECTED) a.cr4 = CR4_PSE;
  if (cpu === Mode.LONG) a.cr4 = CR4_PAE;
  a.cr8 = 0;
  a.dr7 = DR7_RESET;
  a.xcr0 = 1;
  a.xss = 0;
  a.star = 0;
  a.lstar = 0;
  a.fmask = 0;
  a.sysenterCs = 0;
  a.sysenterEsp = 0;
  a.sysenterEip = 0;
  a.pat = PAT_RESET;
  a.efer = efer(cpu);
  a.kernelGsBase = 0;
  a.tscAux = 0;
  a.selGst = GST;
  a.selPio = PIO;
  a.selMsr = MSR;
  if (mode === Mode.LONG) distinct(a);
  if (s.bad === Bad.EFER) a.efer ^= EFER_SVME;
  if (s.bad === Bad.CS) a.cs.ar |= AR_DB;
  if (s.bad === Bad.FOREIGN_GST) a.selGst = FOREIGN_GST;
  if (s.bad === Bad.NO_ASSIGN) a.selGst = GST_NO_ASSIGN;
  if (s.bad === Bad.TPR_THRESHOLD) {
    // The virtual TPR is 0 (CR8 above): any threshold exceeds it.
    a.ctrl1 = VmxPrimary.TPR_SHADOW;
    a.tprThreshold = 1;
    return START | MTD_TPR;
  }
  if (s.bad === Bad.APIC_PAGE) {
    a.apicBase = APIC_UNMAPPED_GPA;
    return START | MTD_APIC;
  }
  return START;
}

/**
 * The CTRL words of a reply for the guest of `s` (§6.3), with the VMM's `primary` and
 * `secondary` controls: the events guests intercept #UD, the VMX guest's CR0 and CR4 masks
 * hold MP and TSD; nothing else beyond the kernel's forced controls.
 */
function controls(s: Seen, a: ArchUtcb, primary: u32, secondary: u32): void {
  a.ctrl1 = primary;
  a.ctrl2 = secondary;
  a.ctrl3 = 0;
  a.exceptionBitmap = isEvents(s.mode) ? u32(1) << VECTOR_UD : 0;
  a.pfErrorMask = 0;
  a.pfErrorMatch = 0;
  a.cr0Mask = s.mode === Mode.VMX ? CR0_MP : 0;
  a.cr4Mask = s.mode === Mode.VMX ? CR4_TSD : 0;
}

// The long-mode guest's STARTUP writes these to fields the guest does not use, and its first
// exit reads them back (stateMismatches). STAR's low half and FMASK's high half are set on
// purpose: the kernel clears them (§6.3), and a non-canonical LSTAR is made canonical.
const FS_BASE: u64 = 0x0000_1111_2222_0000;
const GS_BASE: u64 = 0x0000_3333_4444_0000;
const CR2_VALUE: u64 = 0x0000_5555_6666_7000;
const STAR_WRITTEN: u64 = 0x0023_0010_dead_beef;
const STAR_READ: u64 = 0x0023_0010_0000_0000;
const LSTAR_WRITTEN: u64 = 0x1234_8000_0000_1000;
const LSTAR_READ: u64 = 0xffff_8000_0000_1000;
const FMASK_WRITTEN: u64 = 0x1_0000_4700;
const FMASK_READ: u64 = 0x4700;
const SYSENTER_CS: u64 = 0x10;
const SYSENTER_ESP: u64 = 0xffff_8000_0000_2000;
const SYSENTER_EIP: u64 = 0xffff_8000_0000_3000;
const KERNEL_GS: u64 = 0xffff_8880_0000_0000;
const TSC_AUX: u64 = 7;
const PAT_VALUE: u64 = 0x0007_0406_0007_0401;
const DR7_VALUE: u64 = 0x0000_0000_0000_0401;
const GDTR_BASE: u64 = 0x2000;
const GDTR_LIMIT: u32 = 0x27;

/** The long-mode guest's STARTUP values (above) in its UTCB. */
function distinct(a: ArchUtcb): void {
  a.fs.base = FS_BASE;
  a.gs.base = GS_BASE;
  a.cr2 = CR2_VALUE;
  a.star = STAR_WRITTEN;
  a.lstar = LSTAR_WRITTEN;
  a.fmask = FMASK_WRITTEN;
  a.sysenterCs = SYSENTER_CS;
  a.sysenterEsp = SYSENTER_ESP;
  a.sysenterEip = SYSENTER_EIP;
  a.kernelGsBase = KERNEL_GS;
  a.tscAux = TSC_AUX;
  a.pat = PAT_VALUE;
  a.dr7 = DR7_VALUE;
  a.gdtr.base = GDTR_BASE;
  a.gdtr.limit = GDTR_LIMIT;
}

function sameSegment(u: Segment, selector: u16, ar: u16, limit: u32, base: u64): bool {
  return u.selector === selector && u.ar === ar && u.limit === limit && u.base === base;
}

/**
 * What the long-mode guest's first exit reads back of its STARTUP state, one bit per MTD
 * group that differs (0: every one as written, or as the kernel sanitizes it): 1 segments,
 * 2 CR0, CR3, CR4, 4 DR, 8 SYSCALL, 0x10 SYSENTER, 0x20 PAT and EFER, 0x40 KERNEL_GS and
 * TSC_AUX, 0x80 XSAVE, 0x100 GDTR and IDTR, 0x200 CR2.
 */
function stateMismatches(a: ArchUtcb): u64 {
  const code = AR_CODE | AR_L | AR_G;
  const data = AR_DATA | AR_DB | AR_G;
  const limit: u32 = 0xffff_ffff;
  let m: u64 = 0;
  const segments =
    sameSegment(a.cs, 0, code, limit, 0) &&
    sameSegment(a.ss, 0, data, limit, 0) &&
    sameSegment(a.ds, 0, data, limit, 0) &&
    sameSegment(a.es, 0, data, limit, 0) &&
    sameSegment(a.fs, 0, data, limit, FS_BASE) &&
    sameSegment(a.gs, 0, data, limit, GS_BASE) &&
    sameSegment(a.tr, 0, AR_TSS, 0xffff, 0) &&
    sameSegment(a.ldtr, 0, AR_LDT, 0xffff, 0);
  if (!segments) m |= 1;
  if (a.cr0 !== CR0_PAGING || a.cr3 !== TABLES_GPA || a.cr4 !== CR4_PAE) m |= 2;
  if (a.cr2 !== CR2_VALUE) m |= 0x200;
  if (a.dr7 !== DR7_VALUE) m |= 4;
  if (a.star !== STAR_READ || a.lstar !== LSTAR_READ || a.fmask !== FMASK_READ) m |= 8;
  if (
    a.sysenterCs !== SYSENTER_CS ||
    a.sysenterEsp !== SYSENTER_ESP ||
    a.sysenterEip !== SYSENTER_EIP
  )
    m |= 0x10;
  if (a.pat !== PAT_VALUE || a.efer !== efer(Mode.LONG)) m |= 0x20;
  if (a.kernelGsBase !== KERNEL_GS || a.tscAux !== TSC_AUX) m |= 0x40;
  if (a.xcr0 !== 1 || a.xss !== 0) m |= 0x80;
  const tables =
    a.gdtr.base === GDTR_BASE &&
    a.gdtr.limit === GDTR_LIMIT &&
    a.idtr.base === 0 &&
    a.idtr.limit === 0xffff;
  if (!tables) m |= 0x100;
  return m;
}

/**
 * Past the exiting instruction by the kernel's length; a guest whose length is unknown ends.
 * The basic guests' and the VMX guest's replies also ask for a TLB flush (MTD TLB): on SVM a
 * fresh ASID at each entry, so a CPU with few (QEMU: 16) runs out of them and starts a new
 * generation, on VMX a flush of the vCPU's VPID; the guests must still see their memory, and
 * the VMX guest a change of its own page tables it made without INVLPG.
 */
function skip(s: Seen, a: ArchUtcb): u32 {
  if (a.instLength === 0) {
    if (s.unexpected === 0) s.unexpected = NO_LENGTH;
    return end(s);
  }
  a.rip += u64(a.instLength);
  const m = s.mode;
  const flush = m === Mode.REAL || m === Mode.PROTECTED || m === Mode.LONG || m === Mode.VMX;
  return MTD_GPR0_7 | MTD_RIP | (flush ? MTD_TLB : 0);
}

/** A value the guest reported; the events guest's steps act on some. */
function report(s: Seen, a: ArchUtcb, value: u64): u32 {
  if (s.reportCount < 32) {
    s.reports[usize(s.reportCount)] = value;
    s.reportCount++;
  }
  if (isEvents(s.mode) && s.reportCount === 1) s.sysenterCs = a.sysenterCs;
  const mtd = skip(s, a);
  // The TSC guest between its two RDTSCs: the test keeps the CPU for a while.
  if (s.mode === Mode.TSC && value === 5) smUp(STEP_SM);
  if (s.mode === Mode.APIC) return apicStep(s, a, mtd);
  if (!isEvents(s.mode)) return mtd;
  if (value === 1) {
    // IF is clear: the window opens at the guest's STI.
    a.intrInfo = INJ_WINDOW;
    a.intrError = 0;
    return mtd | MTD_INJ;
  }
  // 2: watching the page the test revokes; 3: spinning until the test recalls the vCPU.
  if (value === 2 || value === 3) smUp(STEP_SM);
  return mtd;
}

/** The byte at `offset` of the newest vCPU 0's virtual-APIC page, as the VMM's mapping shows it. */
function virtualApic(offset: u64): u64 {
  return u64(ptrFromVirt<u8>(virt(VIRTUAL_APIC)).get(usize(offset)));
}

/**
 * The APIC guest's reports (guests.S guest_apic, `mtd` the reply so far): after the first,
 * TPR shadow on; after the third (its MOV to CR8 of 5), the virtual TPR seen through the
 * VMM's mapping and MTD CR, then CR8 9 written with MTD CR and the TPR threshold 8 (not above
 * it, as VM entry requires); after the fourth, the virtual TPR again; after the fifth,
 * APIC-access virtualization on at APIC_GPA; after the eighth, the NMI window armed.
 */
function apicStep(s: Seen, a: ArchUtcb, mtd: u32): u32 {
  const step = s.reportCount;
  if (step === 1) {
    controls(s, a, VmxPrimary.TPR_SHADOW, 0);
    return mtd | MTD_CTRL;
  }
  if (step === 3) {
    s.vtprAfterMov = virtualApic(VTPR);
    s.cr8AfterMov = a.cr8;
    a.cr8 = 9;
    a.tprThreshold = 8;
    return mtd | MTD_CR | MTD_TPR;
  }
  if (step === 4) s.vtprAfterReply = virtualApic(VTPR);
  if (step === 5) {
    controls(s, a, VmxPrimary.TPR_SHADOW, VmxSecondary.VIRTUALIZE_APIC);
    a.apicBase = APIC_GPA;
    return mtd | MTD_CTRL | MTD_APIC;
  }
  if (step === 8) {
    s.nmiArmedRip = a.rip;
    a.intrInfo = INJ_NMI_WINDOW;
    a.intrError = 0;
    return mtd | MTD_INJ;
  }
  return mtd;
}

function io(s: Seen, a: ArchUtcb): u32 {
  const info = a.qual[0];
  const port = (info >> 16) & 0xffff;
  const isIn = (info & vendor.ioIn) !== 0;
  const value = a.gpr[GPR_RAX];
  if (!isIn && port === REPORT_PORT) return report(s, a, value & 0xffff_ffff);
  if (!isIn && port === SERIAL_PORT && s.serialCount < 64) {
    s.serial[usize(s.serialCount)] = u8(value & 0xff);
    s.serialCount++;
  } else if (isIn) a.gpr[GPR_RAX] = value | 0xff;
  else if (port !== SERIAL_PORT) s.otherIo++;
  return skip(s, a);
}

/** RDMSR or WRMSR: on VMX each its own event `n`, on SVM one event with qual[0] 1 for a write. */
function msr(s: Seen, a: ArchUtcb, n: u64): u32 {
  const write = vendor.vmx ? n === vendor.wrmsr : a.qual[0] !== 0;
  if (!write) {
    s.rdmsrLength = a.instLength;
    a.gpr[GPR_RAX] = 0x5566_7788;
    a.gpr[GPR_RDX] = 0x1122_3344;
  } else {
    s.msrWritten = a.gpr[GPR_RCX];
    s.msrWriteValue = (a.gpr[GPR_RDX] << 32) | (a.gpr[GPR_RAX] & 0xffff_ffff);
  }
  return skip(s, a);
}

/**
 * A nested page fault (SVM) or EPT violation (VMX): at NPF_GPA the guest's first access, at
 * WATCH_GPA the events guest's access after the test revoked the page or the VMX guest's
 * write to it while it is read-only, at FETCH_GPA the VMX guest's call. A page is mapped
 * there from the VMM's own host space (over the read-only one: a delegation replaces what
 * its destination held) and the guest retries the access (nothing written back). qual[0]
 * is the fault's error code (SVM) or the exit qualification (VMX).
 */
function npf(s: Seen, a: ArchUtcb): u32 {
  const gpa = a.qual[vendor.npfGpa];
  const info = a.qual[0];
  let va: u64 = 0;
  let perms = Perm_mem.R | Perm_mem.W;
  if (gpa === NPF_GPA) {
    s.npfs++;
    s.npfInfo = info;
    va = u64(linkerSymbol("guest_npf_page"));
    ptrFromVirt<u64>(virt(va)).set(0, NPF_VALUE);
  } else if ((gpa & ~u64(0xfff)) === WATCH_GPA && isEvents(s.mode)) {
    s.watchFaults++;
    va = u64(linkerSymbol("guest_watch2_page"));
  } else if (gpa === WATCH_GPA && s.mode === Mode.VMX && s.eptWrite === 0) {
    s.eptWrite = info;
    va = u64(linkerSymbol("guest_watch2_page"));
  } else if (gpa === FETCH_GPA && s.mode === Mode.VMX && s.eptFetch === 0) {
    s.eptFetch = info;
    va = u64(linkerSymbol("guest_fetch_page"));
    perms = Perm_mem.R | Perm_mem.XU;
  } else return unexpected(s, vendor.npf);
  if (pd(ROOT_HST, GST, va >> 12, 0, gpa >> 12, perms) !== 0) return end(s);
  return 0;
}

/**
 * A CR access exit (VMX): a MOV to CR0 or CR4 that changes a bit of the CR0 or CR4 mask (the
 * VMX guest), a MOV to CR8 without TPR shadow (the APIC guest). Emulated: the register gets
 * the GPR's value (MTD CR writes every CR: the others as this exit read them) and the guest
 * goes on after the instruction.
 */
function crAccess(s: Seen, a: ArchUtcb): u32 {
  const q = a.qual[0];
  if (s.crExits < 2) s.crQual[usize(s.crExits)] = q;
  if (s.crExits === 0) s.crLength = a.instLength;
  s.crExits++;
  const cr = q & VMX_CR_NUMBER_MASK;
  const type = (q >> VMX_CR_TYPE_SHIFT) & VMX_CR_TYPE_MASK;
  const value = a.gpr[usize((q >> VMX_CR_GPR_SHIFT) & VMX_CR_GPR_MASK)];
  const allowed = s.mode === Mode.APIC ? cr === 8 : cr === 0 || cr === 4;
  if (type !== VMX_CR_MOV_TO || !allowed) return unexpected(s, vendor.crAccess);
  if (cr === 0) a.cr0 = value;
  else if (cr === 4) a.cr4 = value;
  else a.cr8 = value;
  return skip(s, a) | MTD_CR;
}

/**
 * A TPR-below-threshold exit (the APIC guest, after its MOV to CR8 of a value below the
 * threshold): the threshold goes to 0, as VM entry refuses one above the virtual TPR; RIP is
 * already past the instruction.
 */
function tprBelowThreshold(s: Seen, a: ArchUtcb): u32 {
  if (s.tprExits === 0) {
    s.tprRip = a.rip;
    s.tprRbx = a.gpr[GPR_RBX];
    s.tprCr8 = a.cr8;
  }
  s.tprExits++;
  a.tprThreshold = 0;
  return MTD_TPR;
}

/**
 * An APIC-access exit (the APIC guest's access to APIC_GPA, before the instruction):
 * emulated, a read giving APIC_READ_VALUE; the guest goes on where RBX points, past the
 * access (an APIC-access exit leaves the instruction length undefined).
 */
function apicAccess(s: Seen, a: ArchUtcb): u32 {
  const q = a.qual[0];
  if (s.apicExits < 2) s.apicQual[usize(s.apicExits)] = q;
  s.apicExits++;
  if (((q >> VMX_APIC_TYPE_SHIFT) & VMX_APIC_TYPE_MASK) === VMX_APIC_LINEAR_READ)
    a.gpr[GPR_RAX] = APIC_READ_VALUE;
  a.rip = a.gpr[GPR_RBX];
  return MTD_GPR0_7 | MTD_RIP;
}

/**
 * An NMI-window exit (the APIC guest, whose report's reply armed the window): an NMI is
 * injected, and the reply's INJ without bit 13 disarms the window. Another such exit means
 * the window stayed armed: the guest ends (else each NMI's IRET would open the window again).
 */
function nmiWindow(s: Seen, a: ArchUtcb): u32 {
  s.nmiWindows++;
  if (s.nmiWindows > 1) return end(s);
  s.nmiWindowRip = a.rip;
  a.intrInfo = INJ_VALID | INJ_TYPE_NMI | VECTOR_NMI;
  a.intrError = 0;
  return MTD_INJ;
}

/** A bench guest's exit: RIP past the instruction, nothing else; the handler's ticks recorded. */
function benchExit(a: ArchUtcb, t0: u64): u32 {
  a.rip += u64(a.instLength);
  if (shares.count < 2 * BENCH_N) {
    shares.vmm[shares.count] = rdtsc() - t0;
    shares.count++;
  }
  return MTD_RIP;
}

/** The guest is done (or went wrong): the test goes on. */
function end(s: Seen): u32 {
  s.ended = true;
  smUp(DONE_SM);
  return MTD_POISON;
}

function unexpected(s: Seen, n: u64): u32 {
  if (s.unexpected === 0) s.unexpected = n | 0x1_0000_0000;
  return end(s);
}

/**
 * Every vCPU event (guests.S vmm_portal_entry): `pid` is the handler's index << 16 and the
 * event number; returns the reply MTD.
 */
export function event(pid: u64, _mtd: u64, _rsp: u64): u64 {
  const t0 = rdtsc();
  const k = (pid >> 16) & 1;
  const n = pid & 0xffff;
  const s = seen[usize(k)];
  const a = arch(HANDLER_UTCB + k * 0x1000);
  const v = vendor;
  s.events++;
  if (s.mode === Mode.BENCH && (n === v.cpuid || n === v.io)) return benchExit(a, t0);
  if (n === u64(GST_STARTUP)) return startup(s, a);
  if (n === v.cpuid) {
    if (s.mode === Mode.LONG) s.stateMismatches = stateMismatches(a);
    s.cpuidLength = a.instLength;
    a.gpr[GPR_RAX] = 0x1234;
    a.gpr[GPR_RBX] = 0x5678;
    a.gpr[GPR_RCX] = 0x9abc;
    a.gpr[GPR_RDX] = 0xdef0;
    return skip(s, a);
  }
  if (n === v.io) return io(s, a);
  if (n === v.rdmsr || n === v.wrmsr) return msr(s, a, n);
  if (n === v.hlt) {
    s.halts++;
    s.hltLength = a.instLength;
    return skip(s, a);
  }
  if (n === v.hypercall) {
    s.hypercalls++;
    return end(s);
  }
  if (n === v.npf) return npf(s, a);
  const cr = s.mode === Mode.VMX || s.mode === Mode.APIC;
  if (cr && n === v.crAccess) return crAccess(s, a);
  // The APIC guest runs on VMX only: its events are VMX exit reasons.
  if (s.mode === Mode.APIC && n === VmxExit.TPR_BELOW_THRESHOLD) return tprBelowThreshold(s, a);
  if (s.mode === Mode.APIC && n === VmxExit.APIC_ACCESS) return apicAccess(s, a);
  if (s.mode === Mode.APIC && n === VmxExit.NMI_WINDOW) return nmiWindow(s, a);
  if (n === v.invalid && s.bad !== Bad.NONE) {
    s.invalid++;
    return end(s);
  }
  if (isEvents(s.mode) && n === v.window) {
    // The window is open: inject the interrupt (and ask for no further window).
    s.windows++;
    a.intrInfo = INJ_VALID | IRQ_VECTOR;
    a.intrError = 0;
    return MTD_INJ;
  }
  if (isEvents(s.mode) && n === v.ud && (a.intrInfo & 0xff) === VECTOR_UD) {
    s.udInfo = a.intrInfo;
    a.rip += 2;
    return MTD_RIP;
  }
  if (n === u64(GST_RECALL)) {
    s.recalls++;
    return end(s);
  }
  return unexpected(s, n);
}
