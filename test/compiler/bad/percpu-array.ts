// expect: KTS1103 5:15
// An array of PerCpu<T>: an ordinary array whose elements would be read
// through GS (another CPU's memory). Per-CPU storage is a module-level perCpu().

const slots = array<PerCpu<u32>, 4>();
export function f(): u32 {
  return slots[1].get();
}
