// expect: KTS1321 8:53
// A compare-exchange whose failure (a load) is stronger than its success.

const owner = atomic<u32>(0);

export function f(): bool {
  // SEQ_CST on failure but only RELAXED on success.
  return owner.compareExchange(0, 1, Order.RELAXED, Order.SEQ_CST);
}
