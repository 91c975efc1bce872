// expect: KTS1103 5:9
// A struct field of type PerCpu<T>: per-CPU variables are module-level.

export class Counters {
  hits: PerCpu<u32>;
}
