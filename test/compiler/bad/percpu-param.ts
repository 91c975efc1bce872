// expect: KTS1103 6:18
// A PerCpu<T> parameter: the copy on the stack would be read through GS,
// that is another CPU's memory.

const ticks = perCpu<u64>(0);
function read(v: PerCpu<u64>): u64 {
  return v.get();
}

export function f(): u64 {
  return read(ticks);
}
