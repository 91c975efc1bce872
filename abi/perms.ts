// Permission bits (nova-abi.md §2.2): one enum per capability kind with its
// bits and its DEFINED mask ("all defined" permissions, what create_* hands
// out and what a full delegation keeps). The values are §2.2's exactly; the
// kernel checks them and user programs pass them as `pmm`.

/** Object space and host space. GRANT: may be a ctrl_pd destination; TAKE: a source. */
export enum Perm_obj_sp {
  GRANT = 0x01,
  TAKE = 0x02,
  DEFINED = 0x03,
}
export enum Perm_hst_sp {
  GRANT = 0x01,
  TAKE = 0x02,
  DEFINED = 0x03,
}
/** Guest and DMA spaces. ASSIGN: may be assigned to a vCPU (GST) / receive devices (DMA). */
export enum Perm_gst_sp {
  GRANT = 0x01,
  ASSIGN = 0x04,
  DEFINED = 0x05,
}
export enum Perm_dma_sp {
  GRANT = 0x01,
  ASSIGN = 0x04,
  DEFINED = 0x05,
}
/** PIO and MSR spaces. */
export enum Perm_pio_sp {
  GRANT = 0x01,
  TAKE = 0x02,
  ASSIGN = 0x04,
  DEFINED = 0x07,
}
export enum Perm_msr_sp {
  GRANT = 0x01,
  TAKE = 0x02,
  ASSIGN = 0x04,
  DEFINED = 0x07,
}
/** PD: which create_* calls it allows. */
export enum Perm_pd {
  PD = 0x01,
  EC = 0x02,
  SC = 0x04,
  PT = 0x08,
  SM = 0x10,
  DEFINED = 0x1f,
}
export enum Perm_ec {
  CTRL = 0x01,
  BIND_PT = 0x04,
  BIND_SC = 0x08,
  DEFINED = 0x0d,
}
export enum Perm_sc {
  CTRL = 0x01,
  DEFINED = 0x01,
}
export enum Perm_pt {
  CTRL = 0x01,
  CALL = 0x02,
  EVENT = 0x04,
  DEFINED = 0x07,
}
/** Semaphores: regular ones get CTRL_UP|CTRL_DN, interrupt ones ASSIGN|CTRL_DN. */
export enum Perm_sm {
  CTRL_UP = 0x01,
  CTRL_DN = 0x02,
  ASSIGN = 0x10,
  DEFINED = 0x03,
  DEFINED_INT = 0x12,
}
/** Memory capabilities (host, guest, DMA spaces). */
export enum Perm_mem {
  R = 0x01,
  W = 0x02,
  XU = 0x04,
  XS = 0x08,
  DEFINED = 0x0f,
}
/** PIO capabilities: one port. */
export enum Perm_pio {
  A = 0x01,
  DEFINED = 0x01,
}
/** MSR capabilities: one MSR. */
export enum Perm_msr {
  R = 0x01,
  W = 0x02,
  DEFINED = 0x03,
}

/** Permission fields are 5 bits wide (bits 4:0): every bit a `pmm` can keep. */
export const PERM_MASK: u64 = 0x1f;
