// expect: KTS1321 7:21
// A store has nothing to acquire.

const ready = atomic<bool>(false);

export function f(): void {
  ready.store(true, Order.ACQUIRE);
}
