// The stress and leak check: user/roottest-stress creates and destroys 10,240 objects of
// every kind (PD, object, PIO, host, MSR and guest space, SM, local EC, global EC, PT, SC,
// vCPU: the CPU has SVM) and delegates and revokes more than 10,000 ranges of capabilities
// and 10,000 of guest memory, then compares the
// kernel statistics page (`kstat`, kernel-ts/kstat.ts) with its values before
// the run: free pages, live objects, allocations, bytes and mapping-database
// nodes must all be back. Every line is checked, and the kernel's own checks
// (mdb.check over the root spaces) run after the task's UD2.

import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";
import { checkKstatBack, checkTestsPassed } from "../lib/roottask.ts";

const kernel = await buildKernel({ progress: false });
const stress = await buildUser("roottest-stress", { progress: false });

t.test(
  "10,000 objects of every kind and 10,000 ranges leave kernel memory as it was",
  async (t) => {
    const b = await boot(
      kernel.elf,
      ["-m", "256M", "-cpu", "qemu64,+svm,+npt", "-append", "kstat", "-initrd", stress],
      300_000,
    );
    t.match(b.console, /^KSTAT: kernel statistics page at 0x7fffffffd000 in the root PD$/m);
    for (const kind of [
      "pd",
      "obj-space",
      "pio-space",
      "hst-space",
      "msr-space",
      "sm",
      "local-ec",
      "global-ec",
      "pt",
      "sc",
      "gst-space",
      "vcpu",
    ])
      t.match(b.console, new RegExp(`^stress: ${kind} created and destroyed 10240$`, "m"), kind);
    const ranges = /^stress: ranges delegated or revoked (\d+)$/m.exec(b.console);
    t.ok(ranges && Number(ranges[1]) >= 10_000, "at least 10,000 ranges");
    const guest = /^stress: guest-memory ranges delegated or revoked (\d+)$/m.exec(b.console);
    t.ok(guest && Number(guest[1]) >= 10_000, "at least 10,000 guest-memory ranges");
    checkKstatBack(t, b.console, "stress");
    // Then the kernel's pool is run dry with ECs: the first failure is MEM_OBJ (10) or MEM_CAP
    // (11), never a panic, and everything comes back.
    const dry = /^stress: (\d+) ECs until status (\d+)$/m.exec(b.console);
    t.ok(
      dry && Number(dry[1]) > 1000 && ["10", "11"].includes(dry[2]),
      "out of memory is MEM_OBJ/MEM_CAP",
    );
    checkTestsPassed(t, b.console, 12);
    expectBootOk(t, b);
  },
);
