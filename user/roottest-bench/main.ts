// The benchmark build of the root test task (`npm run bench`): the same setup
// as user/roottest (COM1 from ring 3), then the hypercall benches of
// user/roottest/bench.ts instead of the test cases on one CPU, or the SMP
// benches of smp.ts when the HIP's CPUNUM is above 1. A separate program
// because the root task cannot read the module command line (docs/testing.md).

import { hip } from "../nova/hip.ts";
import { puts } from "../nova/console.ts";
import * as bench from "../roottest/bench.ts";
import * as setup from "../roottest/setup.ts";
import * as smp from "./smp.ts";

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  setup.run();
  if (hip().cpuNum > 1) smp.run();
  else bench.run();
  puts("BENCH done\n");
  return 0;
}
