// The global descriptor table, laid out as NOVA's: kernel code and data,
// user data and code in the order SYSRET needs (STAR[63:48] + 8 = user SS,
// + 16 = user CS), and the TSS. It replaces the boot GDT of start.S, which
// only has the two kernel segments.

import * as tss from "./tss.ts";

export const KERNEL_CODE: u16 = 0x08;
export const KERNEL_DATA: u16 = 0x10;
/** RPL 3 selectors: ring 3 (root.ts) and SYSRET (syscall.ts STAR). */
export const USER_DATA: u16 = 0x1b;
export const USER_CODE: u16 = 0x23;
export const TSS: u16 = 0x30;

/** A code or data segment descriptor (Intel SDM vol. 3 §3.4.5, Figure 3-8). */
class SegmentDescriptor {
  limitLow: u16;
  baseLow: u16;
  baseMiddle: u8;
  /** P, DPL, S, type */
  access: u8;
  /** G, D/B, L, AVL in the high nibble; limit bits 19:16 in the low nibble */
  flagsLimitHigh: u8;
  baseHigh: u8;
}
layout(SegmentDescriptor, {
  size: 8,
  offsets: { limitLow: 0, baseLow: 2, baseMiddle: 4, access: 5, flagsLimitHigh: 6, baseHigh: 7 },
});

/** A 64-bit system descriptor (TSS), two GDT slots (Intel SDM vol. 3 §8.2.3, Figure 8-4). */
class SystemDescriptor {
  limitLow: u16;
  baseLow: u16;
  baseMiddle: u8;
  access: u8;
  flagsLimitHigh: u8;
  baseHigh: u8;
  baseUpper: u32;
  reserved: u32;
}
layout(SystemDescriptor, {
  size: 16,
  offsets: { limitLow: 0, baseLow: 2, baseMiddle: 4, access: 5, baseHigh: 7, baseUpper: 8 },
});

export class Gdt {
  nullDescriptor: Inline<SegmentDescriptor>;
  kernelCode: Inline<SegmentDescriptor>;
  kernelData: Inline<SegmentDescriptor>;
  userData: Inline<SegmentDescriptor>;
  userCode: Inline<SegmentDescriptor>;
  unused: Inline<SegmentDescriptor>;
  tss: Inline<SystemDescriptor>;
}
layout(Gdt, {
  align: 16,
  size: 64,
  offsets: { kernelCode: 0x08, kernelData: 0x10, userData: 0x18, userCode: 0x20, tss: 0x30 },
});

// Access bytes: present, DPL, code/data (S=1) and the type.
const CODE_KERNEL: u8 = 0x9b; // P, DPL 0, execute/read, accessed
const DATA_KERNEL: u8 = 0x93; // P, DPL 0, read/write, accessed
const CODE_USER: u8 = 0xfb; // P, DPL 3, execute/read, accessed
const DATA_USER: u8 = 0xf3; // P, DPL 3, read/write, accessed
const TSS_AVAILABLE: u8 = 0x89; // P, DPL 0, type 9: available 64-bit TSS
/** The type bit that LTR sets (type 0xb, busy) and that must be clear for the next LTR (vmx.S). */
export const TSS_BUSY: u8 = 0x2;
// Flags nibble: G (4 KiB granularity) | L (64-bit code) or D/B (32-bit data); limit 19:16 = 0xf.
const FLAGS_CODE64: u8 = 0xaf;
const FLAGS_DATA: u8 = 0xcf;

/** The boot CPU's GDT (the TSS busy bit makes it per CPU). */
const bootGdt = new Gdt();

function segment(d: SegmentDescriptor, access: u8, flags: u8): void {
  d.limitLow = 0xffff;
  d.baseLow = 0;
  d.baseMiddle = 0;
  d.access = access;
  d.flagsLimitHigh = flags;
  d.baseHigh = 0;
}

function system(d: SystemDescriptor, base: Virt, limit: u32, access: u8): void {
  const b = u64(base);
  d.limitLow = u16(limit);
  d.baseLow = u16(b);
  d.baseMiddle = u8(b >> 16);
  d.access = access;
  d.flagsLimitHigh = u8(limit >> 16) & 0xf;
  d.baseHigh = u8(b >> 24);
  d.baseUpper = u32(b >> 32);
  d.reserved = 0;
}

/** Builds the boot CPU's GDT and TSS and loads them: GDTR, CS, SS/DS/ES/FS/GS, TR. */
export function init(): void {
  tss.build();
  install(bootGdt, tss.bootTss);
}

/** Fills `g` with the kernel's segments and a descriptor for `t`, and loads both on this CPU. */
export function install(g: Gdt, t: tss.Tss): void {
  segment(g.kernelCode, CODE_KERNEL, FLAGS_CODE64);
  segment(g.kernelData, DATA_KERNEL, FLAGS_DATA);
  segment(g.userData, DATA_USER, FLAGS_DATA);
  segment(g.userCode, CODE_USER, FLAGS_CODE64);
  system(g.tss, structAddress(t), u32(sizeof<tss.Tss>() - 1), TSS_AVAILABLE);
  lgdt(structAddress(g), u16(sizeof<Gdt>() - 1));
  loadSegments(KERNEL_CODE, KERNEL_DATA);
  ltr(TSS);
}

/** The base of the TSS whose descriptor is in the GDT at `gdtBase` (a VMCS's host TR base). */
export function tssBase(gdtBase: Virt): Virt {
  const d = structAt<SystemDescriptor>(virt(u64(gdtBase) + u64(TSS)));
  return virt(
    u64(d.baseLow) | (u64(d.baseMiddle) << 16) | (u64(d.baseHigh) << 24) | (u64(d.baseUpper) << 32),
  );
}
