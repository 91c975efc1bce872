// A set of CPU indices (0..255, the most the MADT table holds: madt.ts
// MAX_CPUS), one bit each. Host spaces keep two (tlb.ts): the CPUs that may
// hold their translations and the CPUs that must flush them before use.
// Every change is one atomic operation on its word: CPUs in the IPC fast
// path change them in parallel (klock.ts).

export const MAX_CPUS: u32 = 256;

export class CpuSet {
  words: Arr<Atomic<u64>, 4>;

  add(cpu: u32): void {
    this.words[usize(cpu >> 6)].or(u64(1) << u64(cpu & 63));
  }

  remove(cpu: u32): void {
    this.words[usize(cpu >> 6)].and(~(u64(1) << u64(cpu & 63)));
  }

  has(cpu: u32): bool {
    return (this.words[usize(cpu >> 6)].load() & (u64(1) << u64(cpu & 63))) !== 0;
  }

  /** Every CPU below `count`. */
  fill(count: u32): void {
    for (let c: u32 = 0; c < count && c < MAX_CPUS; c++) this.add(c);
  }
}
