// User code on more than one CPU (docs/testing.md, user/roottest/smp.ts):
// roottest on QEMU q35 at -smp 1, 2 and 4. Every TEST line passes; the HIP's
// CPUNUM is the number of CPUs QEMU has; the global EC created for CPU n ran
// on the CPU the boot log calls CPU n (the APIC id it read with CPUID is the
// one of `SMP: CPU <n> APIC id <x> online`, the boot CPU's for CPU 0); with
// two CPUs or more every cross-CPU case ran, with one the task says they did
// not.

import t, { type Test } from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";
import { checkCases } from "../lib/roottask.ts";

const kernel = await buildKernel({ progress: false });
const roottest = await buildUser("roottest", { progress: false });

/** The cases of smp.ts that need a second CPU. */
const crossCpu = [
  "ipc_call-portal-on-cpu1-from-cpu0-bad_cpu",
  "ipc_call-portal-on-cpu1-from-cpu1",
  "ipc_call-portal-on-cpu0-from-cpu1-bad_cpu",
  "event-portal-on-other-cpu-kills",
  "sm-up-on-cpu0-wakes-down-on-cpu1",
  "sm-up-on-cpu1-wakes-down-on-cpu0",
  "sm-timed-down-on-cpu1-times-out",
  "ctrl_ec-recall-ec-spinning-on-cpu1",
  "ctrl_ec-strong-recall-ec-spinning-on-cpu1",
  "ctrl_ec-strong-recall-blocked-ec-on-cpu1",
  "shootdown-reader-on-cpu1-faults",
  "shootdown-no-read-after-revoke",
  "ctrl_pd-long-range-lets-cpu1-in",
  "space-teardown-lets-cpu1-in",
  "revoke-global-ec-running-on-cpu1",
  "shootdown-pd3-reader-on-cpu1",
  "shootdown-pd3-reader-faults-no-read-after-revoke",
  "assign_int-cpu1-msi-address",
  "sm-down-interrupt-sm-other-cpu-bad_cpu",
  "assign_int-back-to-cpu0",
  "ctrl_hw-qos-once-per-cpu",
];

/** The APIC id of each CPU number the boot log gives. */
function apicIds(console: string): Map<number, number> {
  const ids = new Map<number, number>();
  const bsp = /^LAPIC: \S+ mode, id (\d+) /m.exec(console);
  if (bsp) ids.set(0, Number(bsp[1]));
  for (const m of console.matchAll(/^SMP: CPU (\d+) APIC id (\d+) online$/gm))
    ids.set(Number(m[1]), Number(m[2]));
  return ids;
}

function checkRun(t: Test, console: string, cpus: number): void {
  checkCases(t, console, 100);
  t.match(console, new RegExp(`^roottest: CPUNUM ${cpus}, CPUBSP 0$`, "m"), "CPUNUM");
  const ids = apicIds(console);
  t.equal(ids.size, cpus, "the boot log names every CPU");
  const ran = [...console.matchAll(/^roottest: CPU (\d+) ran its global EC, APIC id (\d+)$/gm)];
  t.same(
    ran.map((m) => [Number(m[1]), Number(m[2])]),
    [...ids.entries()].sort((a, b) => a[0] - b[0]),
    "the global EC of CPU n ran on the boot log's CPU n",
  );
  for (const name of crossCpu) {
    const line = new RegExp(`^TEST 9\\d\\d ${name} PASS$`, "m");
    if (cpus > 1) t.match(console, line, name);
    else t.notMatch(console, line, `${name} not run on one CPU`);
  }
  if (cpus === 1) t.match(console, /^roottest: 1 CPU: the cross-CPU cases/m);
}

for (const cpus of [1, 2, 4]) {
  t.test(`QEMU q35 -smp ${cpus}: roottest's SMP cases`, async (t) => {
    const b = await boot(kernel.elf, ["-smp", String(cpus), "-initrd", roottest], 90_000);
    checkRun(t, b.console, cpus);
    expectBootOk(t, b);
  });
}

// smp.ts's long ctrl_pd over 2 GiB (2^19 pages), with CPU 1's spinner in its own host thread:
// CPU 1 enters the kernel (its timer) while CPU 0's ctrl_pd runs, and gets the lock between
// slots. Each ctrl_pd takes long enough here that the case judges the spinner's pauses.
t.test("QEMU q35 -smp 2, multi-threaded TCG, 2 GiB: a long ctrl_pd lets CPU 1 in", async (t) => {
  const b = await boot(
    kernel.elf,
    ["-smp", "2", "-accel", "tcg,thread=multi", "-m", "2G", "-initrd", roottest],
    180_000,
  );
  checkRun(t, b.console, 2);
  const m = /^roottest: ctrl_pd of 2\^19 pages (\d+) ms .*its revocation (\d+) ms/m.exec(b.console);
  t.ok(m, "the long ctrl_pd's line");
  if (m) t.ok(Number(m[1]) >= 200, `the delegation took ${m[1]} ms, wanted at least 200`);
  const d = /^roottest: a host space of 2\^19 pages torn down in (\d+) ms/m.exec(b.console);
  t.ok(d && Number(d[1]) >= 100, `the teardown took ${d?.[1]} ms, wanted at least 100`);
  expectBootOk(t, b);
});
