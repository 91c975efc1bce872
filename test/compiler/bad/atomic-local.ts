// expect: KTS1316 5:26
// `atomic()` declaring a local.

export function f(): u32 {
  const a: Atomic<u32> = atomic<u32>(0);
  return a.load();
}
