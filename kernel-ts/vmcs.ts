// The Intel VMX virtual-machine control structure (Intel SDM Vol. 3, chapter
// 25 and Appendix B): unlike AMD's VMCB it has no layout software may rely
// on; every field is read and written by its encoding with VMREAD/VMWRITE on
// the CPU's current VMCS. The encodings below are Appendix B's; the control
// bits are those of 25.6–25.8 the kernel uses (the processor-based ones a
// VMM writes are abi/vmx_controls.ts). The region itself is a 4 KiB page
// whose first word is the revision identifier of IA32_VMX_BASIC.
//
// A guest segment's four fields are at fixed strides from ES's, in the
// VMCS's own order ES, CS, SS, DS, FS, GS, LDTR, TR, then GDTR and IDTR
// (limit and base only): guest_state.ts GuestSegment (segmentField).

export enum Vmcs {
  // 16-bit control and guest/host selector fields.
  VPID = 0x0000,
  GUEST_ES_SELECTOR = 0x0800,
  HOST_ES_SELECTOR = 0x0c00,
  HOST_CS_SELECTOR = 0x0c02,
  HOST_SS_SELECTOR = 0x0c04,
  HOST_DS_SELECTOR = 0x0c06,
  HOST_FS_SELECTOR = 0x0c08,
  HOST_GS_SELECTOR = 0x0c0a,
  HOST_TR_SELECTOR = 0x0c0c,
  // 64-bit control fields.
  IO_BITMAP_A = 0x2000,
  IO_BITMAP_B = 0x2002,
  MSR_BITMAP = 0x2004,
  EXIT_MSR_STORE = 0x2006,
  EXIT_MSR_LOAD = 0x2008,
  ENTRY_MSR_LOAD = 0x200a,
  TSC_OFFSET = 0x2010,
  VIRTUAL_APIC_PAGE = 0x2012,
  APIC_ACCESS_ADDRESS = 0x2014,
  EPT_POINTER = 0x201a,
  GUEST_PHYSICAL_ADDRESS = 0x2400,
  // 64-bit guest and host fields.
  VMCS_LINK_POINTER = 0x2800,
  GUEST_PAT = 0x2804,
  GUEST_EFER = 0x2806,
  GUEST_PDPTE0 = 0x280a,
  HOST_PAT = 0x2c00,
  HOST_EFER = 0x2c02,
  // 32-bit control fields.
  PIN_CONTROLS = 0x4000,
  PRIMARY_CONTROLS = 0x4002,
  EXCEPTION_BITMAP = 0x4004,
  PF_ERROR_MASK = 0x4006,
  PF_ERROR_MATCH = 0x4008,
  CR3_TARGET_COUNT = 0x400a,
  EXIT_CONTROLS = 0x400c,
  EXIT_MSR_STORE_COUNT = 0x400e,
  EXIT_MSR_LOAD_COUNT = 0x4010,
  ENTRY_CONTROLS = 0x4012,
  ENTRY_MSR_LOAD_COUNT = 0x4014,
  ENTRY_INTERRUPTION = 0x4016,
  ENTRY_ERROR_CODE = 0x4018,
  ENTRY_INSTRUCTION_LENGTH = 0x401a,
  TPR_THRESHOLD = 0x401c,
  SECONDARY_CONTROLS = 0x401e,
  // 32-bit read-only data fields.
  INSTRUCTION_ERROR = 0x4400,
  EXIT_REASON = 0x4402,
  EXIT_INTERRUPTION = 0x4404,
  EXIT_ERROR_CODE = 0x4406,
  IDT_VECTORING = 0x4408,
  IDT_VECTORING_ERROR = 0x440a,
  EXIT_INSTRUCTION_LENGTH = 0x440c,
  EXIT_INSTRUCTION_INFO = 0x440e,
  // 32-bit guest and host fields.
  GUEST_ES_LIMIT = 0x4800,
  GUEST_GDTR_LIMIT = 0x4810,
  GUEST_IDTR_LIMIT = 0x4812,
  GUEST_ES_AR = 0x4814,
  GUEST_INTERRUPTIBILITY = 0x4824,
  GUEST_ACTIVITY = 0x4826,
  GUEST_SYSENTER_CS = 0x482a,
  GUEST_PREEMPTION_TIMER = 0x482e,
  HOST_SYSENTER_CS = 0x4c00,
  // Natural-width fields.
  CR0_MASK = 0x6000,
  CR4_MASK = 0x6002,
  CR0_SHADOW = 0x6004,
  CR4_SHADOW = 0x6006,
  EXIT_QUALIFICATION = 0x6400,
  GUEST_LINEAR_ADDRESS = 0x640a,
  GUEST_CR0 = 0x6800,
  GUEST_CR3 = 0x6802,
  GUEST_CR4 = 0x6804,
  GUEST_ES_BASE = 0x6806,
  GUEST_GDTR_BASE = 0x6816,
  GUEST_IDTR_BASE = 0x6818,
  GUEST_DR7 = 0x681a,
  GUEST_RSP = 0x681c,
  GUEST_RIP = 0x681e,
  GUEST_RFLAGS = 0x6820,
  GUEST_SYSENTER_ESP = 0x6824,
  GUEST_SYSENTER_EIP = 0x6826,
  HOST_CR0 = 0x6c00,
  HOST_CR3 = 0x6c02,
  HOST_CR4 = 0x6c04,
  HOST_FS_BASE = 0x6c06,
  HOST_GS_BASE = 0x6c08,
  HOST_TR_BASE = 0x6c0a,
  HOST_GDTR_BASE = 0x6c0c,
  HOST_IDTR_BASE = 0x6c0e,
  HOST_SYSENTER_ESP = 0x6c10,
  HOST_SYSENTER_EIP = 0x6c12,
  HOST_RSP = 0x6c14,
  HOST_RIP = 0x6c16,
}

/** The field of segment `s` (GuestSegment) whose ES field is `esField` (selector, limit, AR or base). */
export function segmentField(esField: u32, s: u32): u32 {
  return esField + 2 * s;
}

/** PDPTE `i` (0…3). */
export function pdpteField(i: u32): u32 {
  return Vmcs.GUEST_PDPTE0 + 2 * i;
}

// Pin-based controls (SDM 25.6.1).
export const PIN_EXTERNAL_INTERRUPT: u32 = 1 << 0;
export const PIN_NMI: u32 = 1 << 3;
export const PIN_VIRTUAL_NMIS: u32 = 1 << 5;
export const PIN_PREEMPTION_TIMER: u32 = 1 << 6;

// VM-exit controls (SDM 25.7.1).
export const EXIT_SAVE_DEBUG: u32 = 1 << 2;
export const EXIT_HOST_64: u32 = 1 << 9;
export const EXIT_SAVE_PAT: u32 = 1 << 18;
export const EXIT_LOAD_PAT: u32 = 1 << 19;
export const EXIT_SAVE_EFER: u32 = 1 << 20;
export const EXIT_LOAD_EFER: u32 = 1 << 21;

// VM-entry controls (SDM 25.8.1).
export const ENTRY_LOAD_DEBUG: u32 = 1 << 2;
export const ENTRY_IA32E_GUEST: u32 = 1 << 9;
export const ENTRY_LOAD_PAT: u32 = 1 << 14;
export const ENTRY_LOAD_EFER: u32 = 1 << 15;

/** The exit-reason field: the basic reason in 15:0, bit 31 for a failed VM entry. */
export const REASON_BASIC: u32 = 0xffff;
export const REASON_ENTRY_FAILED: u32 = 0x8000_0000;

/** Interruption information (exit, IDT vectoring, entry): valid, type, NMI-unblocking. */
export const INTR_VALID: u32 = 0x8000_0000;
export const INTR_TYPE_SHIFT: u32 = 8;
export const INTR_TYPE_MASK: u32 = 7;
export const INTR_TYPE_NMI: u32 = 2;
/** The bits an entry injection takes: vector, type, deliver-error-code, valid. */
export const INTR_INJECTABLE: u32 = 0x8000_0fff;

/** One entry of a VM-entry/exit MSR list (SDM 25.7.2): the MSR's index and value. */
export class MsrEntry {
  index: u32;
  reserved: u32;
  value: u64;
}
layout(MsrEntry, { size: 16, offsets: { index: 0, reserved: 4, value: 8 } });
