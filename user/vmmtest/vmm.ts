// The test VMM's event handler: one local EC (HANDLER) serves every event
// portal of the vCPUs main.ts creates (EVT + n, PID = n, the portal's MTD =
// READ, everything readable). It emulates what the guests of guests.S do:
// CPUID answers fixed values, OUT to REPORT_PORT and the serial port is
// logged, RDMSR/WRMSR of two MSRs, HLT resumes after the instruction,
// VMMCALL ends the guest (POISON). Every exit advances RIP by the length
// the kernel reported, which the test checks against the instruction's real
// length. An exit the guest should not cause ends it too, recorded.

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
  MTD_PDPTE,
  MTD_POISON,
  MTD_QUAL,
  MTD_RFLAGS,
  MTD_RIP,
  MTD_SPACES,
  MTD_STA,
  MTD_SYSCALL,
  MTD_SYSENTER,
  MTD_TR,
  MTD_TSC,
  MTD_XSAVE,
} from "../../abi/mtd.ts";
import { smUp } from "../nova/hypercall.ts";
import { arch } from "../nova/utcb.ts";

/** The handler EC's UTCB. */
export const HANDLER_UTCB: u64 = 0x7ffe_0000_0000;
/** Selectors main.ts fills: the vCPU's spaces, and the semaphore an ended guest ups. */
export const GST: u64 = 0x7000;
export const PIO: u64 = 0x7001;
export const MSR: u64 = 0x7002;
export const DONE_SM: u64 = 0x7006;
/** Guest-physical layout: the code page, the data page below the initial stack. */
export const GUEST_CODE_GPA: u64 = 0x1000;
export const GUEST_DATA_GPA: u64 = 0x6000;
export const GUEST_SP: u64 = 0x7000;

const REPORT_PORT: u64 = 0xe9;
const SERIAL_PORT: u64 = 0x3f8;

/** SVM exit codes (nova-abi.md §13.5: the event number). */
export const EXIT_CPUID: u64 = 0x72;
export const EXIT_HLT: u64 = 0x78;
export const EXIT_IOIO: u64 = 0x7b;
export const EXIT_MSR: u64 = 0x7c;
export const EXIT_VMMCALL: u64 = 0x81;

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
/** What STARTUP writes: the whole state (but PDPTE) and the spaces. */
const START: u32 = (READ & ~(MTD_QUAL | MTD_PDPTE)) | MTD_CTRL | MTD_SPACES;

/** SVM segment attributes (§6.4): 16-bit data and code, a busy 16-bit TSS, an LDT. */
const AR_DATA: u16 = 0x93;
const AR_CODE: u16 = 0x9b;
const AR_TSS: u16 = 0x8b;
const AR_LDT: u16 = 0x82;
const CR0_ET: u64 = 0x10;
const EFER_SVME: u64 = 0x1000;
const PAT_RESET: u64 = 0x0007_0406_0007_0406;
const DR7_RESET: u64 = 0x400;

/** Seen.unexpected when the kernel reported no instruction length. */
export const NO_LENGTH: u64 = 0x2_0000_0000;

/** What the guest did, as the handler saw it. */
class Seen {
  reports: Arr<u64, 32>;
  reportCount: u64;
  serial: Arr<u8, 64>;
  serialCount: u64;
  msrWritten: u64;
  msrWriteValue: u64;
  halts: u64;
  events: u64;
  /** Instruction lengths the kernel reported for CPUID, RDMSR, HLT and VMMCALL. */
  cpuidLength: u32;
  rdmsrLength: u32;
  hltLength: u32;
  /** The first event no guest should cause (0: none), and the guest ended. */
  unexpected: u64;
  ended: bool;
}
export const seen = new Seen();

function segment(s: Segment, ar: u16): void {
  s.selector = 0;
  s.ar = ar;
  s.limit = 0xffff;
  s.base = 0;
}

/** STARTUP: real mode at GUEST_CODE_GPA, everything else as after reset, and the spaces. */
function startup(a: ArchUtcb): u32 {
  for (let i: usize = 0; i < 16; i++) a.gpr[i] = 0;
  a.gpr[GPR_RSP] = GUEST_SP;
  a.rflags = 2;
  a.rip = GUEST_CODE_GPA;
  a.interruptibility = 0;
  a.activity = 0;
  a.ctrl1 = 0;
  a.ctrl2 = 0;
  a.exceptionBitmap = 0;
  a.cr0Mask = 0;
  a.cr4Mask = 0;
  a.intrInfo = 0;
  a.intrError = 0;
  segment(a.cs, AR_CODE);
  segment(a.ss, AR_DATA);
  segment(a.ds, AR_DATA);
  segment(a.es, AR_DATA);
  segment(a.fs, AR_DATA);
  segment(a.gs, AR_DATA);
  segment(a.tr, AR_TSS);
  segment(a.ldtr, AR_LDT);
  segment(a.gdtr, 0);
  segment(a.idtr, 0);
  a.cr0 = CR0_ET;
  a.cr2 = 0;
  a.cr3 = 0;
  a.cr4 = 0;
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
  a.efer = EFER_SVME;
  a.kernelGsBase = 0;
  a.tscAux = 0;
  a.selGst = GST;
  a.selPio = PIO;
  a.selMsr = MSR;
  return START;
}

/** Past the exiting instruction by the kernel's length; a guest whose length is unknown ends. */
function skip(a: ArchUtcb): u32 {
  if (a.instLength === 0) {
    if (seen.unexpected === 0) seen.unexpected = NO_LENGTH;
    return end();
  }
  a.rip += u64(a.instLength);
  return MTD_GPR0_7 | MTD_RIP;
}

function io(a: ArchUtcb): u32 {
  const info = a.qual[0];
  const port = info >> 16;
  const isIn = (info & 1) !== 0;
  const value = a.gpr[GPR_RAX];
  if (!isIn && port === REPORT_PORT && seen.reportCount < 32) {
    seen.reports[usize(seen.reportCount)] = value & 0xffff_ffff;
    seen.reportCount++;
  } else if (!isIn && port === SERIAL_PORT && seen.serialCount < 64) {
    seen.serial[usize(seen.serialCount)] = u8(value & 0xff);
    seen.serialCount++;
  } else if (isIn) a.gpr[GPR_RAX] = value | 0xff;
  return skip(a);
}

function msr(a: ArchUtcb): u32 {
  if (a.qual[0] === 0) {
    seen.rdmsrLength = a.instLength;
    a.gpr[GPR_RAX] = 0x5566_7788;
    a.gpr[GPR_RDX] = 0x1122_3344;
  } else {
    seen.msrWritten = a.gpr[GPR_RCX];
    seen.msrWriteValue = (a.gpr[GPR_RDX] << 32) | (a.gpr[GPR_RAX] & 0xffff_ffff);
  }
  return skip(a);
}

/** The guest is done (or went wrong): the test goes on. */
function end(): u32 {
  seen.ended = true;
  smUp(DONE_SM);
  return MTD_POISON;
}

/** Every vCPU event (guests.S vmm_portal_entry): `pid` is the event number; returns the reply MTD. */
export function event(pid: u64, _mtd: u64, _rsp: u64): u64 {
  const a = arch(HANDLER_UTCB);
  seen.events++;
  if (pid === u64(GST_STARTUP)) return startup(a);
  if (pid === EXIT_CPUID) {
    seen.cpuidLength = a.instLength;
    a.gpr[GPR_RAX] = 0x1234;
    a.gpr[GPR_RBX] = 0x5678;
    a.gpr[GPR_RCX] = 0x9abc;
    a.gpr[GPR_RDX] = 0xdef0;
    return skip(a);
  }
  if (pid === EXIT_IOIO) return io(a);
  if (pid === EXIT_MSR) return msr(a);
  if (pid === EXIT_HLT) {
    seen.halts++;
    seen.hltLength = a.instLength;
    return skip(a);
  }
  if (pid === EXIT_VMMCALL) return end();
  if (pid === u64(GST_RECALL)) return 0;
  if (seen.unexpected === 0) seen.unexpected = pid | 0x1_0000_0000;
  return end();
}
