// expect: KTS1321 7:21
// A load has nothing to release.

const ready = atomic<bool>(false);

export function f(): bool {
  return ready.load(Order.RELEASE);
}
