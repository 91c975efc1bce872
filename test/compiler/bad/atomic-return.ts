// expect: KTS1103 6:28
// A function returning an Atomic<T>: the caller would get a copy.

const hits = atomic<u32>(0);

export function counter(): Atomic<u32> {
  return hits;
}
