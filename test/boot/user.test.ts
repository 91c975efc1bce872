// User mode (docs/user-mode.md): the root tasks user/roottest-min and
// user/roottest, built by our compiler for ring 3, loaded from the first
// module as the root PD. roottest-min makes hypercall 0xf by SYSCALL, checks
// the §3 outputs (BAD_HYP, RCX, R11, preserved inputs), its §9.4 entry
// registers and the HIP, and ends with UD2 carrying its results in RDI/RSI:
// the kernel kills the EC, logs them, and finishes its boot. roottest uses
// ctrl_pd (§4.8) to copy the NOVA object space's space capabilities and
// COM1's ports into its own spaces, then checks create_sm/ctrl_sm (§4.7,
// §4.12), create_pd (§4.3), assign_int with PIT interrupts (§10.3) and
// ctrl_hw (§10.1), prints one `TEST <id> <name> PASS|FAIL` line per check
// from ring 3 (a FAIL with what it got and wanted) and a `TESTS:` summary, and
// ends with an OUT to a port it does not hold (#GP, the EC is killed). gcc and
// clang builds, with and without SMEP/SMAP, and Bochs. user/roottest-fail's
// cases fail on purpose: their lines and what the checks make of them.
// fault=sysret checks the SYSRET guard; modules that are not root images are
// rejected with a reason.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t, { type Test } from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { buildUser } from "../../build/user.ts";
import { makeIso } from "../../scripts/iso.ts";
import { bochs, expectSuccess } from "../lib/bochs.ts";
import { boot, expectBootOk } from "../lib/qemu.ts";
import { caseProblems, cases, checkCases } from "../lib/roottask.ts";

const hex = "0x[0-9a-f]+";

const gcc = await buildKernel({ progress: false });
const gccRoot = await buildUser("roottest-min", { progress: false });
const gccTest = await buildUser("roottest", { progress: false });
const clangOut = fs.mkdtempSync(path.join(os.tmpdir(), "kts-user-clang-"));
t.teardown(() => fs.rmSync(clangOut, { recursive: true, force: true }));
const clang = await buildKernel({ cc: "clang", outDir: clangOut, progress: false });
const clangRoot = await buildUser("roottest-min", {
  cc: "clang",
  outDir: clangOut,
  progress: false,
});
const clangTest = await buildUser("roottest", { cc: "clang", outDir: clangOut, progress: false });
const gccFail = await buildUser("roottest-fail", { progress: false });

/** The ROOT line about the root object space (§9.4) and the NOVA spaces (§9.3). */
const rootObjects =
  /^ROOT: object space: 0x3ffff NOVA object space perms 0x2, 0x3fffe root object space perms 0x3, 0x3fffd root PD perms 0x1f, 0x3fffc root EC perms 0xd, 0x3fffb root SC perms 0x1; PIO space empty$/m;
const novaObjects =
  /^NOVA: object space: 0x3fffe NOVA object space perms 0x2, 0x3fffc NOVA PIO space perms 0x2, 0x3fffa root object space perms 0x3, 0x3fff8 root PIO space perms 0x7$/m;
const novaHostMsr =
  /^NOVA: host and MSR spaces: 0x3fffd NOVA host space perms 0x2, 0x3fffb NOVA MSR space perms 0x2, 0x3fff9 root host space perms 0x3$/m;

/**
 * The root host space's capabilities at the end: its ELF pages (logged at
 * boot) plus `extra` (what the task's delegations left), all consistent with
 * the mapping database; the computed NOVA spaces store none.
 */
function checkRootHost(t: Test, console: string, extra: number): void {
  const elf = /^ROOT: host space: (\d+) pages of ELF segments as memory capabilities$/m.exec(
    console,
  );
  t.ok(elf, "root host space built from the ELF segments");
  const n = Number(elf?.[1] ?? 0) + extra;
  t.match(
    console,
    new RegExp(
      `^MDB: checked root host space ${n}, NOVA host space 0, NOVA MSR space 0 capabilities$`,
      "m",
    ),
    `root host space: ELF pages + ${extra}`,
  );
}

/**
 * roottest's console: every TEST line PASS, ids unique and ascending, the
 * summary n/n, and the #GP of its last OUT to port 0x80 (revoked) with
 * RDI = passed << 32 | total and RSI = the port. `cmdline` is the module command line the boot
 * loader was given for roottest, which roottest reads through RSI (user/roottest/bootinfo.ts).
 */
function checkRootTest(t: Test, console: string, cmdline: string): void {
  t.match(console, novaObjects, "NOVA object space capabilities (§9.3)");
  t.match(console, novaHostMsr, "NOVA host and MSR space capabilities (§9.3)");
  // hst.ts leaves two host capabilities (KEEP1 and its copy KEEP2): every other
  // delegation of the block was revoked, recursively across three host spaces.
  checkRootHost(t, console, 2);
  t.match(
    console,
    /^roottest: order-20 host delegation \d+ TSC ticks, its revocation \d+$/m,
    "2^20 pages from the NOVA host space and back",
  );
  t.match(
    console,
    /^NOVA: PIO space: \d+ ports with A; protected: PM1a control 0x[0-9a-f]+, .*SMI_CMD 0x[0-9a-f]+/m,
    "NOVA PIO space without the protected ports (§9.6)",
  );
  t.match(console, rootObjects, "root object space (§9.4)");
  t.match(console, /^roottest: COM1 delegated, writing from ring 3$/m, "ring 3 writes COM1");
  const read = /^roottest: module command line '(.*)'$/m.exec(console)?.[1];
  t.equal(read, cmdline, `roottest read its module command line [got ${JSON.stringify(read)}]`);
  // Ids are per-module blocks (user/roottest/test.ts): unique and ascending, not 1…n.
  checkCases(t, console, 110);
  const n = cases(console).length;
  const rdi = ((BigInt(n) << 32n) | BigInt(n)).toString(16);
  t.match(
    console,
    new RegExp(`^EC: root EC killed: #GP at ${hex} rdi 0x${rdi} rsi 0x80$`, "m"),
    "OUT to a port not in the root PIO space: #GP in ring 3, the EC is killed",
  );
  t.match(
    console,
    /^MDB: checked NOVA object space 217, NOVA PIO space \d+, root object space 36, root PIO space 8 capabilities$/m,
    "what the delegations left is consistent with the mapping database",
  );
  t.match(console, /^PIO: TSS I\/O bitmap: COM1 0x3f8 open, 0x80 closed$/m, "the TSS follows");
}

for (const [cc, elf, rootElf] of [
  ["gcc", gcc.elf, gccRoot],
  ["clang", clang.elf, clangRoot],
] as const) {
  for (const cpu of ["qemu64", "max"]) {
    t.test(`${cc}, -cpu ${cpu}: the root task's checks pass and its UD2 kills it`, async (t) => {
      const b = await boot(elf, ["-cpu", cpu, "-initrd", rootElf], 60_000);
      t.match(
        b.console,
        new RegExp(
          `^ROOT: image ${hex}-${hex} entry ${hex}, HIP 0x7ffffffff000 UTCB 0x7fffffffe000, tables ${hex}$`,
          "m",
        ),
        "root PD built from module 0",
      );
      t.match(b.console, rootObjects, "the root object space holds its capabilities");
      t.match(
        b.console,
        /^MDB: checked NOVA object space 217, NOVA PIO space \d+, root object space 5, root PIO space 0 capabilities$/m,
      );
      checkRootHost(t, b.console, 0);
      // RDI 0xff: all eight checks of roottest-min passed; RSI 0x4: hypercall 0xf gave BAD_HYP.
      t.match(
        b.console,
        new RegExp(`^EC: root EC killed: #UD at ${hex} rdi 0xff rsi 0x4$`, "m"),
        "the kill line carries the task's results",
      );
      const lines = b.console.split("\n");
      const kill = lines.findIndex((l) => l.startsWith("EC: root EC killed"));
      const done = lines.indexOf("Boot complete");
      t.ok(kill >= 0 && done > kill, "the kernel finishes its boot after the kill");
      expectBootOk(t, b);
    });
  }
}

for (const [cc, elf, testElf] of [
  ["gcc", gcc.elf, gccTest],
  ["clang", clang.elf, clangTest],
] as const) {
  for (const cpu of ["qemu64", "max"]) {
    t.test(
      `${cc}, -cpu ${cpu}: roottest's ctrl_pd, create_pd, create_sm and ctrl_sm checks pass, COM1 from ring 3`,
      async (t) => {
        // QEMU -kernel: the module's command line is the whole -initrd entry.
        const b = await boot(elf, ["-cpu", cpu, "-initrd", `${testElf} probe=1`], 60_000);
        checkRootTest(t, b.console, `${testElf} probe=1`);
        expectBootOk(t, b);
      },
    );
  }
}

t.test(
  "roottest-fail: a failing case prints what it got and wanted; the checks name it",
  async (t) => {
    const b = await boot(gcc.elf, ["-initrd", gccFail], 60_000);
    const fails = [
      // Recorded before COM1 was the task's, printed by consoleReady().
      "TEST 0 deliberate-early-value FAIL got 0x3 want 0x5",
      "TEST 10 deliberate-status FAIL got BAD_CAP want SUCCESS",
      "TEST 11 deliberate-second-part FAIL got 0x1 want >= 0x2 (part 2)",
    ];
    t.same(
      cases(b.console)
        .filter((c) => !c.pass && !c.skipped)
        .map((c) => c.line),
      fails,
      "the FAIL lines with got and want",
    );
    t.match(b.console, /^TEST 12 bad_cap-cap0-up PASS$/m, "a PASS line as ever");
    t.match(
      b.console,
      /^TEST 13 deliberate-not-applicable SKIP not applicable: deliberately$/m,
      "a case that does not apply: SKIP with the reason, whatever it got",
    );
    t.match(b.console, /^TESTS: 3\/6 passed$/m, "the summary counts the failures, not the SKIP");
    t.match(
      b.console,
      new RegExp(`^EC: root EC killed: #UD at ${hex} rdi 0x300000006 rsi `, "m"),
      "its UD2 carries passed << 32 | total",
    );
    // What checkCases reports for this console: its one assertion's message is this list (the
    // SKIP line is no problem).
    t.same(
      caseProblems(b.console, 6),
      [...fails, "summary 3/6 passed, not 6/6"],
      "checkCases names each FAIL line and the summary",
    );
    // The task failed, the kernel did not: its end is a good boot's.
    expectBootOk(t, b);
  },
);

t.test("fault=sysret: a non-canonical return RIP leaves by IRETQ and kills the EC", async (t) => {
  const b = await boot(gcc.elf, ["-initrd", gccRoot, "-append", "fault=sysret"], 60_000);
  t.match(
    b.console,
    /^FAULT: the first hypercall returns to a non-canonical RIP \(fault=sysret\)$/m,
  );
  // QEMU's TCG delivers this #GP in ring 3 (it does not check RIP on IRETQ); hardware, and
  // Bochs below, raise it at syscall.S user_iret in ring 0, which exceptions.ts makes the EC's.
  t.match(b.console, /^EC: root EC killed: #GP at 0x800000000000 rdi 0x4 rsi 0x1111$/m);
  t.match(b.console, /^SYSCALL: 1 returns by IRETQ \(non-canonical RIP\)$/m, "not SYSRET");
  // The kernel survived: a good boot's end.
  expectBootOk(t, b);
});

t.test(
  "Bochs (corei7_skylake_x, GRUB multiboot2): SYSRET, and the IRETQ #GP in ring 0",
  async (t) => {
    for (const cmdline of ["", "fault=sysret"]) {
      const iso = await makeIso({
        elf: gcc.elf,
        iso: path.join(clangOut, `root${cmdline ? "-sysret" : ""}.iso`),
        cmdline,
        modules: [{ file: gccRoot }],
      });
      const b = await bochs(iso);
      if (cmdline === "") {
        t.match(b.console, new RegExp(`^EC: root EC killed: #UD at ${hex} rdi 0xff rsi 0x4$`, "m"));
      } else {
        t.match(
          b.console,
          /^EC: #GP in ring 0 at the IRETQ to ring 3 \(syscall.S user_iret\), taken as the EC's$/m,
          "Bochs faults the IRETQ itself, in ring 0",
        );
        t.match(b.console, /^EC: root EC killed: #GP at 0x800000000000 rdi 0x4 rsi 0x1111$/m);
      }
      expectSuccess(t, b, cmdline || "no command line");
    }
  },
);

t.test("Bochs (corei7_skylake_x, GRUB multiboot2): roottest's checks pass", async (t) => {
  const iso = await makeIso({
    elf: gcc.elf,
    iso: path.join(clangOut, "roottest.iso"),
    cmdline: "",
    modules: [{ file: gccTest, args: "probe=1" }],
  });
  const b = await bochs(iso);
  // GRUB's multiboot2 module string is the text after the file name.
  checkRootTest(t, b.console, "probe=1");
  expectSuccess(t, b);
});

t.test("modules that are not root images are rejected and the kernel boots on", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-user-bad-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A root image with BSS: the last PT_LOAD's p_memsz grown past its p_filesz.
  const withBss = Buffer.from(fs.readFileSync(gccRoot));
  const phoff = Number(withBss.readBigUInt64LE(32));
  const phnum = withBss.readUInt16LE(56);
  let last = -1;
  for (let i = 0; i < phnum; i++) if (withBss.readUInt32LE(phoff + i * 56) === 1) last = i;
  const memsz = phoff + last * 56 + 40;
  withBss.writeBigUInt64LE(withBss.readBigUInt64LE(memsz) + 0x1000n, memsz);
  const bss = path.join(dir, "bss.elf");
  fs.writeFileSync(bss, withBss);
  const text = path.join(dir, "text.bin");
  fs.writeFileSync(text, "not an ELF file\n".repeat(16));
  for (const [file, reason] of [
    [bss, "PT_LOAD with p_filesz != p_memsz"],
    [text, "not ELF64 little-endian"],
    [gcc.elf, "PT_LOAD outside the user range"],
  ]) {
    const b = await boot(gcc.elf, ["-initrd", file], 60_000);
    t.match(b.console, new RegExp(`^ROOT: module 0 rejected: ${reason}$`, "m"), reason);
    t.notMatch(b.console, /^EC:/m, "no EC ran");
    expectBootOk(t, b, path.basename(file));
  }
});

t.test("without a module there is no root PD", async (t) => {
  const b = await boot(gcc.elf, [], 60_000);
  t.match(b.console, /^ROOT: no module, no root PD$/m);
  expectBootOk(t, b);
});
