// Building and running host programs for tests: the sanitizer flag set every
// host build uses, a child-process runner that keeps stdout and stderr apart,
// and a bounded job pool.

import { spawn } from "node:child_process";
import { requiredWarnings } from "../../build/config.ts";

/** Host C flags: the kernel's warning set, ASan + UBSan, findings fatal. */
export const hostCflags = [
  "-DKTS_HOST",
  "-std=c11",
  "-O1",
  "-g",
  "-fsanitize=address,undefined",
  "-fno-sanitize-recover=all",
  ...requiredWarnings,
];

export const hostCompilers = ["gcc", "clang"] as const;

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: opts.timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on("data", (b: Buffer) => out.push(b));
    p.stderr.on("data", (b: Buffer) => err.push(b));
    p.on("error", reject);
    p.on("close", (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/** Runs jobs at most `width` at a time, keeping their order in the result. */
export async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

/**
 * Compiles dialect files to C with ktsc, builds them for the host with `cc`
 * (hostCflags: ASan + UBSan) together with the runtime and a main() that calls
 * `<entry>_main()`, and runs the result. Throws with the diagnostics or the C
 * compiler's output when the program does not build.
 */
export async function hostProgram(
  files: string[],
  srcRoot: string,
  entry: string,
  cc: (typeof hostCompilers)[number] = "gcc",
): Promise<Ran> {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { compile, writeModules } = await import("../../compiler/index.ts");
  const { formatDiagnostic } = await import("../../compiler/diagnostics.ts");
  const repo = path.resolve(import.meta.dirname, "../..");
  const result = compile({ files, srcRoot, displayRoot: repo });
  if (result.internalError) throw new Error(`ktsc internal error: ${result.internalError.message}`);
  if (result.diagnostics.length)
    throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-host-"));
  try {
    writeModules(result.modules, dir);
    const main = path.join(dir, "kts_main.c");
    fs.writeFileSync(
      main,
      `#include "${entry}.h"\nint main(void)\n{\n    ${entry}_main();\n    return 0;\n}\n`,
    );
    const runtime = path.join(repo, "runtime-c");
    const exe = path.join(dir, "program");
    const sources = [...result.modules.map((m) => path.join(dir, `${m.name}.c`)), main];
    const built = await run(cc, [
      ...hostCflags,
      "-I",
      runtime,
      "-I",
      dir,
      ...sources,
      path.join(runtime, "log.c"),
      path.join(runtime, "host.c"),
      "-o",
      exe,
    ]);
    if (built.code !== 0) throw new Error(`${cc} failed:\n${built.stderr}`);
    // Objects from `new` are never freed in host programs: leaks are not findings.
    return await run(exe, [], {
      env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" },
      timeoutMs: 120_000,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
