// The root test task (docs/testing.md): checks of the kernel's hypercalls from
// ring 3 over user/nova, one module per area, each a block of
// `TEST <id> <name> PASS|FAIL` lines with its own id range (test.ts), then
// `TESTS: <passed>/<total> passed`. start.S ends with an OUTB to PROBE_PORT,
// which ctrl_pd.ts delegated, used and revoked (#GP: the kernel kills the EC).
//
// Id ranges: 1 setup, 10 boot state/HIP, 100 ctrl_pd, 200 create_sm/ctrl_sm,
// 300 create_pd, 400 hypercall ABI, 500 host and MSR spaces, 600
// interrupts/ctrl_hw/console semaphore, 700–799 ECs/SCs/portals/IPC/events
// (ec.ts), 900 more than one CPU (smp.ts), 1000 what ring 3 must not do to the
// kernel (harden.ts), 1010 what a PD's end stops (pd_end.ts), 1100 the boot
// information read whole (bootinfo.ts). A new
// module exports `run()` starting with `block(<base>)` and is called below in
// id order.

import { puts } from "../nova/console.ts";
import * as boot from "./boot.ts";
import * as bootinfo from "./bootinfo.ts";
import * as createPd from "./create_pd.ts";
import * as ctrlPd from "./ctrl_pd.ts";
import * as ec from "./ec.ts";
import * as foreign from "./foreign.ts";
import * as harden from "./harden.ts";
import * as pdEnd from "./pd_end.ts";
import * as hst from "./hst.ts";
import * as hyp from "./hyp.ts";
import * as interrupt from "./interrupt.ts";
import * as setup from "./setup.ts";
import * as sm from "./sm.ts";
import * as smp from "./smp.ts";
import { summary } from "./test.ts";

/** The port start.S probes last: ctrl_pd.ts PROBE_PORT (delegated, used, then revoked). */
export let probe_port: u64 = 0x80;

export function main(magic: u64, info: u64, hip: u64): u64 {
  setup.run();
  boot.run(magic, info, hip);
  ctrlPd.run();
  sm.run();
  createPd.run();
  hyp.run();
  hst.run();
  foreign.run(magic, info);
  interrupt.run();
  ec.run();
  smp.run();
  harden.run();
  pdEnd.run();
  bootinfo.run(magic, info);
  const result = summary();
  puts("roottest: OUT to revoked port 0x80 next: #GP expected\n");
  return result;
}
