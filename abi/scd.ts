// The Scheduling Context Descriptor (nova-abi.md §7.2), create_sc's RAX:
// budget in ms (bits 15:0), priority (22:16) and class of service (38:23);
// bits 63:39 are ignored. User programs pack it with scd() and the kernel
// (kernel-ts/sc.ts createSc) takes it apart with the same fields.

export const SCD_BUDGET_MASK: u64 = 0xffff;
export const SCD_PRIO_SHIFT: u64 = 16;
export const SCD_PRIO_MASK: u64 = 0x7f;
export const SCD_COS_SHIFT: u64 = 23;
export const SCD_COS_MASK: u64 = 0xffff;

/** The SCD of `budgetMs`, `priority` and `cos`; each must fit its field. */
export function scd(budgetMs: u64, priority: u64, cos: u64): u64 {
  assert(
    budgetMs <= SCD_BUDGET_MASK && priority <= SCD_PRIO_MASK && cos <= SCD_COS_MASK,
    "SCD field out of range",
  );
  return budgetMs | (priority << SCD_PRIO_SHIFT) | (cos << SCD_COS_SHIFT);
}
