// ACPI on real firmware tables: the kernel boots on QEMU q35 and pc (with
// and without IOMMUs, with several CPUs) and from GRUB with multiboot2, and
// its ACPI, MADT, FADT, MCFG, HPET, DMAR and IVRS lines (docs/boot-log.md)
// say what QEMU built. The `acpi.dump` option's bytes check out.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t, { type Test } from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { makeIso } from "../../scripts/iso.ts";
import { tables } from "../fixtures/acpi/dump.ts";
import { stripEscapes } from "../lib/bochs.ts";
import { boot, expectBootOk, type Boot } from "../lib/qemu.ts";

const { elf } = await buildKernel({ progress: false });
/** No table rejected; each test ends with expectBootOk. */
function booted(t: Test, b: Boot): void {
  t.notMatch(b.console, /rejected/, "no table rejected");
}

/** The signatures of the "ACPI: <SIG> at" lines, in order. */
function found(console: string): string[] {
  return [...console.matchAll(/^ACPI: (\S{4}) at 0x[0-9a-f]+ length \d+ revision \d+ OEM ".*"$/gm)]
    .map((m) => m[1])
    .filter((s) => s !== "RSDT" && s !== "XSDT");
}

const q35Common = [
  /^ACPI: RSDP at 0x[0-9a-f]+ revision 0 OEM "BOCHS " \(BIOS area\)$/m,
  /^ACPI: RSDT at 0x[0-9a-f]+ length \d+ with \d+ entries$/m,
  /^MADT: local APIC at 0xfee00000 flags 0x1$/m,
  /^MADT: IOAPIC id 0 at 0xfec00000 GSI base 0$/m,
  /^MADT: override bus 0 IRQ 0 -> GSI 2 flags 0x0$/m,
  /^MADT: override bus 0 IRQ 9 -> GSI 9 flags 0xd$/m,
  /^MADT: NMI on LINT1 of every CPU flags 0x0$/m,
  /^FADT: SCI IRQ 9, SMI command 0xb2 /m,
  /^FADT: PM timer I\/O 0x608, 24-bit$/m,
  /^FADT: reset register I\/O 0xcf9 value 0xf$/m,
  /^MCFG: ECAM at 0xb0000000 segment 0 buses 0 to 255$/m,
  /^HPET: block 0 at 0xfed00000 vendor 0x8086 revision 1, 3 comparators, 64-bit counter, legacy routing, minimum tick 0$/m,
];

t.test("q35 -smp 3: tables, 3 CPUs, IOAPIC, overrides, FADT, MCFG, HPET", async (t) => {
  const b = await boot(elf, ["-M", "q35", "-smp", "3"]);
  booted(t, b);
  t.same(found(b.console), ["FACP", "APIC", "HPET", "MCFG", "WAET", "DSDT"], "tables found");
  for (const re of q35Common) t.match(b.console, re);
  t.match(b.console, /^MADT: 3 CPUs \(3 enabled\)$/m, "the MADT CPU count");
  for (const i of [0, 1, 2])
    t.match(b.console, new RegExp(`^MADT: CPU ${i} APIC id ${i} processor uid ${i} enabled$`, "m"));
  t.match(b.console, /^FADT: revision 3\.0 flags 0x84a5 boot architecture 0x2$/m);
  expectBootOk(t, b);
});

t.test("pc -smp 2,maxcpus=4: ACPI 1.0 FADT, no MCFG, disabled CPUs", async (t) => {
  const b = await boot(elf, ["-M", "pc", "-smp", "2,maxcpus=4"]);
  booted(t, b);
  t.same(found(b.console), ["FACP", "APIC", "HPET", "WAET", "DSDT"], "tables found");
  t.match(b.console, /^MADT: 4 CPUs \(2 enabled\)$/m, "the MADT CPU count");
  t.match(b.console, /^MADT: CPU 3 APIC id 3 processor uid 3 disabled$/m);
  t.match(b.console, /^MADT: IOAPIC id 0 at 0xfec00000 GSI base 0$/m);
  t.match(b.console, /^FADT: revision 1\.0 /m);
  t.match(b.console, /^FADT: PM timer I\/O 0x608, 24-bit$/m);
  t.match(b.console, /^FADT: no reset register$/m);
  t.notMatch(b.console, /^MCFG:/m, "no ECAM on pc");
  expectBootOk(t, b);
});

t.test("q35 with intel-iommu: DMAR", async (t) => {
  const b = await boot(elf, ["-M", "q35", "-device", "intel-iommu"]);
  booted(t, b);
  t.ok(found(b.console).includes("DMAR"), "DMAR found");
  t.match(b.console, /^DMAR: host address width 39 flags 0x1$/m);
  t.match(b.console, /^DMAR: DRHD 0 at 0xfed90000 segment 0 flags 0x0, \d+ device scopes$/m);
  t.match(b.console, /^DMAR: DRHD 0 scope IOAPIC 0 at ff:00\.0 path length 1$/m);
  t.match(b.console, /^DMAR: DRHD 0 scope endpoint 00:1f\.0 path length 1$/m);
  expectBootOk(t, b);
});

t.test("q35 with amd-iommu: IVRS", async (t) => {
  const b = await boot(elf, ["-M", "q35", "-device", "amd-iommu"]);
  booted(t, b);
  t.ok(found(b.console).includes("IVRS"), "IVRS found");
  t.match(b.console, /^IVRS: IVinfo 0x2800: 40-bit physical, 0-bit virtual addresses$/m);
  t.match(
    b.console,
    /^IVRS: IVHD 0 type 0x10 IOMMU 00:03\.0 at 0xfed80000 segment 0 flags 0xd1 capability 0x40 features 0x44, \d+ device entries$/m,
  );
  t.match(b.console, /^IVRS: IVHD 0 device 00:00\.0 data 0x0$/m);
  t.match(b.console, /^IVRS: IVHD 0 IOAPIC 0 is 00:14\.0 data 0x0$/m);
  expectBootOk(t, b);
});

t.test("acpi.dump prints every table whole", async (t) => {
  const b = await boot(elf, ["-M", "q35", "-append", "acpi.dump"]);
  booted(t, b);
  const dumped = tables(b.console);
  const listed = [...b.console.matchAll(/^ACPI: (\S{4}) at 0x[0-9a-f]+ length (\d+)/gm)];
  t.ok(listed.length >= 6, `${listed.length} tables listed`);
  for (const [, sig, length] of listed) {
    const bytes = dumped.get(sig);
    t.equal(bytes?.length, Number(length), `${sig}: ${length} bytes dumped`);
    t.equal(bytes?.subarray(0, 4).toString("latin1"), sig, `${sig}: signature`);
    t.equal(
      bytes?.reduce((s, x) => (s + x) & 0xff, 0),
      0,
      `${sig}: checksum`,
    );
  }
  t.equal(dumped.get("RSDP")?.subarray(0, 8).toString("latin1"), "RSD PTR ", "RSDP dumped");
  expectBootOk(t, b);
});

t.test("GRUB multiboot2: the RSDP copy from the boot loader", async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-acpi-"));
  t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
  const iso = await makeIso({ elf, iso: path.join(work, "mb2.iso"), multiboot: 2 });
  const b = await boot(iso, ["-M", "q35", "-smp", "2"], 120_000, "cdrom");
  b.console = stripEscapes(b.console);
  booted(t, b);
  t.match(b.console, /^ACPI: RSDP at 0x[0-9a-f]+ revision 0 OEM "BOCHS " \(multiboot2 copy\)$/m);
  t.match(b.console, /^MADT: 2 CPUs \(2 enabled\)$/m);
  expectBootOk(t, b);
});
