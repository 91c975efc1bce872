// The UTCB (nova-abi.md §6): one page per host EC. Its layouts are the
// interface's (abi/arch_utcb.ts); this is the kernel's regular IPC transfer.

/** Copies the first `words` message words of one UTCB page to another (§6.1). */
export function copyWords(from: Virt, to: Virt, words: u32): void {
  copyQuads(to, from, usize(words));
}
