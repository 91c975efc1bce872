// The AMD SVM virtual machine control block (AMD APM Vol. 2, Appendix B):
// one 4 KiB page per vCPU, the control area (intercepts, ASID, event
// injection, exit information) at 0x000 and the guest's state save area at
// 0x400. VMRUN takes its physical address in RAX; VMLOAD and VMSAVE move the
// state that VMRUN leaves alone (FS, GS, TR, LDTR with their hidden parts,
// KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK, SYSENTER_*). Offsets as the
// manual's tables give them, asserted below.

/** A segment in the state save area: the same 16 bytes as a UTCB segment (nova-abi.md §6.2). */
export class VmcbSegment {
  selector: u16;
  /** Attributes, packed as in the descriptor: type, S, DPL, P in 7:0; AVL, L, D/B, G in 11:8. */
  attrib: u16;
  limit: u32;
  base: u64;
}
layout(VmcbSegment, { size: 16, offsets: { selector: 0, attrib: 2, limit: 4, base: 8 } });

export class Vmcb {
  // ---- control area ----
  /** CR reads (bits 15:0) and writes (31:16) intercepted. */
  interceptCr: u32;
  /** DR reads (15:0) and writes (31:16) intercepted. */
  interceptDr: u32;
  /** Exception vectors intercepted (bit n = vector n). */
  interceptExceptions: u32;
  /** The first instruction/event intercept vector (INTR … SHUTDOWN), INTERCEPT_* below. */
  intercept1: u32;
  /** The second (VMRUN … CR write traps), INTERCEPT2_* below. */
  intercept2: u32;
  intercept3: u32;
  reserved0: Arr<u8, 0x24>;
  pauseFilterThreshold: u16;
  pauseFilterCount: u16;
  iopmBase: u64;
  msrpmBase: u64;
  tscOffset: u64;
  asid: u32;
  /** TLB_* below: what VMRUN flushes first. */
  tlbControl: u8;
  reserved1: Arr<u8, 3>;
  /** V_TPR 7:0, V_IRQ 8, V_INTR_PRIO 19:16, V_IGN_TPR 20, V_INTR_MASKING 24. */
  intCtl: u32;
  /** The virtual interrupt's vector (with V_IRQ). */
  intVector: u32;
  /** Bit 0: the guest is in an interrupt shadow (after STI or MOV SS). */
  intState: u64;
  exitCode: u64;
  exitInfo1: u64;
  exitInfo2: u64;
  /** The event being delivered when the exit happened (format of eventInj). */
  exitIntInfo: u64;
  /** Bit 0: nested paging. */
  nestedCtl: u64;
  avicApicBar: u64;
  ghcb: u64;
  /** The event VMRUN injects: vector 7:0, type 10:8, EV 11, V 31, error code 63:32. */
  eventInj: u64;
  /** The nested page table's root (host-physical). */
  nestedCr3: u64;
  virtExt: u64;
  /** Which cached state is unchanged since the last VMRUN (only with the VMCB-clean feature). */
  clean: u32;
  reserved2: u32;
  /** With NRIPS: the RIP after the intercepted instruction. */
  nextRip: u64;
  /** With decode assists: the instruction bytes fetched. */
  insnLength: u8;
  insnBytes: Arr<u8, 15>;
  reserved3: Arr<u8, 0x320>;
  // ---- state save area (0x400) ----
  es: Inline<VmcbSegment>;
  cs: Inline<VmcbSegment>;
  ss: Inline<VmcbSegment>;
  ds: Inline<VmcbSegment>;
  fs: Inline<VmcbSegment>;
  gs: Inline<VmcbSegment>;
  gdtr: Inline<VmcbSegment>;
  ldtr: Inline<VmcbSegment>;
  idtr: Inline<VmcbSegment>;
  tr: Inline<VmcbSegment>;
  reserved4: Arr<u8, 0x2b>;
  cpl: u8;
  reserved5: u32;
  efer: u64;
  reserved6: Arr<u8, 0x70>;
  cr4: u64;
  cr3: u64;
  cr0: u64;
  dr7: u64;
  dr6: u64;
  rflags: u64;
  rip: u64;
  reserved7: Arr<u8, 0x58>;
  rsp: u64;
  sCet: u64;
  ssp: u64;
  isstAddr: u64;
  rax: u64;
  star: u64;
  lstar: u64;
  cstar: u64;
  sfmask: u64;
  kernelGsBase: u64;
  sysenterCs: u64;
  sysenterEsp: u64;
  sysenterEip: u64;
  cr2: u64;
  reserved8: Arr<u8, 0x20>;
  gPat: u64;
  dbgCtl: u64;
}
layout(Vmcb, {
  offsets: {
    interceptCr: 0x000,
    interceptDr: 0x004,
    interceptExceptions: 0x008,
    intercept1: 0x00c,
    intercept2: 0x010,
    pauseFilterThreshold: 0x03c,
    iopmBase: 0x040,
    msrpmBase: 0x048,
    tscOffset: 0x050,
    asid: 0x058,
    tlbControl: 0x05c,
    intCtl: 0x060,
    intVector: 0x064,
    intState: 0x068,
    exitCode: 0x070,
    exitInfo1: 0x078,
    exitInfo2: 0x080,
    exitIntInfo: 0x088,
    nestedCtl: 0x090,
    eventInj: 0x0a8,
    nestedCr3: 0x0b0,
    clean: 0x0c0,
    nextRip: 0x0c8,
    insnLength: 0x0d0,
    es: 0x400,
    cs: 0x410,
    ss: 0x420,
    ds: 0x430,
    fs: 0x440,
    gs: 0x450,
    gdtr: 0x460,
    ldtr: 0x470,
    idtr: 0x480,
    tr: 0x490,
    cpl: 0x4cb,
    efer: 0x4d0,
    cr4: 0x548,
    cr3: 0x550,
    cr0: 0x558,
    dr7: 0x560,
    dr6: 0x568,
    rflags: 0x570,
    rip: 0x578,
    rsp: 0x5d8,
    rax: 0x5f8,
    star: 0x600,
    kernelGsBase: 0x620,
    sysenterCs: 0x628,
    sysenterEip: 0x638,
    cr2: 0x640,
    gPat: 0x668,
    dbgCtl: 0x670,
  },
});

// intercept1 (VMCB 0x00c).
export const INTERCEPT_INTR: u32 = 1 << 0;
export const INTERCEPT_NMI: u32 = 1 << 1;
export const INTERCEPT_SMI: u32 = 1 << 2;
export const INTERCEPT_INIT: u32 = 1 << 3;
export const INTERCEPT_VINTR: u32 = 1 << 4;
export const INTERCEPT_CPUID: u32 = 1 << 18;
export const INTERCEPT_INVD: u32 = 1 << 22;
export const INTERCEPT_HLT: u32 = 1 << 24;
export const INTERCEPT_INVLPGA: u32 = 1 << 26;
export const INTERCEPT_IOIO: u32 = 1 << 27;
export const INTERCEPT_MSR: u32 = 1 << 28;
export const INTERCEPT_TASK_SWITCH: u32 = 1 << 29;
export const INTERCEPT_SHUTDOWN: u32 = 1 << 31;
// intercept2 (VMCB 0x010).
export const INTERCEPT2_VMRUN: u32 = 1 << 0;
export const INTERCEPT2_VMMCALL: u32 = 1 << 1;
export const INTERCEPT2_VMLOAD: u32 = 1 << 2;
export const INTERCEPT2_VMSAVE: u32 = 1 << 3;
export const INTERCEPT2_STGI: u32 = 1 << 4;
export const INTERCEPT2_CLGI: u32 = 1 << 5;
export const INTERCEPT2_SKINIT: u32 = 1 << 6;
export const INTERCEPT2_XSETBV: u32 = 1 << 13;

// tlbControl.
export const TLB_NONE: u8 = 0;
export const TLB_FLUSH_ALL: u8 = 1;
export const TLB_FLUSH_ASID: u8 = 3;

// intCtl.
export const V_IRQ: u32 = 1 << 8;
export const V_INTR_PRIO_SHIFT: u32 = 16;
export const V_IGN_TPR: u32 = 1 << 20;
export const V_INTR_MASKING: u32 = 1 << 24;

/** eventInj / exitIntInfo: the event is valid. */
export const EVENT_VALID: u64 = 1 << 31;
/** The low 32 bits of eventInj that carry an event (vector, type, EV, V). */
export const EVENT_FIELDS: u64 = 0x8000_0fff;

export const NESTED_PAGING: u64 = 1;
