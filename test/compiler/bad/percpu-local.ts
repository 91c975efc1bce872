// expect: KTS1314 6:13
// A local bound to a per-CPU variable.

const ticks = perCpu<u64>(0);
export function f(): u64 {
  const t = ticks;
  return t.get();
}
