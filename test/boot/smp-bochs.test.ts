// roottest on Bochs corei7_skylake_x with 4 CPUs (docs/smp.md): x2APIC mode,
// PCIDs on (QEMU 7.2 TCG has neither), the whole root test task with its SMP
// cases. Its own file: Bochs steps every CPU, so this takes minutes and runs
// beside the other boot tests.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { makeIso } from "../../scripts/iso.ts";
import { bochs, expectSuccess } from "../lib/bochs.ts";
import { checkOnline, checkRootTest } from "../lib/smp.ts";

const kernel = await buildKernel({ progress: false });
const roottest = await buildUser("roottest", { progress: false });

t.test("Bochs corei7_skylake_x with 4 CPUs: roottest in x2APIC mode", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-smp-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const iso = await makeIso({
    elf: kernel.elf,
    iso: path.join(dir, "smp-root.iso"),
    cmdline: "",
    modules: [{ file: roottest }],
  });
  const b = await bochs(iso, { cpus: 4, timeoutMs: 600_000 });
  t.match(b.console, /^LAPIC: x2APIC mode/m);
  // QEMU 7.2 TCG has no PCIDs: Bochs's skylake_x is where they are tested.
  t.match(b.console, /^TLB: PCIDs on$/m, "host spaces run with PCIDs");
  checkOnline(t, b.console, 4, 4, "x2APIC");
  checkRootTest(t, b.console);
  expectSuccess(t, b);
});
