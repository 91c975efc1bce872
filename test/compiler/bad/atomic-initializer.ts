// expect: KTS1310 8:34
// The initial value of an atomic or per-CPU variable is static data: a constant.

function seed(): u32 {
  return 3;
}

export const ticks = atomic<u32>(seed());

export function read(): u32 {
  return ticks.load();
}
