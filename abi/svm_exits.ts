// AMD SVM #VMEXIT exit codes (AMD APM Vol. 2, Appendix C "SVM Intercept
// Exit Codes"): what the VMCB's EXITCODE holds after a #VMEXIT, and the
// NOVA event a vCPU's exit is delivered as (nova-abi.md §8.3 last paragraph,
// §13.5): the raw exit code for 0x00–0xff, and two numbers of that range the
// APM leaves unused for the two exit codes above it.
//
// The ranges are one code per register or vector: CR n read is
// CR_READ + n, DR n write DR_WRITE + n, exception vector v EXCEPTION + v,
// the trap after a write of CR n CR_WRITE_TRAP + n.

/** Exit codes (APM Vol. 2, Appendix C). */
export enum SvmExit {
  CR_READ = 0x00,
  CR_WRITE = 0x10,
  DR_READ = 0x20,
  DR_WRITE = 0x30,
  EXCEPTION = 0x40,
  INTR = 0x60,
  NMI = 0x61,
  SMI = 0x62,
  INIT = 0x63,
  VINTR = 0x64,
  CR0_SEL_WRITE = 0x65,
  IDTR_READ = 0x66,
  GDTR_READ = 0x67,
  LDTR_READ = 0x68,
  TR_READ = 0x69,
  IDTR_WRITE = 0x6a,
  GDTR_WRITE = 0x6b,
  LDTR_WRITE = 0x6c,
  TR_WRITE = 0x6d,
  RDTSC = 0x6e,
  RDPMC = 0x6f,
  PUSHF = 0x70,
  POPF = 0x71,
  CPUID = 0x72,
  RSM = 0x73,
  IRET = 0x74,
  SWINT = 0x75,
  INVD = 0x76,
  PAUSE = 0x77,
  HLT = 0x78,
  INVLPG = 0x79,
  INVLPGA = 0x7a,
  IOIO = 0x7b,
  MSR = 0x7c,
  TASK_SWITCH = 0x7d,
  FERR_FREEZE = 0x7e,
  SHUTDOWN = 0x7f,
  VMRUN = 0x80,
  VMMCALL = 0x81,
  VMLOAD = 0x82,
  VMSAVE = 0x83,
  STGI = 0x84,
  CLGI = 0x85,
  SKINIT = 0x86,
  RDTSCP = 0x87,
  ICEBP = 0x88,
  WBINVD = 0x89,
  MONITOR = 0x8a,
  MWAIT = 0x8b,
  MWAIT_CONDITIONAL = 0x8c,
  XSETBV = 0x8d,
  RDPRU = 0x8e,
  EFER_WRITE_TRAP = 0x8f,
  CR_WRITE_TRAP = 0x90,
  NPF = 0x400,
}

/** VMRUN found the guest state illegal: EXITCODE is −1. */
export const SVM_EXIT_INVALID: u64 = 0xffff_ffff_ffff_ffff;

/** The events of the two exit codes beyond 0xff (§13.5). */
export const SVM_EVENT_NPF: u32 = 0xfc;
export const SVM_EVENT_INVALID: u32 = 0xfd;
/** An exit code that no event stands for. */
export const SVM_EVENT_NONE: u32 = 0xffff_ffff;

/** The event number of SVM exit code `code` (§8.3), or SVM_EVENT_NONE. */
export function svmEvent(code: u64): u32 {
  if (code <= 0xff) return u32(code);
  if (code === SvmExit.NPF) return SVM_EVENT_NPF;
  if (code === SVM_EXIT_INVALID) return SVM_EVENT_INVALID;
  return SVM_EVENT_NONE;
}
