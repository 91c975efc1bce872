// Instruction lengths for SVM exits without NRIPS (kernel-ts/insn_length.ts)
// on the host under ASan+UBSan, with gcc and clang:
// test/kernel/dialect/insn_main.ts builds a guest space with real guest page
// tables for every paging mode (none, 32-bit with 4 MiB and PSE-36 pages,
// PAE with 2 MiB pages, 4- and 5-level with 2 MiB and 1 GiB pages) and checks
// the exact length of every instruction kind an exit code names, in 16-, 32-
// and 64-bit code: prefixes, REX, ModRM/SIB/displacement forms, 0x67,
// instructions across a page boundary, on a page not in the guest space, not
// mapped by the guest, or not readable, the wrong instruction for the exit
// code, the 15-byte limit, exit codes without an instruction; then random
// bytes in every mode and random page tables (no fault, never above 15); the
// SVM event numbers; all memory back.

import t from "tap";
import { forEachBuild, runUnit } from "./host-unit.ts";

const modes = [
  "real mode",
  "16-bit protected mode without paging",
  "32-bit protected mode without paging",
  "virtual-8086 mode",
  "32-bit paging",
  "16-bit code with 32-bit paging",
  "PAE paging",
  "4-level paging, 64-bit code",
  "4-level compatibility mode",
  "5-level paging, 64-bit code",
  "5-level compatibility mode",
];

t.test("instruction lengths", async (t) => {
  await forEachBuild(t, "insn_main", "kernel-ts/insn_length.ts", async (cc, exe) => {
    const r = await runUnit(exe, 0);
    t.equal(r.code, 0, `${cc}: test exits 0`);
    t.equal(r.stderr, "", `${cc}: nothing on stderr (sanitizers)`);
    const failures = r.stdout.split("\n").filter((l) => l.startsWith("insn: FAIL"));
    t.same(failures, [], `${cc}: no case got a length other than the one wanted`);
    t.match(
      r.stdout,
      /^insn: events: exit codes 0x00-0xff as themselves, NPF 0xfc/m,
      `${cc}: events`,
    );
    for (const m of modes) {
      const line = new RegExp(`^insn: ${m}: (\\d+) cases passed$`, "m").exec(r.stdout);
      t.ok(line && Number(line[1]) >= 100, `${cc}: ${m}: every case passed`);
    }
    const total = /^insn: (\d+) of (\d+) cases passed, 0 failed$/m.exec(r.stdout);
    t.ok(total && Number(total[2]) >= 1100, `${cc}: ≥ 1,100 cases, none failed`);
    t.match(
      r.stdout,
      /^insn: random bytes \(5000 per mode\) and 3000 random page tables: no fault, no length above 15/m,
      `${cc}: random input`,
    );
    t.match(r.stdout, /^insn: guest space, tables and frames given back$/m, `${cc}: memory back`);
    if (!t.passing()) t.comment(r.stdout);
  });
});
