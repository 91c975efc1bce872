// Hypercall numbers and flags (nova-abi.md §3, §4): RDI[3:0] selects the
// hypercall, RDI[7:4] carries its flags, as the kernel's dispatcher decodes
// them and the user bindings encode them. Flags are the values of the 4-bit
// field, so both sides shift them by 4 themselves. USER_RFLAGS is what every
// hypercall leaves in RFLAGS and R11, which user programs may check.

/** RFLAGS and R11 after every hypercall (§3), RFLAGS of a new EC (§9.4): IF and bit 1. */
export const USER_RFLAGS: u64 = 0x202;

/** Hypercall numbers: RDI[3:0] (§3). 0xf is reserved and always BAD_HYP. */
export enum Hypercall {
  IPC_CALL = 0x0,
  IPC_REPLY = 0x1,
  CREATE_PD = 0x2,
  CREATE_EC = 0x3,
  CREATE_SC = 0x4,
  CREATE_PT = 0x5,
  CREATE_SM = 0x6,
  CTRL_PD = 0x7,
  CTRL_EC = 0x8,
  CTRL_SC = 0x9,
  CTRL_PT = 0xa,
  CTRL_SM = 0xb,
  CTRL_HW = 0xc,
  ASSIGN_INT = 0xd,
  ASSIGN_DEV = 0xe,
  RESERVED = 0xf,
}

/** ipc_call T: TIMEOUT at once when the callee is busy. */
export const IPC_T: u32 = 0x1;
/** create_ec G (vCPU), T (global host EC / vCPU time offsetting), F (FPU). */
export const EC_G: u32 = 0x1;
export const EC_T: u32 = 0x2;
export const EC_F: u32 = 0x4;
/** ctrl_ec S: strong recall. */
export const EC_S: u32 = 0x1;
/** ctrl_sm D (down) and Z (down to zero). */
export const SM_D: u32 = 0x1;
export const SM_Z: u32 = 0x2;
/** assign_int M (masked), T (level), P (active low), G (guest-owned). */
export const INT_M: u32 = 0x1;
export const INT_T: u32 = 0x2;
export const INT_P: u32 = 0x4;
export const INT_G: u32 = 0x8;

/** create_pd OP (§4.3): what the call creates. */
export enum PdOp {
  PD = 0,
  OBJ = 1,
  HST = 2,
  GST = 3,
  DMA = 4,
  PIO = 5,
  MSR = 6,
}
