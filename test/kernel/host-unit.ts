// Host unit tests of kernel data structures: a dialect harness program in
// test/kernel/dialect/ (with the kernel modules it imports) is compiled by
// ktsc, built with gcc and with clang under ASan+UBSan together with the host
// runtime (runtime-c/log.c, host.c) and a C main() that calls the harness's
// `main(mode)` with the mode from argv[1]; then run once per mode.
// KTS_UNIT_KEEP=1 keeps the work directory.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Test } from "tap";
import { formatDiagnostic } from "../../compiler/diagnostics.ts";
import { compile, writeModules } from "../../compiler/index.ts";
import { hostCflags, hostCompilers, type Ran, run } from "../lib/host.ts";

export const root = path.resolve(import.meta.dirname, "../..");
const runtime = path.join(root, "runtime-c");

const runEnv = {
  ...process.env,
  ASAN_OPTIONS: "detect_leaks=0:abort_on_error=0:exitcode=86",
  UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1:exitcode=87",
};

export interface UnitBuild {
  /** ktsc's diagnostics (formatted) or internal error; empty when it compiled. */
  errors: string[];
  /** One per host compiler: the build's status and warnings, and the program. */
  builds: { cc: string; code: number | null; stderr: string; exe: string }[];
  work: string;
}

/** Compiles test/kernel/dialect/<harness>.ts and builds it with every host compiler. */
export async function buildUnit(harness: string): Promise<UnitBuild> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `kts-unit-${harness}-`));
  const file = path.join(root, "test", "kernel", "dialect", `${harness}.ts`);
  const compiled = compile({ files: [file], srcRoot: root, displayRoot: root });
  const errors = compiled.internalError
    ? [compiled.internalError.message]
    : compiled.diagnostics.map(formatDiagnostic);
  if (errors.length) return { errors, builds: [], work };
  writeModules(compiled.modules, work);
  const entry = compiled.modules.find((m) => m.rel === `test/kernel/dialect/${harness}.ts`)!.name;
  const main = path.join(work, "kts_unit_main.c");
  fs.writeFileSync(
    main,
    `#include <stdlib.h>\n#include "${entry}.h"\n\nint main(int argc, char **argv)\n{\n` +
      `    ${entry}_main(argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0u);\n    return 0;\n}\n`,
  );
  const sources = [
    ...compiled.modules.map((m) => path.join(work, `${m.name}.c`)),
    main,
    path.join(runtime, "log.c"),
    path.join(runtime, "host.c"),
  ];
  const builds = await Promise.all(
    hostCompilers.map(async (cc) => {
      const exe = path.join(work, `${harness}-${cc}`);
      const r = await run(cc, ["-I", runtime, "-I", work, ...hostCflags, ...sources, "-o", exe]);
      return { cc, code: r.code, stderr: r.stderr, exe };
    }),
  );
  return { errors, builds, work };
}

export function runUnit(exe: string, mode: number): Promise<Ran> {
  return run(exe, [String(mode)], { env: runEnv, timeoutMs: 60_000 });
}

/**
 * Builds a harness and, for each host compiler that built it without a
 * warning, calls `check` with the executable (tap assertions inside).
 */
export async function forEachBuild(
  t: Test,
  harness: string,
  what: string,
  check: (cc: string, exe: string) => Promise<void>,
): Promise<void> {
  const u = await buildUnit(harness);
  t.teardown(() => cleanUp(u.work));
  t.same(u.errors, [], `ktsc compiles the harness and ${what}`);
  for (const b of u.builds) {
    t.ok(b.code === 0 && b.stderr === "", `${b.cc} builds it without a warning`, {
      diagnostics: b.stderr.slice(0, 6000),
    });
    if (b.code === 0) await check(b.cc, b.exe);
  }
}

/**
 * Runs each misuse mode of a harness: it must stop with the runtime's
 * `PANIC: ... at kernel-ts/<file>.ts:<line>` line carrying `message`, exit 1,
 * and leave stderr empty (no sanitizer finding on the way).
 */
export async function expectPanics(
  t: Test,
  cc: string,
  exe: string,
  cases: readonly (readonly [number, string, string, RegExp])[],
): Promise<void> {
  for (const [mode, what, file, message] of cases) {
    const p = await runUnit(exe, mode);
    t.equal(p.code, 1, `${cc}: ${what} stops with a panic`);
    t.match(
      p.stdout,
      new RegExp(`^PANIC: .* at kernel-ts/${file}\\.ts:\\d+$`, "m"),
      `${cc}: ${what}: PANIC line`,
    );
    t.match(p.stdout, message, `${cc}: ${what}: message`);
    t.equal(p.stderr, "", `${cc}: ${what}: nothing on stderr`);
  }
}

export function cleanUp(work: string): void {
  if (!process.env.KTS_UNIT_KEEP) fs.rmSync(work, { recursive: true, force: true });
}
