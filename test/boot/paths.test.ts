// Both boot paths: multiboot v1 from QEMU -kernel (modules from -initrd, the
// command line from -append) and multiboot v1/v2 from a GRUB ISO, on QEMU and
// headless Bochs. Each boot is read back through the serial console.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { makeIso } from "../../scripts/iso.ts";
import { bochs, expectSuccess, stripEscapes } from "../lib/bochs.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";

const { elf } = await buildKernel({ progress: false });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-paths-"));
const modA = path.join(work, "roottask.bin");
const modB = path.join(work, "data.bin");
fs.writeFileSync(modA, Buffer.alloc(5000, 0xaa));
fs.writeFileSync(modB, Buffer.alloc(100, 0x55));

/** The MOD lines: index, size and command line of each module. */
function modules(console: string): { size: number; cmdline: string }[] {
  return [...console.matchAll(/^MOD: (\d+) 0x([0-9a-f]+)-0x([0-9a-f]+) "(.*)"$/gm)].map((m) => ({
    size: parseInt(m[3], 16) - parseInt(m[2], 16),
    cmdline: m[4],
  }));
}

t.test("QEMU -kernel: modules, command lines, serial= option", async (t) => {
  // stdio is COM1 (first -serial), the file is COM2: serial=0x2f8 must move the console there.
  const com2 = path.join(work, "com2.txt");
  const b = await boot(elf, [
    "-serial",
    `file:${com2}`,
    "-append",
    "serial=0x2f8 quiet",
    "-initrd",
    `${modA} root arg,${modB}`,
  ]);
  const console = fs.existsSync(com2) ? fs.readFileSync(com2, "latin1").replace(/\r/g, "") : "";
  t.notMatch(b.console, /NOVA microhypervisor/, "nothing on COM1");
  t.match(console, /^NOVA microhypervisor/m, "the boot log on COM2");
  t.match(console, /^BOOT: multiboot cmdline ".*serial=0x2f8 quiet"$/m);
  const mods = modules(console);
  t.equal(mods.length, 2, "two modules");
  t.same(
    mods.map((m) => m.size),
    [5000, 100],
    "module sizes",
  );
  t.match(mods[0]?.cmdline, /roottask\.bin root arg$/, "module 0 command line");
  // The boot log is COM2's.
  expectBootOk(t, { ...b, console, tail: `${b.tail}\n--- COM2 ---\n${console}` });
});

t.test("QEMU -kernel: -m 6G counts memory above 4 GiB", async (t) => {
  const b = await boot(elf, ["-m", "6G"]);
  t.match(b.console, /^MEM: range 0x100000000-0x[0-9a-f]{9,} type 1$/m, "a range above 4 GiB");
  const mib = Number(/^Memory: (\d+) MiB/m.exec(b.console)?.[1]);
  t.ok(mib > 6000 && mib <= 6144, `usable ${mib} MiB`);
  expectBootOk(t, b);
});

for (const mb of [2, 1] as const) {
  const iso = await makeIso({
    elf,
    iso: path.join(work, `mb${mb}.iso`),
    multiboot: mb,
    cmdline: "serial=0x3f8",
    modules: [{ file: modA, args: "root arg" }],
  });

  t.test(`GRUB ISO multiboot${mb === 2 ? "2" : " v1"} on QEMU`, async (t) => {
    const b = await boot(iso, [], 120_000, "cdrom");
    const console = stripEscapes(b.console);
    t.match(
      console,
      new RegExp(`^BOOT: multiboot${mb === 2 ? "2" : ""} cmdline ".*serial=0x3f8"$`, "m"),
    );
    const mods = modules(console);
    t.equal(mods.length, 1);
    t.equal(mods[0]?.size, 5000);
    t.match(mods[0]?.cmdline, /root arg$/);
    if (mb === 2) t.match(console, /^ACPI: RSDP copy from the boot loader at 0x[0-9a-f]+$/m);
    expectBootOk(t, { ...b, console });
  });

  if (mb === 2) {
    t.test("GRUB ISO on Bochs (corei7_skylake_x) prints the same boot log", async (t) => {
      const b = await bochs(iso);
      t.match(b.console, /^NOVA microhypervisor/m);
      t.match(b.console, /^BOOT: multiboot2 cmdline ".*serial=0x3f8"$/m);
      t.match(b.console, /^CPU: GenuineIntel /m);
      t.match(b.console, /^Memory: 25\d MiB usable \(multiboot v2\)$/m);
      t.equal(modules(b.console).length, 1);
      expectSuccess(t, b);
    });
  }
}

t.test("Bochs tells a kernel failure from success (fault=ud: shutdown port)", async (t) => {
  const iso = await makeIso({ elf, iso: path.join(work, "ud.iso"), cmdline: "fault=ud" });
  const b = await bochs(iso);
  t.notOk(b.timedOut, "Bochs ends by itself");
  t.notOk(b.magicBreak, "no magic breakpoint");
  t.match(
    b.exitMessage,
    /Shutdown port: shutdown requested/,
    "Bochs' panic names the shutdown port",
  );
  t.equal(b.status, 1);
  t.match(b.console, /^EXC: vector 6 #UD /m);
  if (!t.passing()) t.comment(b.tail);
});

t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
