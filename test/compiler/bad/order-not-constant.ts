// expect: KTS1320 7:21
// A memory order that is not one of Order's constants.

const ready = atomic<bool>(false);

export function f(): bool {
  return ready.load(2);
}
