// expect: KTS1103 6:18
// An Atomic<T> parameter: the callee would add to a copy and the caller's
// counter would stay 0. Pass the object that holds the atomic.

const hits = atomic<u32>(0);
function bump(a: Atomic<u32>): void {
  a.add(1);
}

export function f(): u32 {
  bump(hits);
  return hits.load();
}
