// Intel VMX basic exit reasons (Intel SDM Vol. 3, Appendix C "VMX Basic Exit
// Reasons"): bits 15:0 of the VM-exit reason field, and the NOVA event a
// vCPU's exit is delivered as (nova-abi.md §8.3: the basic exit reason
// itself, 0x00–0xff). Bit 31 of the exit-reason field marks a failed VM entry
// (ENTRY_GUEST_STATE, ENTRY_MSR_LOAD, ENTRY_MACHINE_CHECK); the event is
// still the basic reason.
//
// Also the exit qualifications a VMM decodes (SDM Vol. 3, 28.2.1) and the
// VM-exit interruption-information types, which are nova-abi.md §6.5's.

/** Basic exit reasons (SDM Vol. 3, Appendix C). */
export enum VmxExit {
  EXCEPTION_NMI = 0x00,
  EXTERNAL_INTERRUPT = 0x01,
  TRIPLE_FAULT = 0x02,
  INIT = 0x03,
  SIPI = 0x04,
  IO_SMI = 0x05,
  OTHER_SMI = 0x06,
  INTERRUPT_WINDOW = 0x07,
  NMI_WINDOW = 0x08,
  TASK_SWITCH = 0x09,
  CPUID = 0x0a,
  GETSEC = 0x0b,
  HLT = 0x0c,
  INVD = 0x0d,
  INVLPG = 0x0e,
  RDPMC = 0x0f,
  RDTSC = 0x10,
  RSM = 0x11,
  VMCALL = 0x12,
  VMCLEAR = 0x13,
  VMLAUNCH = 0x14,
  VMPTRLD = 0x15,
  VMPTRST = 0x16,
  VMREAD = 0x17,
  VMRESUME = 0x18,
  VMWRITE = 0x19,
  VMXOFF = 0x1a,
  VMXON = 0x1b,
  CR_ACCESS = 0x1c,
  DR_ACCESS = 0x1d,
  IO = 0x1e,
  RDMSR = 0x1f,
  WRMSR = 0x20,
  ENTRY_GUEST_STATE = 0x21,
  ENTRY_MSR_LOAD = 0x22,
  MWAIT = 0x24,
  MTF = 0x25,
  MONITOR = 0x27,
  PAUSE = 0x28,
  ENTRY_MACHINE_CHECK = 0x29,
  TPR_BELOW_THRESHOLD = 0x2b,
  APIC_ACCESS = 0x2c,
  VIRTUALIZED_EOI = 0x2d,
  GDTR_IDTR = 0x2e,
  LDTR_TR = 0x2f,
  EPT_VIOLATION = 0x30,
  EPT_MISCONFIG = 0x31,
  INVEPT = 0x32,
  RDTSCP = 0x33,
  PREEMPTION_TIMER = 0x34,
  INVVPID = 0x35,
  WBINVD = 0x36,
  XSETBV = 0x37,
  APIC_WRITE = 0x38,
  RDRAND = 0x39,
  INVPCID = 0x3a,
  VMFUNC = 0x3b,
  ENCLS = 0x3c,
  RDSEED = 0x3d,
  PML_FULL = 0x3e,
  XSAVES = 0x3f,
  XRSTORS = 0x40,
}

/** The exit-reason field's bit for a VM entry that failed (the reason is then an ENTRY_* one). */
export const VMX_EXIT_ENTRY_FAILED: u32 = 0x8000_0000;

/** I/O instruction qualification (SDM Table 28-5): size − 1, direction, port. */
export const VMX_IO_SIZE_MASK: u64 = 0x7;
export const VMX_IO_IN: u64 = 1 << 3;
export const VMX_IO_STRING: u64 = 1 << 4;
export const VMX_IO_PORT_SHIFT: u64 = 16;

/**
 * APIC-access qualification (SDM Table 28-6): the offset in the APIC-access page (11:0) and the
 * access type (15:12: 0 a linear read, 1 a linear write; fetches, accesses during event
 * delivery and guest-physical accesses have other types).
 */
export const VMX_APIC_OFFSET_MASK: u64 = 0xfff;
export const VMX_APIC_TYPE_SHIFT: u64 = 12;
export const VMX_APIC_TYPE_MASK: u64 = 0xf;
export const VMX_APIC_LINEAR_READ: u64 = 0;
export const VMX_APIC_LINEAR_WRITE: u64 = 1;

/**
 * EPT-violation qualification (SDM Table 28-7): the access (read, write, fetch), what the
 * entry allowed (readable, writable, executable), whether the guest-linear address field is
 * valid and whether the access was to the final translation (not a guest paging-structure walk).
 */
export const VMX_EPT_READ: u64 = 1 << 0;
export const VMX_EPT_WRITE: u64 = 1 << 1;
export const VMX_EPT_FETCH: u64 = 1 << 2;
export const VMX_EPT_READABLE: u64 = 1 << 3;
export const VMX_EPT_WRITABLE: u64 = 1 << 4;
export const VMX_EPT_EXECUTABLE: u64 = 1 << 5;
export const VMX_EPT_LINEAR_VALID: u64 = 1 << 7;
export const VMX_EPT_FINAL: u64 = 1 << 8;

/**
 * Control-register access qualification (SDM Table 28-3): the register (3:0), the access type
 * (5:4: 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW) and the general register (11:8).
 */
export const VMX_CR_NUMBER_MASK: u64 = 0xf;
export const VMX_CR_TYPE_SHIFT: u64 = 4;
export const VMX_CR_TYPE_MASK: u64 = 3;
export const VMX_CR_MOV_TO: u64 = 0;
export const VMX_CR_MOV_FROM: u64 = 1;
export const VMX_CR_GPR_SHIFT: u64 = 8;
export const VMX_CR_GPR_MASK: u64 = 0xf;
