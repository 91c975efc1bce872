// The hypercall fuzzer (docs/testing.md, user/fuzz) for a bounded count over
// fixed seeds: at -smp 1 and -smp 4 (every CPU calling at once), each run
// must end in FUZZ: PASS (kernel memory back after every round) without a
// panic, with `Boot complete`, and with successes for the hypercalls that can
// succeed here, so that it is not just failing at the argument checks. One
// run has vCPUs run guests (vcpus=1): their exits (CPUID, HLT, I/O, VMMCALL,
// nested page faults) must reach the handlers; one runs on q35 with
// intel-iommu, where assign_dev must succeed too. The
// runs are deterministic (test/lib/fuzz.ts): a failure names the command that
// replays it. `npm run fuzz` runs the same with new seeds, for longer.

import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { type FuzzRun, fuzzArgs, fuzzResult, reproducer, succeeded } from "../lib/fuzz.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";

const kernel = await buildKernel({ progress: false });
const fuzz = await buildUser("fuzz", { progress: false });

/**
 * Every hypercall but assign_dev (without an IOMMU there is no DMA space) and the reserved
 * number has a success path the fuzzer reaches; ipc_reply's are the handlers' replies.
 */
const SUCCEEDING = [
  "ipc_call",
  "ipc_reply",
  "create_pd",
  "create_ec",
  "create_sc",
  "create_pt",
  "create_sm",
  "ctrl_pd",
  "ctrl_ec",
  "ctrl_sc",
  "ctrl_pt",
  "ctrl_sm",
  "ctrl_hw",
  "assign_int",
];

const runs: FuzzRun[] = [
  { seed: 0x5eed1n, calls: 250_000, rounds: 3, cpus: 1, shift: 0 },
  { seed: 0x5eed2n, calls: 250_000, rounds: 3, cpus: 1, shift: 1 },
  { seed: 0x5eed3n, calls: 400_000, rounds: 4, cpus: 4, shift: 0 },
  { seed: 0x5eed4n, calls: 400_000, rounds: 4, cpus: 4, shift: 2 },
  { seed: 0x5eed1n, calls: 100_000, rounds: 3, cpus: 1, shift: 0, vcpus: true },
  { seed: 0x5eed5n, calls: 200_000, rounds: 3, cpus: 2, shift: 0, iommu: true },
];

/** vCPU exits of these kinds (the `FUZZ vcpu` line) must have reached the handlers. */
const EXITS = ["startup", "cpuid", "hlt", "io", "vmmcall", "npf"];

for (const run of runs) {
  const what = (run.vcpus ? ", vCPUs" : "") + (run.iommu ? ", intel-iommu" : "");
  t.test(
    `-smp ${run.cpus}${what}, seed 0x${run.seed.toString(16)}: ${run.calls} calls`,
    async (t) => {
      // The console in a file: the run replays exactly (test/lib/qemu.ts boot).
      const b = await boot(kernel.elf, fuzzArgs(fuzz, run), 120_000, "kernel", true);
      const r = fuzzResult(b);
      const again = `[${r.start ?? "no FUZZ start line"}; again: ${reproducer(run)}]`;
      t.equal(r.outcome, "pass", `FUZZ: PASS [got ${r.why}] ${again}`);
      if (r.outcome !== "pass") t.comment(r.details.slice(-60).join("\n"));
      t.ok(r.calls >= run.calls, `at least ${run.calls} calls [got ${r.calls}]`);
      // Free pages may differ by the empty slabs the slab allocator keeps (user/fuzz/main.ts same).
      const live = (kmem?: string) => kmem?.replace(/^\d+p\//, "");
      t.equal(
        live(r.kmemAfter),
        live(r.kmemBefore),
        `kernel objects, allocations, bytes and nodes as after round 1 [${r.kmemBefore} -> ${r.kmemAfter}]`,
      );
      const histogram = [...r.perCall]
        .map(([name, c]) => `${name} ${JSON.stringify(c.statuses)}`)
        .join("; ");
      const can = run.iommu ? [...SUCCEEDING, "assign_dev"] : SUCCEEDING;
      const missing = can.filter((name) => !succeeded(r).includes(name));
      t.same(missing, [], `every hypercall that can succeed did [${histogram}]`);
      if (run.vcpus) {
        const line = /^FUZZ vcpu (.*)$/m.exec(b.console)?.[1] ?? "";
        const seen = Object.fromEntries(line.split(" ").map((f) => f.split("=")));
        const none = EXITS.filter((k) => !(Number(seen[k] ?? 0) > 0));
        t.same(none, [], `vCPU events of every kind delivered [FUZZ vcpu ${line}]`);
      }
      expectBootOk(t, b);
    },
  );
}
