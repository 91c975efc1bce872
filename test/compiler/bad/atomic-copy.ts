// expect: KTS1314 7:13
// A local bound to an atomic: a copy, so the add below would not reach
// `hits`.

const hits = atomic<u32>(0);
export function f(): u32 {
  const k = hits;
  k.add(1);
  return hits.load();
}
