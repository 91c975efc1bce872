// The UTCB (nova-abi.md §6): one page per host EC, 512 message words for
// regular IPC (§6.1), or the architectural layout of §6.2 for event state
// transfer (`ArchUtcb`, 0x270 bytes, offsets asserted). Host ECs use the
// GPRs, RFLAGS, RIP and the qualifications; the rest is declared so that its
// offsets are fixed once, for vCPUs.

/** Regular IPC: the UTCB as 512 words. */
export const UTCB_WORDS: usize = 512;

/** A segment record (§6.2): selector, access rights (§6.4), limit, base. */
export class Segment {
  selector: u16;
  ar: u16;
  limit: u32;
  base: u64;
}
layout(Segment, { size: 16, offsets: { selector: 0, ar: 2, limit: 4, base: 8 } });

/** The architectural UTCB layout (§6.2), used for event state transfer. */
export class ArchUtcb {
  gpr: Arr<u64, 16>;
  rflags: u64;
  rip: u64;
  instLength: u32;
  instInfo: u32;
  interruptibility: u32;
  activity: u32;
  qual: Arr<u64, 3>;
  reserved: u64;
  ctrl1: u32;
  ctrl2: u32;
  ctrl3: u64;
  cr0Mask: u64;
  cr4Mask: u64;
  exceptionBitmap: u32;
  pfErrorMask: u32;
  pfErrorMatch: u32;
  tprThreshold: u32;
  intrInfo: u32;
  intrError: u32;
  vectInfo: u32;
  vectError: u32;
  cs: Inline<Segment>;
  ss: Inline<Segment>;
  ds: Inline<Segment>;
  es: Inline<Segment>;
  fs: Inline<Segment>;
  gs: Inline<Segment>;
  tr: Inline<Segment>;
  ldtr: Inline<Segment>;
  gdtr: Inline<Segment>;
  idtr: Inline<Segment>;
  pdpte: Arr<u64, 4>;
  cr0: u64;
  cr2: u64;
  cr3: u64;
  cr4: u64;
  cr8: u64;
  dr7: u64;
  xcr0: u64;
  xss: u64;
  apicBase: u64;
  sysenterCs: u64;
  sysenterEsp: u64;
  sysenterEip: u64;
  pat: u64;
  efer: u64;
  star: u64;
  lstar: u64;
  fmask: u64;
  kernelGsBase: u64;
  tscAux: u64;
  selGst: u64;
  selPio: u64;
  selMsr: u64;
}
layout(ArchUtcb, {
  size: 0x270,
  offsets: {
    gpr: 0x000,
    rflags: 0x080,
    rip: 0x088,
    instLength: 0x090,
    instInfo: 0x094,
    interruptibility: 0x098,
    activity: 0x09c,
    qual: 0x0a0,
    reserved: 0x0b8,
    ctrl1: 0x0c0,
    ctrl2: 0x0c4,
    ctrl3: 0x0c8,
    cr0Mask: 0x0d0,
    cr4Mask: 0x0d8,
    exceptionBitmap: 0x0e0,
    pfErrorMask: 0x0e4,
    pfErrorMatch: 0x0e8,
    tprThreshold: 0x0ec,
    intrInfo: 0x0f0,
    intrError: 0x0f4,
    vectInfo: 0x0f8,
    vectError: 0x0fc,
    cs: 0x100,
    ss: 0x110,
    ds: 0x120,
    es: 0x130,
    fs: 0x140,
    gs: 0x150,
    tr: 0x160,
    ldtr: 0x170,
    gdtr: 0x180,
    idtr: 0x190,
    pdpte: 0x1a0,
    cr0: 0x1c0,
    cr2: 0x1c8,
    cr3: 0x1d0,
    cr4: 0x1d8,
    cr8: 0x1e0,
    dr7: 0x1e8,
    xcr0: 0x1f0,
    xss: 0x1f8,
    apicBase: 0x200,
    sysenterCs: 0x208,
    sysenterEsp: 0x210,
    sysenterEip: 0x218,
    pat: 0x220,
    efer: 0x228,
    star: 0x230,
    lstar: 0x238,
    fmask: 0x240,
    kernelGsBase: 0x248,
    tscAux: 0x250,
    selGst: 0x258,
    selPio: 0x260,
    selMsr: 0x268,
  },
});

/** GPR indices into ArchUtcb.gpr (R0…R15 in the §6.2 order). */
export const GPR_RAX: usize = 0;
export const GPR_RCX: usize = 1;
export const GPR_RDX: usize = 2;
export const GPR_RBX: usize = 3;
export const GPR_RSP: usize = 4;
export const GPR_RBP: usize = 5;
export const GPR_RSI: usize = 6;
export const GPR_RDI: usize = 7;
export const GPR_R8: usize = 8;
export const GPR_R14: usize = 14;
export const GPR_R15: usize = 15;
