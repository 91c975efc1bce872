// Concurrency stress (docs/testing.md): user/roottest-smpstress on QEMU q35
// runs one worker EC per CPU, each making at least 25,000 hypercalls at the
// same time as the others (create_sm/create_pt/create_ec, ctrl_pd delegations
// and revocations of object and memory capabilities into its own PD, IPC to a
// portal on its own CPU, semaphore up/down and ups of its neighbour's
// semaphore on another CPU), then compares the kernel statistics page
// (`kstat`) with its values before the run: free pages, live objects,
// allocations, bytes and mapping-database nodes must all be back.
//
// Two runs: -smp 4 with single-threaded TCG (the four CPUs interleaved by
// QEMU: every hypercall takes the kernel lock, and with more vCPU threads than
// host cores multi-threaded TCG preempts lock holders and waiters, which slows
// the run about a hundredfold on a two-core host), and -smp 2 with
// multi-threaded TCG (the two CPUs truly in parallel).

import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";
import { checkKstatBack, checkTestsPassed } from "../lib/roottask.ts";

const kernel = await buildKernel({ progress: false });
const stress = await buildUser("roottest-smpstress", { progress: false });

for (const [cpus, accel] of [
  [4, "tcg,thread=single"],
  [2, "tcg,thread=multi"],
] as const) {
  t.test(`-smp ${cpus} (${accel}): a worker per CPU, 25,000 hypercalls each`, async (t) => {
    const b = await boot(
      kernel.elf,
      [
        ...["-accel", accel, "-m", "256M", "-smp", String(cpus)],
        ...["-append", "kstat", "-initrd", stress],
      ],
      // The task gives its workers at most 100 s (about 1 s for each run on an idle host; a
      // loaded host slows the multi-threaded run most, up to tens of seconds).
      180_000,
    );
    t.match(b.console, /^KSTAT: kernel statistics page at 0x7fffffffd000 in the root PD$/m);
    t.match(
      b.console,
      new RegExp(`^smpstress: CPUNUM ${cpus}, a worker on each of CPUs 0-${cpus - 1}$`, "m"),
    );
    const perCpu = [...b.console.matchAll(/^STRESS: CPU (\d+) (\d+) hypercalls$/gm)];
    t.same(
      perCpu.map((m) => Number(m[1])),
      Array.from({ length: cpus }, (_, i) => i),
      "one count per CPU, each worker done without an unexpected status",
    );
    for (const m of perCpu) t.ok(Number(m[2]) >= 25_000, `CPU ${m[1]}: ${m[2]} hypercalls`);
    const total = /^STRESS: (\d+) hypercalls on (\d+) CPUs in (\d+) ms$/m.exec(b.console);
    t.ok(total, "the total line");
    if (total) {
      t.equal(Number(total[2]), cpus, `on ${cpus} CPUs`);
      t.equal(
        Number(total[1]),
        perCpu.reduce((s, m) => s + Number(m[2]), 0),
        "the total is the sum",
      );
      t.comment(`${total[1]} hypercalls in ${total[3]} ms`);
    }
    checkKstatBack(t, b.console, "smpstress");
    checkTestsPassed(t, b.console, 8);
    expectBootOk(t, b);
  });
}
