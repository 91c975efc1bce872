// Boot smoke test: the real image on QEMU (TCG), read back through the serial
// console and the debug-exit status.

import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";

const { elf } = await buildKernel({ progress: false });

for (const machine of ["q35", "pc"]) {
  for (const memory of ["128M", "1G"]) {
    t.test(`boots on ${machine} with ${memory}`, async (t) => {
      const b = await boot(elf, ["-M", machine, "-m", memory]);
      t.match(b.console, /^NOVA microhypervisor/m, "banner");
      t.match(b.console, /^CPU: AuthenticAMD QEMU Virtual CPU/m, "CPU vendor and brand from CPUID");
      // The multiboot map leaves out the BIOS and hole areas, so usable RAM is a little under -m.
      const mib = Number(/^Memory: (\d+) MiB usable/m.exec(b.console)?.[1]);
      const want = memory === "128M" ? 128 : 1024;
      t.ok(mib >= want - 2 && mib <= want, `usable memory ${mib} MiB close to ${want} MiB`);
      t.match(
        b.console,
        /^PAGING: identity map removed, text read-only, data not executable, IST guard pages unmapped$/m,
        "the kernel's own tables, read back",
      );
      t.match(b.console, /^PAGING: kernel stack top 0x[0-9a-f]+, guard page at 0x[0-9a-f]+$/m);
      expectBootOk(t, b);
    });
  }
}

t.test("reports the CPU QEMU was told to emulate", async (t) => {
  const b = await boot(elf, ["-cpu", "Skylake-Server"]);
  t.match(b.console, /^CPU: GenuineIntel Intel Xeon Processor \(Skylake\)$/m);
  t.match(b.console, /^CPU: family 0x6 model 0x55 stepping 0x4$/m, "family/model/stepping");
  t.match(b.console, /^CPU: features (?:[+-][a-z0-9-]+ ?)+$/m, "feature flags");
  t.match(b.console, /^CPU: features .*\+nx \+1g-pages .*\+xsave /m);
  // QEMU's TCG has no VMX; the Skylake model has no SVM.
  t.match(b.console, /^VMX: not supported$/m);
  t.match(b.console, /^SVM: not supported$/m);
  t.match(b.console, /^FPU: XSAVE xcr0 0x[0-9a-f]+ \(\+sse /m);
  expectBootOk(t, b);
});

t.test("the default CPU: identity, SVM with ASIDs, no XSAVE", async (t) => {
  const b = await boot(elf, []);
  t.match(b.console, /^CPU: family 0x[0-9a-f]+ model 0x[0-9a-f]+ stepping 0x[0-9a-f]+$/m);
  t.match(b.console, /^CPU: features .*-xsave /m);
  t.match(b.console, /^SVM: revision \d+ asids \d+ -npt /m, "qemu64 has SVM without NPT");
  t.match(b.console, /^FPU: FXSAVE, no XSAVE: context 512 bytes$/m);
  expectBootOk(t, b);
});

t.test("-cpu max: SVM with NPT, XSAVE with AVX", async (t) => {
  const b = await boot(elf, ["-cpu", "max"]);
  t.match(b.console, /^SVM: revision \d+ asids \d+ \+npt /m);
  t.match(b.console, /^FPU: XSAVE xcr0 0x7 \(\+sse \+avx -avx512\) context \d+ bytes/m);
  expectBootOk(t, b);
});

t.test("reboot: the FADT reset register on q35, the keyboard controller on pc", async (t) => {
  // With -no-reboot a machine reset ends QEMU with status 0 (the debug-exit device never gives 0).
  const q35 = await boot(elf, ["-M", "q35", "-append", "reboot"]);
  t.equal(q35.status, 0, "q35 reset");
  t.match(q35.console, /^POWER: reboot through the FADT reset register \(I\/O 0xcf9 value 0xf\)$/m);
  t.notMatch(q35.console, /^POWER: reboot did not happen/m);
  const pc = await boot(elf, ["-M", "pc", "-append", "reboot"]);
  t.equal(pc.status, 0, "pc reset");
  t.match(pc.console, /^POWER: reboot through the keyboard controller/m);
  if (!t.passing()) t.comment(q35.tail + pc.tail);
});
