// The ACPI parsers (kernel-ts/acpi.ts and the table modules it imports) on
// the host under ASan+UBSan, with gcc and clang, driven by
// test/acpi/fuzz_harness.c:
//
// - QEMU's tables (test/fixtures/acpi/) and the seeds the harness derives
//   from them parse to exactly what test/acpi/show.expected says
//   (ACPI_FUZZ_UPDATE=1 rewrites it);
// - ACPI_FUZZ_ITERATIONS (default 500,000) mutated tables per compiler,
//   from seed 1 (gcc) and 2 (clang), make no sanitizer finding and no panic;
//   every parser accepts some and rejects some of them.
//
// A finding leaves its input in out/acpi-fuzz-crash-<cc>.bin; the same seed
// and count reproduce it (the generator is deterministic).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { formatDiagnostic } from "../../compiler/diagnostics.ts";
import { compile, writeModules } from "../../compiler/index.ts";
import { hostCflags, hostCompilers, run } from "../lib/host.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const fixtureDir = path.join(repo, "test/fixtures/acpi");
const harness = path.join(import.meta.dirname, "fuzz_harness.c");
const expectedFile = path.join(import.meta.dirname, "show.expected");
const iterations = Number(process.env.ACPI_FUZZ_ITERATIONS ?? 500_000);
const parsers = ["RSDP", "RSDT", "XSDT", "APIC", "FACP", "MCFG", "HPET", "DMAR", "IVRS"];

const fixtures = fs
  .readdirSync(fixtureDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    fs
      .readdirSync(path.join(fixtureDir, d.name))
      .filter((f) => f.endsWith(".bin"))
      .map((f) => path.join(fixtureDir, d.name, f)),
  )
  .sort();

const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-acpi-fuzz-"));
const env = {
  ...process.env,
  ASAN_OPTIONS: "detect_leaks=0:abort_on_error=0:exitcode=86",
  UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1:exitcode=87",
};

t.ok(fixtures.length >= 20, `${fixtures.length} fixture tables`);

const compiled = compile({
  files: [path.join(repo, "kernel-ts/acpi.ts")],
  srcRoot: path.join(repo, "kernel-ts"),
  displayRoot: repo,
});
t.equal(compiled.internalError?.message, undefined, "no internal compiler error");
t.same(compiled.diagnostics.map(formatDiagnostic), [], "ktsc accepts the parsers");
writeModules(compiled.modules, work);

for (const [i, cc] of hostCompilers.entries()) {
  t.test(cc, async (t) => {
    const exe = path.join(work, `fuzz-${cc}`);
    const built = await run(cc, [
      ...hostCflags,
      "-I",
      path.join(repo, "runtime-c"),
      "-I",
      work,
      ...compiled.modules.map((m) => path.join(work, `${m.name}.c`)),
      path.join(repo, "runtime-c/log.c"),
      harness,
      "-o",
      exe,
    ]);
    t.ok(built.code === 0 && built.stderr === "", `${cc} builds the harness without a warning`, {
      diagnostics: built.stderr.slice(0, 6000),
    });
    if (built.code !== 0) return;

    const show = await run(exe, ["show", ...fixtures], { env, timeoutMs: 60_000 });
    t.equal(show.stderr, "", "show: no sanitizer finding");
    t.equal(show.code, 0, "show: exit status");
    if (process.env.ACPI_FUZZ_UPDATE && i === 0) fs.writeFileSync(expectedFile, show.stdout);
    t.equal(show.stdout, fs.readFileSync(expectedFile, "utf8"), "show: the parsers' results");

    const crash = path.join(repo, "out", `acpi-fuzz-crash-${cc}.bin`);
    fs.mkdirSync(path.dirname(crash), { recursive: true });
    fs.rmSync(crash, { force: true });
    const seed = String(i + 1);
    const r = await run(exe, ["run", String(iterations), seed, crash, ...fixtures], {
      env,
      timeoutMs: 300_000,
    });
    t.equal(r.stderr, "", "no sanitizer finding, no panic", {
      replay: fs.existsSync(crash) ? `input kept at ${crash}` : undefined,
    });
    t.equal(r.code, 0, "exit status");
    const head = /^fuzz: (\d+) tables, (\d+) accepted, (\d+) rejected/m.exec(r.stdout);
    t.ok(head, "summary line");
    t.ok(Number(head?.[1]) >= 100_000 || iterations < 100_000, `${head?.[1]} mutated tables`);
    for (const p of parsers) {
      const m = new RegExp(`^parser ${p}: (\\d+) inputs, (\\d+) accepted$`, "m").exec(r.stdout);
      const inputs = Number(m?.[1]);
      const accepted = Number(m?.[2]);
      t.ok(accepted > 0 && accepted < inputs, `${p}: ${accepted} of ${inputs} accepted`);
    }
    const reasons = r.stdout.split("\n").filter((l) => l.startsWith("reason "));
    // Every rejection path of the parsers fires in a full run (91 at the default count).
    if (iterations >= 100_000)
      t.ok(reasons.length >= 85, `${reasons.length} distinct rejection reasons`);
    t.comment(r.stdout.split("\n")[0]);
  });
}

t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
