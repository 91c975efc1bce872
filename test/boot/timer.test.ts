// Interrupts and time on real emulated hardware: the local APIC (xAPIC on
// QEMU TCG, x2APIC on Bochs), the I/O APIC masked, the TSC frequency, and the
// routing self-test (`irqtest`: the PIT's ISA IRQ 0 through the I/O APIC,
// with the MADT's override to GSI 2), and the timer self-test (`timertest`): deadlines added out of order must fire in
// deadline order, none early, through LAPIC timer interrupts (one-shot mode on
// QEMU, TSC-deadline mode on Bochs).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { makeIso } from "../../scripts/iso.ts";
import { bochs, expectSuccess } from "../lib/bochs.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";

const { elf } = await buildKernel({ progress: false });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-timer-"));
// Every top-level await comes before the first subtest: a root test with a
// teardown ends (and removes `work`) as soon as its queued subtests are done.
const iso = await makeIso({ elf, iso: path.join(work, "timer.iso"), cmdline: "timertest irqtest" });
const isoXapic = await makeIso({
  elf,
  iso: path.join(work, "xapic.iso"),
  cmdline: "timertest nox2apic",
});

t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));

const irq = /^IOAPIC: ISA IRQ 0 -> GSI 2 -> vector 0x30: 20 interrupts in \d+ ms$/m;
const fired = /^TIMER: 8 of 8 deadlines fired in order, worst lateness (\d+) us \((\S+) mode\)$/m;

for (const machine of ["q35", "pc"]) {
  t.test(`QEMU ${machine}: xAPIC, one-shot timer, TSC from the ACPI PM timer`, async (t) => {
    const b = await boot(elf, ["-M", machine, "-append", "timertest irqtest"]);
    t.match(b.console, /^LAPIC: xAPIC mode, id 0 version 0x[0-9a-f]+, timer one-shot$/m);
    t.match(
      b.console,
      /^IOAPIC: id 0 hardware id 0 at 0xfec00000 gsi 0-23 version 0x[0-9a-f]+ masked$/m,
    );
    t.match(b.console, /^TSC: \d+ MHz from ACPI PM timer$/m);
    const m = fired.exec(b.console);
    t.ok(m, "all deadlines fired in order");
    t.equal(m?.[2], "one-shot");
    t.match(b.console, irq, "ISA IRQ 0 arrives through the MADT override (GSI 2)");
    expectBootOk(t, b);
  });
}

t.test("Bochs skylake_x: x2APIC mode, TSC-deadline timer", async (t) => {
  const b = await bochs(iso);
  t.match(b.console, /^LAPIC: x2APIC mode, id 0 version 0x[0-9a-f]+, timer TSC-deadline$/m);
  t.match(b.console, /^TSC: \d+ MHz from cpuid 0x1[56]$/m);
  t.equal(fired.exec(b.console)?.[2], "TSC-deadline");
  t.match(b.console, irq, "ISA IRQ 0 through the I/O APIC");
  expectSuccess(t, b);
});

t.test("Bochs skylake_x with nox2apic: the same in xAPIC mode", async (t) => {
  const b = await bochs(isoXapic);
  t.match(b.console, /^LAPIC: xAPIC mode, id 0 /m);
  t.equal(fired.exec(b.console)?.[2], "TSC-deadline");
  expectSuccess(t, b);
});
