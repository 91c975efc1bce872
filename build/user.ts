// Builds a user program (a root task) from user/<name>/: ktsc -> C with the
// kernel's flags except the code model (-mcmodel=small: linked at 0x400000,
// not in the top 2 GiB), assembly, link with user/linker.ld ->
// out/user/<name>.elf, an ELF64 ET_EXEC that NOVA maps in place (§9.4).

import * as fs from "node:fs";
import * as path from "node:path";
import { execa } from "execa";
import { compile, writeModules } from "../compiler/index.ts";
import { formatDiagnostic } from "../compiler/diagnostics.ts";
import { type Toolchain, toolchain } from "./config.ts";
import { BuildError, compileObjects, Progress } from "./kernel.ts";
import { withBuildLock } from "./lock.ts";
import { buildTools, requireTools } from "./tools.ts";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/** The user programs `npm run build` builds: the folders of user/ with a tsconfig.json. */
export const USER_PROGRAMS = [
  "roottest-min",
  "roottest",
  "roottest-bench",
  "roottest-stress",
  "roottest-smpstress",
  "fuzz",
  "roottest-power",
  "roottest-iommu",
  "roottest-fail",
  "vmmtest",
];

export interface UserBuildOptions {
  cc?: "gcc" | "clang";
  outDir?: string;
  progress?: boolean;
}

/** The kernel's toolchain with the user code model. */
export function userToolchain(cc: "gcc" | "clang", outDir?: string): Toolchain {
  const tc = toolchain(cc, outDir);
  return {
    ...tc,
    cflags: tc.cflags.map((f) => (f === "-mcmodel=kernel" ? "-mcmodel=small" : f)),
  };
}

/** Builds user/<name>/ into <outDir>/user/<name>.elf and returns its path. */
export async function buildUser(name: string, opts: UserBuildOptions = {}): Promise<string> {
  const tc = userToolchain(opts.cc ?? "gcc", opts.outDir);
  const elf = path.resolve(root, tc.outDir, "user", `${name}.elf`);
  return withBuildLock(elf, () => build(name, tc, elf, opts));
}

/** buildUser, holding the lock of the program's output. */
async function build(
  name: string,
  tc: Toolchain,
  elf: string,
  opts: UserBuildOptions,
): Promise<string> {
  const progress = new Progress(opts.progress ?? !!process.stderr.isTTY);
  requireTools(buildTools(tc.cc));
  const src = path.join(root, "user", name);
  const out = path.resolve(root, tc.outDir, "user", name);
  const cDir = path.join(out, "c");
  const objDir = path.join(out, "obj");
  fs.mkdirSync(objDir, { recursive: true });
  progress.step(`ktsc user/${name}`);
  // Module names relative to user/: `roottest/main.ts` is `roottest_main`, the shared library
  // user/nova/*.ts `nova_*`, the interface abi/*.ts (outside user/) `abi_*` (docs/user-mode.md).
  const result = compile({
    project: src,
    srcRoot: path.join(root, "user"),
    displayRoot: root,
    cacheDir: path.join(out, "cache"),
  });
  if (result.internalError)
    throw new BuildError(`ktsc: internal compiler error: ${result.internalError.message}`);
  if (result.diagnostics.length)
    throw new BuildError(result.diagnostics.map(formatDiagnostic).join("\n"));
  writeModules(result.modules, cDir);
  const live = new Set(result.modules.flatMap((m) => [`${m.name}.c`, `${m.name}.h`]));
  for (const f of fs.readdirSync(cDir)) if (!live.has(f)) fs.rmSync(path.join(cDir, f));
  // One object per module, not the kernel's one unit (build/kernel.ts oneUnit): a hypercall
  // wrapper of user/nova must stay a call into another translation unit (runtime-c/kts.h).
  const sources = [
    ...result.modules.map((m) => path.join(cDir, `${m.name}.c`)),
    path.join(root, "runtime-c", "user.c"),
    // The program's assembly and the library's (user/nova/*.S: entry stubs any program may use).
    ...[src, path.join(root, "user", "nova")].flatMap((dir) =>
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".S"))
        .sort()
        .map((f) => path.join(dir, f)),
    ),
  ];
  const { objects } = await compileObjects(
    tc,
    sources,
    [path.join(root, "runtime-c"), cDir, path.join(root, "user")],
    objDir,
    progress,
    (s) => (s.startsWith(cDir) ? "kts_" : ""),
  );
  progress.step(`ld ${path.relative(root, elf)}`);
  const r = await execa(
    tc.ld,
    [...tc.ldflags, "-T", path.join(root, "user", "linker.ld"), "-o", elf, ...objects],
    { reject: false, all: true },
  );
  progress.done();
  if (r.exitCode !== 0) throw new BuildError(`ld failed:\n${r.all}`);
  return elf;
}
