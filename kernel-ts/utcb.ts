// The UTCB (nova-abi.md §6): one page per host EC, 512 message words for
// regular IPC, or the architectural layout of §6.2 for event state. Only
// the host part of the architectural layout is used today (GPRs, RFLAGS,
// RIP, the qualifications); the rest is declared so that its offsets are
// fixed once, for the vCPU work.

/** Regular MTD (§6.1): bits 8:0 = words - 1, so 1…512 of the UTCB's 512 words. */
export const MTD_WORDS_MASK: u32 = 0x1ff;

/** One segment record (§6.2): selector, access rights (§6.4), limit, base. */
export class Segment {
  sel: u16;
  ar: u16;
  limit: u32;
  base: u64;
}
layout(Segment, { size: 16, offsets: { sel: 0, ar: 2, limit: 4, base: 8 } });

/** §6.2, x86-64, 0x270 bytes. */
export class Arch {
  rax: u64;
  rcx: u64;
  rdx: u64;
  rbx: u64;
  rsp: u64;
  rbp: u64;
  rsi: u64;
  rdi: u64;
  r8: u64;
  r9: u64;
  r10: u64;
  r11: u64;
  r12: u64;
  r13: u64;
  r14: u64;
  r15: u64;
  rflags: u64;
  rip: u64;
  insnLength: u32;
  insnInfo: u32;
  interruptibility: u32;
  activity: u32;
  qual1: u64;
  qual2: u64;
  qual3: u64;
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
  injectInfo: u32;
  injectError: u32;
  vectoringInfo: u32;
  vectoringError: u32;
  segments: Arr<Inline<Segment>, 10>;
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
layout(Arch, {
  size: 0x270,
  offsets: {
    rax: 0x000,
    rsp: 0x020,
    rdi: 0x038,
    r8: 0x040,
    r15: 0x078,
    rflags: 0x080,
    rip: 0x088,
    insnLength: 0x090,
    activity: 0x09c,
    qual1: 0x0a0,
    qual2: 0x0a8,
    qual3: 0x0b0,
    ctrl1: 0x0c0,
    ctrl3: 0x0c8,
    cr0Mask: 0x0d0,
    exceptionBitmap: 0x0e0,
    tprThreshold: 0x0ec,
    injectInfo: 0x0f0,
    vectoringError: 0x0fc,
    segments: 0x100,
    pdpte: 0x1a0,
    cr0: 0x1c0,
    cr8: 0x1e0,
    dr7: 0x1e8,
    xcr0: 0x1f0,
    apicBase: 0x200,
    pat: 0x220,
    star: 0x230,
    kernelGsBase: 0x248,
    tscAux: 0x250,
    selGst: 0x258,
    selMsr: 0x268,
  },
});

/** Architectural MTD bits (§6.3) a host EC's events use. */
export enum Mtd {
  POISON = 1 << 0,
  GPR_0_7 = 1 << 1,
  GPR_8_15 = 1 << 2,
  RFLAGS = 1 << 3,
  RIP = 1 << 4,
  QUAL = 1 << 6,
}

/** Copies the first `words` message words of one UTCB page to another (§6.1). */
export function copyWords(from: Virt, to: Virt, words: u32): void {
  const src = ptrFromVirt<u64>(from);
  const dst = ptrFromVirt<u64>(to);
  for (let i: usize = 0; i < usize(words); i++) dst.set(i, src.get(i));
}
