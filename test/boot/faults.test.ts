// Fault reports (docs/panic.md): each deliberate fault of the `fault=` command
// line option (kernel-ts/fault.ts) boots the real image on QEMU and must end
// in its report and the panic exit status, never in a silent reboot or a
// hang: QEMU runs with -no-reboot, so a triple fault would end QEMU with
// status 0 and no report. The reported TypeScript lines are checked against
// the source of kernel-ts/fault.ts, for gcc and for clang builds, and the walk
// once more in the -Og debug build.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t, { type Test } from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { boot, expectBootOk, expectPanicExit } from "../lib/qemu.ts";

const root = path.resolve(import.meta.dirname, "../..");
const faultSource = fs.readFileSync(path.join(root, "kernel-ts", "fault.ts"), "utf8").split("\n");
/** The 1-based line of kernel-ts/fault.ts that contains `text`. */
const lineOf = (text: string) => faultSource.findIndex((l) => l.includes(text)) + 1;

const gcc = await buildKernel({ progress: false });
const clangOut = fs.mkdtempSync(path.join(os.tmpdir(), "kts-faults-clang-"));
const clang = await buildKernel({ cc: "clang", outDir: clangOut, progress: false });
t.teardown(() => fs.rmSync(clangOut, { recursive: true, force: true }));
// The -Og build of `npm run debug` lays frames out differently (more of them keep RBP as a
// frame pointer, fewer calls are inlined): the walk follows its unwind table as well.
const debug = await buildKernel({ debug: true, progress: false });

const hex = "0x[0-9a-f]+";
const frame = (sym: string, file: string) =>
  new RegExp(`^STACK: #\\d+ ${hex} <${sym}\\+${hex}> kernel-ts/${file}:\\d+$`, "m");

const faultBoot = (elf: string, kind: string) => boot(elf, ["-append", `fault=${kind}`], 60_000);

/**
 * What every report has: one boot, the fault announced, the headline, one report, a walk to
 * init.running. Each test ends with expectPanicExit (QEMU's status, the kernel stopped).
 */
function common(
  t: Test,
  b: Awaited<ReturnType<typeof faultBoot>>,
  kind: string,
  headline: RegExp,
): void {
  t.equal(b.console.match(/^NOVA microhypervisor/gm)?.length, 1, "booted once: no reboot");
  t.match(b.console, new RegExp(`^FAULT: deliberate .*\\(fault=${kind}\\)$`, "m"), "announced");
  t.match(b.console, headline, "headline: what, where, the TypeScript line");
  t.equal(b.console.match(/^PANIC:/gm)?.length, 1, "one report");
  t.match(b.console, frame("init_running", "init.ts"), "the walk reaches init.running");
  t.match(b.console, /^STACK: end$/m, "the walk ends at the kernel stack's zero return address");
}

function registers(t: Test, console: string, vector: number, mnemonic: string): void {
  t.match(console, new RegExp(`^EXC: vector ${vector} ${mnemonic} error ${hex}$`, "m"));
  t.match(console, new RegExp(`^EXC: rip ${hex} rflags ${hex} cs 0x8 ss 0x10$`, "m"));
  for (const regs of [
    ["rax", "rbx", "rcx", "rdx"],
    ["rsi", "rdi", "rbp", "rsp"],
    ["r8", "r9", "r10", "r11"],
    ["r12", "r13", "r14", "r15"],
    ["cr0", "cr2", "cr3", "cr4"],
  ])
    t.match(console, new RegExp(`^EXC: ${regs.map((r) => `${r} ${hex}`).join(" ")}$`, "m"));
}

for (const [cc, build] of [
  ["gcc", gcc],
  ["clang", clang],
] as const) {
  t.test(`${cc}: fault=ud reports #UD at the UD2 in fault.ts`, async (t) => {
    const b = await faultBoot(build.elf, "ud");
    const line = lineOf("ud2();");
    common(
      t,
      b,
      "ud",
      new RegExp(
        `^PANIC: unexpected exception #UD \\(invalid opcode\\) at ${hex} <fault_\\w+\\+${hex}> kernel-ts/fault.ts:${line}$`,
        "m",
      ),
    );
    registers(t, b.console, 6, "#UD");
    t.match(
      b.console,
      new RegExp(`^STACK: #0 ${hex} <fault_\\w+\\+${hex}> kernel-ts/fault.ts:${line}$`, "m"),
    );
    expectPanicExit(t, b);
  });

  t.test(`${cc}: fault=pf reports #PF with CR2 and the decoded error code`, async (t) => {
    const b = await faultBoot(build.elf, "pf");
    common(
      t,
      b,
      "pf",
      new RegExp(
        `^PANIC: unexpected exception #PF \\(page fault\\) at ${hex} <fault_\\w+\\+${hex}> kernel-ts/fault.ts:${lineOf(".storeVolatile(0x5a5a)")}$`,
        "m",
      ),
    );
    registers(t, b.console, 14, "#PF");
    t.match(b.console, /^EXC: vector 14 #PF error 0x2$/m, "error code: not present, write, kernel");
    t.match(b.console, /^EXC: page fault at 0xbad0bad0000: not-present write kernel$/m);
    t.match(
      b.console,
      new RegExp(`^EXC: cr0 ${hex} cr2 0xbad0bad0000 cr3 ${hex} cr4 ${hex}$`, "m"),
    );
    expectPanicExit(t, b);
  });

  t.test(`${cc}: fault=df overflows the stack into #DF, reported on IST1`, async (t) => {
    const b = await faultBoot(build.elf, "df");
    common(
      t,
      b,
      "df",
      new RegExp(
        `^PANIC: unexpected exception #DF \\(double fault\\) at ${hex} <fault_overflow[\\w.]*\\+${hex}> kernel-ts/fault.ts:\\d+$`,
        "m",
      ),
    );
    registers(t, b.console, 8, "#DF");
    t.match(
      b.console,
      /^EXC: kernel stack overflow: rsp 0x[0-9a-f]+ cr2 0x[0-9a-f]+ in the guard page below the stack$/m,
    );
    t.match(b.console, /^EXC: reported on IST1, the #DF stack$/m, "on its own stack");
    t.match(b.console, /^STACK: the frame above repeats \d+ more times$/m, "the recursion folded");
    t.match(b.console, frame("fault_\\w+", "fault.ts"));
    expectPanicExit(t, b);
  });
}

t.test("fault=wp: a write to the read-only kernel text is a protection #PF", async (t) => {
  const b = await faultBoot(gcc.elf, "wp");
  common(
    t,
    b,
    "wp",
    new RegExp(
      `^PANIC: unexpected exception #PF \\(page fault\\) at ${hex} <fault_\\w+\\+${hex}> kernel-ts/fault.ts:\\d+$`,
      "m",
    ),
  );
  t.match(b.console, /^EXC: vector 14 #PF error 0x3$/m, "error code: present, write, kernel");
  t.match(b.console, /^EXC: page fault at 0xffffffff80401000: protection write kernel$/m);
  expectPanicExit(t, b);
});

t.test("fault=low: low memory is unmapped once the kernel's tables are live", async (t) => {
  const b = await faultBoot(gcc.elf, "low");
  common(
    t,
    b,
    "low",
    new RegExp(
      `^PANIC: unexpected exception #PF \\(page fault\\) at ${hex} <fault_\\w+\\+${hex}> kernel-ts/fault.ts:\\d+$`,
      "m",
    ),
  );
  t.match(b.console, /^EXC: page fault at 0x1000: not-present read kernel$/m);
  expectPanicExit(t, b);
});

t.test("fault=nmi is reported on the NMI's IST stack", async (t) => {
  const b = await faultBoot(gcc.elf, "nmi");
  common(
    t,
    b,
    "nmi",
    new RegExp(
      `^PANIC: unexpected interrupt NMI \\(non-maskable interrupt\\) at ${hex} <\\w+\\+${hex}> kernel-ts/\\w+.ts:\\d+$`,
      "m",
    ),
  );
  registers(t, b.console, 2, "NMI");
  t.match(b.console, /^EXC: reported on IST2, the NMI stack$/m);
  expectPanicExit(t, b);
});

t.test("fault=assert: the TypeScript file and line, then a stack walk", async (t) => {
  const b = await faultBoot(gcc.elf, "assert");
  const line = lineOf("assert(value === 0");
  common(
    t,
    b,
    "assert",
    new RegExp(
      `^PANIC: assertion failed: value === 0: deliberate failure \\(fault=assert\\), value 1 at kernel-ts/fault.ts:${line}$`,
      "m",
    ),
  );
  t.match(
    b.console,
    new RegExp(`^STACK: #\\d+ ${hex} <fault_\\w+\\+${hex}> kernel-ts/fault.ts:${line}$`, "m"),
    "the walk shows the assert's line",
  );
  expectPanicExit(t, b);
});

t.test("an unknown fault= value is ignored and the kernel boots", async (t) => {
  const b = await faultBoot(gcc.elf, "nonsense");
  t.match(b.console, /^FAULT: fault= takes ud, pf, df, wp, low, nmi, assert or sysret; ignored$/m);
  expectBootOk(t, b);
});

t.test("the -Og debug build: fault=df and fault=assert walk down to init.running", async (t) => {
  const df = await faultBoot(debug.elf, "df");
  common(
    t,
    df,
    "df",
    new RegExp(
      `^PANIC: unexpected exception #DF \\(double fault\\) at ${hex} <fault_overflow[\\w.]*\\+${hex}> kernel-ts/fault.ts:\\d+$`,
      "m",
    ),
  );
  t.match(df.console, /^STACK: the frame above repeats \d+ more times$/m, "the recursion folded");
  expectPanicExit(t, df);
  const line = lineOf("assert(value === 0");
  const as = await faultBoot(debug.elf, "assert");
  common(
    t,
    as,
    "assert",
    new RegExp(
      `^PANIC: assertion failed: value === 0: deliberate failure \\(fault=assert\\), value 1 at kernel-ts/fault.ts:${line}$`,
      "m",
    ),
  );
  t.match(
    as.console,
    new RegExp(`^STACK: #\\d+ ${hex} <fault_\\w+\\+${hex}> kernel-ts/fault.ts:${line}$`, "m"),
    "the walk shows the assert's line",
  );
  expectPanicExit(t, as);
});
