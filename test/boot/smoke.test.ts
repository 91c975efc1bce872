// Boot smoke test: the real image on QEMU (TCG), read back through the serial
// console and the debug-exit status.

import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { EXIT_SUCCESS } from "../../scripts/qemu-args.ts";
import { boot } from "../lib/qemu.ts";

const { elf } = await buildKernel({ progress: false });

for (const machine of ["q35", "pc"]) {
  for (const memory of ["128M", "1G"]) {
    t.test(`boots on ${machine} with ${memory}`, async (t) => {
      const b = await boot(elf, ["-M", machine, "-m", memory]);
      t.notOk(b.timedOut, "QEMU exits by itself");
      t.equal(b.status, (EXIT_SUCCESS << 1) | 1, "debug-exit reports success");
      t.match(b.console, /^NOVA microhypervisor/m, "banner");
      t.match(b.console, /^CPU: AuthenticAMD QEMU Virtual CPU/m, "CPU vendor and brand from CPUID");
      // The multiboot map leaves out the BIOS and hole areas, so usable RAM is a little under -m.
      const mib = Number(/^Memory: (\d+) MiB usable/m.exec(b.console)?.[1]);
      const want = memory === "128M" ? 128 : 1024;
      t.ok(mib >= want - 2 && mib <= want, `usable memory ${mib} MiB close to ${want} MiB`);
      t.match(b.console, /^Boot complete$/m);
      if (!t.passing()) t.comment(b.tail);
    });
  }
}

t.test("reports the CPU QEMU was told to emulate", async (t) => {
  const b = await boot(elf, ["-cpu", "Skylake-Server"]);
  t.match(b.console, /^CPU: GenuineIntel Intel Xeon Processor \(Skylake\)/m);
  if (!t.passing()) t.comment(b.tail);
});
