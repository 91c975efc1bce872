// The message transfer descriptor (nova-abi.md §6.1, §6.3): for regular IPC
// the number of UTCB words, for event state transfer the architectural bits
// that select which parts of the UTCB's architectural layout move. Host ECs
// use POISON, GPR0_7, GPR8_15, RFLAGS, RIP and QUAL; the rest are the vCPU's.

/** Regular MTD (§6.1): bits 8:0 = words - 1, so 1…512 of the UTCB's 512 words. */
export const MTD_WORDS_MASK: u32 = 0x1ff;

/** A regular MTD (§6.1): `words` UTCB words (1…512) as words − 1 in bits 8:0. */
export function mtdWords(words: u32): u32 {
  assert(words >= 1 && words <= 512, "a regular MTD moves 1…512 words");
  return words - 1;
}

// Architectural MTD bits (§6.3).
export const MTD_POISON: u32 = 1 << 0;
export const MTD_GPR0_7: u32 = 1 << 1;
export const MTD_GPR8_15: u32 = 1 << 2;
export const MTD_RFLAGS: u32 = 1 << 3;
export const MTD_RIP: u32 = 1 << 4;
export const MTD_STA: u32 = 1 << 5;
export const MTD_QUAL: u32 = 1 << 6;
export const MTD_CTRL: u32 = 1 << 7;
export const MTD_TPR: u32 = 1 << 8;
export const MTD_INJ: u32 = 1 << 9;
export const MTD_CS_SS: u32 = 1 << 10;
export const MTD_DS_ES: u32 = 1 << 11;
export const MTD_FS_GS: u32 = 1 << 12;
export const MTD_TR: u32 = 1 << 13;
export const MTD_LDTR: u32 = 1 << 14;
export const MTD_GDTR: u32 = 1 << 15;
export const MTD_IDTR: u32 = 1 << 16;
export const MTD_PDPTE: u32 = 1 << 17;
export const MTD_CR: u32 = 1 << 18;
export const MTD_DR: u32 = 1 << 19;
export const MTD_XSAVE: u32 = 1 << 20;
export const MTD_APIC: u32 = 1 << 21;
export const MTD_SYSCALL: u32 = 1 << 22;
export const MTD_SYSENTER: u32 = 1 << 23;
export const MTD_PAT: u32 = 1 << 24;
export const MTD_EFER: u32 = 1 << 25;
export const MTD_KERNEL_GS: u32 = 1 << 26;
export const MTD_TSC: u32 = 1 << 27;
export const MTD_TLB: u32 = 1 << 29;
export const MTD_FPU: u32 = 1 << 30;
export const MTD_SPACES: u32 = 0x8000_0000;
