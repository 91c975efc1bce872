// Checks shared by the SMP boot tests (smp.test.ts, smp-bochs.test.ts).

import type { Test } from "tap";
import { checkCases } from "./roottask.ts";

/**
 * Checks that exactly the CPUs 1…cpus-1 came online, each with its own APIC
 * id, none of them the boot CPU's, and that the summary says `cpus of
 * enabled` in `mode`. The end of the boot is the callers' expectBootOk
 * (qemu.ts) or expectSuccess (bochs.ts).
 */
export function checkOnline(
  t: Test,
  console: string,
  cpus: number,
  enabled: number,
  mode: string,
): void {
  const bsp = /^LAPIC: \S+ mode, id (\d+) /m.exec(console);
  t.ok(bsp, "the LAPIC line names the boot CPU's APIC id");
  const lines = [...console.matchAll(/^SMP: CPU (\d+) APIC id (\d+) online$/gm)];
  t.same(
    lines.map((m) => Number(m[1])),
    Array.from({ length: cpus - 1 }, (_, i) => i + 1),
    `CPUs 1…${cpus - 1} online, in order`,
  );
  // The numbers in those lines are what each AP read through its own GS (percpu.ts).
  t.notMatch(console, /did not reach its own per-CPU data through GS/, "each CPU has its own copy");
  const ids = new Set(lines.map((m) => Number(m[2])));
  if (bsp) ids.add(Number(bsp[1]));
  t.equal(ids.size, cpus, "every online CPU has its own APIC id");
  t.match(
    console,
    new RegExp(`^SMP: ${cpus} of ${enabled} CPUs online \\(${mode}\\)$`, "m"),
    "the summary line",
  );
}

/** roottest's TEST lines all PASS and its summary counts them (roottask.ts checkCases). */
export function checkRootTest(t: Test, console: string): void {
  checkCases(t, console, 100);
}
