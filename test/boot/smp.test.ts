// SMP bring-up (docs/smp.md): every enabled CPU of the MADT comes online
// through the trampoline and INIT-SIPI-SIPI, logs `SMP: CPU <n> APIC id <x>
// online`, and the summary counts them; the boot then ends as before. QEMU
// q35 with 1 to 64 CPUs (xAPIC: QEMU 7.2 TCG has no x2APIC), disabled MADT
// entries (-smp n,maxcpus=m), a CPU that never answers (the smpsilent hook),
// roottest at -smp 4 on QEMU, the watchdog, and Bochs with 4 CPUs in x2APIC
// mode (roottest on Bochs: smp-bochs.test.ts).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { makeIso } from "../../scripts/iso.ts";
import { bochs, expectSuccess } from "../lib/bochs.ts";
import { boot, expectBootOk, expectPanicExit } from "../lib/qemu.ts";
import { checkOnline, checkRootTest } from "../lib/smp.ts";

const kernel = await buildKernel({ progress: false });
const roottest = await buildUser("roottest", { progress: false });

for (const cpus of [1, 2, 4, 8, 16, 64]) {
  t.test(`QEMU q35 -smp ${cpus}: every CPU online`, async (t) => {
    const b = await boot(kernel.elf, ["-smp", String(cpus)], 60_000);
    checkOnline(t, b.console, cpus, cpus, "xAPIC");
    t.notMatch(b.console, /did not start/);
    expectBootOk(t, b);
  });
}

t.test("QEMU -smp 2,maxcpus=4: the disabled MADT entries are skipped", async (t) => {
  const b = await boot(kernel.elf, ["-smp", "2,maxcpus=4"], 60_000);
  const skipped = [...b.console.matchAll(/^SMP: APIC id (\d+) disabled in the MADT, skipped$/gm)];
  t.equal(skipped.length, 2, "two disabled entries named");
  checkOnline(t, b.console, 2, 2, "xAPIC");
  expectBootOk(t, b);
});

t.test("a CPU that never answers is reported and skipped", async (t) => {
  // smpsilent: APIC id 2 gets INIT but no SIPI, so it waits for a SIPI forever.
  const b = await boot(kernel.elf, ["-smp", "4", "-append", "smpsilent=2"], 60_000);
  t.match(b.console, /^SMP: CPU 2 APIC id 2 did not start$/m, "the silent CPU is named");
  t.match(b.console, /^SMP: CPU 2 APIC id 3 online$/m, "the next CPU takes its number");
  checkOnline(t, b.console, 3, 4, "xAPIC");
  expectBootOk(t, b);
});

t.test("QEMU -smp 4: roottest passes with the APs online", async (t) => {
  const b = await boot(kernel.elf, ["-smp", "4", "-initrd", roottest], 60_000);
  t.match(b.console, /^TLB: PCIDs off$/m, "no PCIDs on QEMU 7.2 TCG");
  const klock = /^KLOCK: (\d+) fast paths, (\d+) slow-path entries from ring 3 on 4 CPUs$/m.exec(
    b.console,
  );
  t.ok(klock && Number(klock[1]) > 0, "roottest's calls and replies take the IPC fast path");
  const ipis = /^IPI: (\d+) RESCHEDULE and (\d+) SHOOTDOWN sent, (\d+) rounds/m.exec(b.console);
  t.ok(ipis && Number(ipis[1]) > 0, "remote wake-ups and recalls sent RESCHEDULE IPIs");
  t.ok(ipis && Number(ipis[2]) > 0 && Number(ipis[3]) > 0, "revocations shot other CPUs down");
  checkOnline(t, b.console, 4, 4, "xAPIC");
  checkRootTest(t, b.console);
  expectBootOk(t, b);
});

t.test("a panic on one CPU stops the others by NMI before its report", async (t) => {
  const b = await boot(kernel.elf, ["-smp", "4", "-append", "fault=ud"], 60_000);
  t.match(b.console, /^PANIC: unexpected exception #UD/m, "the report");
  t.match(b.console, /^EXC: on CPU 0 \(APIC id 0\)$/m, "names its CPU");
  t.match(b.console, /^EXC: 3 other CPUs stopped by NMI$/m, "the other three stopped");
  expectPanicExit(t, b);
});

// The test hooks (smp.ts wedgeIfAsked): CPU 2 keeps the kernel lock forever once it has it
// (wedge=2), or stays in a fast path forever (wedgefast=2, its reading flag up): the CPUs that
// wait for it, for the lock or behind the holder that waits for the fast path, must name CPU 2.
// Its RIP is in the hooks' endless loop, found by its text: gcc may inline the hooks into the
// AP's main function, so the TypeScript line says where it is, not the C function.
const smpSource = fs.readFileSync(path.join(import.meta.dirname, "../../kernel-ts/smp.ts"), "utf8");
const wedgedLine = smpSource.split("\n").indexOf("  for (;;) pause();") + 1;
for (const [hook, waitedFor, what] of [
  ["wedge", "a kernel lock", "keeps the kernel lock"],
  ["wedgefast", "the end of a fast path", "never leaves a fast path"],
] as const) {
  t.test(`the watchdog names a CPU that ${what}, with its RIP (${hook}=2)`, async (t) => {
    const b = await boot(
      kernel.elf,
      ["-smp", "4", "-initrd", roottest, "-append", `${hook}=2`],
      60_000,
    );
    t.match(
      b.console,
      new RegExp(
        `^WATCHDOG: CPU [013] waited 5000 ms for ${waitedFor} of CPU 2: NMI to CPU 2$`,
        "m",
      ),
      "a waiting CPU names CPU 2",
    );
    t.match(b.console, /^WATCHDOG: CPU 2 stuck:$/m, "CPU 2 answers the NMI");
    t.match(
      b.console,
      new RegExp(
        `^STACK: #0 0x[0-9a-f]+ <smp_\\w+\\+0x[0-9a-f]+> kernel-ts/smp\\.ts:${wedgedLine}$`,
        "m",
      ),
      "with its RIP",
    );
    t.match(b.console, /^EXC: on CPU 2 \(APIC id 2\)$/m, "and its CPU");
    expectPanicExit(t, b);
  });
}

t.test("Bochs corei7_skylake_x with 4 CPUs: x2APIC, all online", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-smp-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const iso = await makeIso({ elf: kernel.elf, iso: path.join(dir, "smp.iso"), cmdline: "" });
  const b = await bochs(iso, { cpus: 4 });
  t.match(b.console, /^LAPIC: x2APIC mode/m);
  checkOnline(t, b.console, 4, 4, "x2APIC");
  expectSuccess(t, b);
});
