// Host tools: one list of everything the build, the emulators and the tests
// run, each with the Debian packages that provide it, and the sets each
// command needs. An entry point (`npm run build|qemu|iso|bench|debug`, and
// test/before.ts for `npm test`) calls `ensureTools` once for its set: as root
// it installs what is missing in one apt-get run; otherwise it stops with the
// one exact install line. Library code (the build, the emulator runners) only
// calls `requireTools`, which never installs: two test files installing at
// once is how a first `npm test` used to break.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

interface Tool {
  /** Debian packages that provide it (the first one apt knows of each `a|b` choice). */
  packages: string[];
  /** Whether it is usable on this machine now. */
  present(): boolean;
  /** What is wrong when it is not, for the error message. */
  wants: string;
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && isExecutable(path.join(dir, cmd)));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const command = (cmd: string, ...packages: string[]): Tool => ({
  packages,
  present: () => onPath(cmd),
  wants: `command ${cmd}`,
});

const file = (p: string, ...packages: string[]): Tool => ({
  packages,
  present: () => fs.existsSync(p),
  wants: p,
});

/**
 * The host tests build with -fsanitize=address,undefined (test/lib/host.ts): the
 * compiler alone is not enough, its sanitizer runtimes must link. Debian ships
 * clang's in a package of their own (libclang-rt-<n>-dev, pulled in by
 * libclang-rt-dev); gcc's come with gcc. Linking a one-line program is the
 * only check that cannot be fooled by a runtime in an unexpected directory.
 */
const sanitizers = (cc: string, ...packages: string[]): Tool => ({
  packages: [cc, ...packages],
  present: () => {
    if (!onPath(cc)) return false;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-tools-"));
    try {
      const src = path.join(dir, "t.c");
      fs.writeFileSync(src, "int main(void) { return 0; }\n");
      const out = path.join(dir, "t");
      const r = spawnSync(cc, ["-fsanitize=address,undefined", src, "-o", out], {
        stdio: "ignore",
      });
      return r.status === 0;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  wants: `${cc} -fsanitize=address,undefined to link`,
});

/** Every host tool of the project, by the name the sets below use. */
export const tools = {
  gcc: command("gcc", "gcc"),
  clang: command("clang", "clang"),
  cpp: command("cpp", "cpp"),
  ld: command("ld", "binutils"),
  nm: command("nm", "binutils"),
  objdump: command("objdump", "binutils"),
  addr2line: command("addr2line", "binutils"),
  readelf: command("readelf", "binutils"),
  "gcc-sanitizers": sanitizers("gcc"),
  "clang-sanitizers": sanitizers("clang", "libclang-rt-dev|libclang-common-dev"),
  qemu: command("qemu-system-x86_64", "qemu-system-x86"),
  "grub-mkrescue": command("grub-mkrescue", "grub-common"),
  // Without GRUB's BIOS platform files grub-mkrescue still succeeds, with an ISO that no BIOS boots.
  "grub-pc": file("/usr/lib/grub/i386-pc/kernel.img", "grub-pc-bin"),
  xorriso: command("xorriso", "xorriso"),
  mformat: command("mformat", "mtools"),
  bochs: command("bochs", "bochs"),
  "bochs-bios": file("/usr/share/bochs/BIOS-bochs-latest", "bochsbios"),
  vgabios: file("/usr/share/vgabios/vgabios.bin", "vgabios"),
  gdb: command("gdb", "gdb"),
} satisfies Record<string, Tool>;

export type ToolName = keyof typeof tools;

const build: ToolName[] = ["gcc", "cpp", "ld", "nm", "objdump", "addr2line", "readelf"];

/** What each command needs. */
export const toolSets = {
  build,
  qemu: [...build, "qemu"],
  iso: [...build, "grub-mkrescue", "grub-pc", "xorriso", "mformat"],
  bochs: ["bochs", "bochs-bios", "vgabios"],
  debug: [...build, "qemu", "gdb"],
  bench: [...build, "qemu", "gdb"],
  /** `npm test`: everything. */
  test: Object.keys(tools) as ToolName[],
} satisfies Record<string, ToolName[]>;

/** What a build with `cc` runs: the build set, and clang when it compiles. */
export function buildTools(cc: "gcc" | "clang"): ToolName[] {
  return cc === "clang" ? [...build, "clang"] : build;
}

export class MissingTools extends Error {}

const known = new Set<ToolName>();

function missingOf(names: readonly ToolName[]): ToolName[] {
  const missing = [...new Set(names)].filter((n) => !known.has(n) && !tools[n].present());
  for (const n of names) if (!missing.includes(n)) known.add(n);
  return missing;
}

function describe(missing: readonly ToolName[]): string {
  return missing.map((n) => `${n} (${tools[n].wants})`).join(", ");
}

function installLine(missing: readonly ToolName[]): string {
  const pkgs = [...new Set(missing.flatMap((n) => tools[n].packages.map((c) => c.split("|")[0])))];
  return `sudo apt-get install -y ${pkgs.sort().join(" ")}`;
}

/** Throws `MissingTools` naming the install line if any of `names` is missing; never installs. */
export function requireTools(names: readonly ToolName[]): void {
  const missing = missingOf(names);
  if (missing.length) throw notInstalled(missing);
}

function notInstalled(missing: readonly ToolName[]): MissingTools {
  return new MissingTools(
    `missing host tools: ${describe(missing)}\nInstall them with:\n  ${installLine(missing)}`,
  );
}

/** apt-get with its output on stderr (stdout may be a TAP stream) and no questions asked. */
function apt(args: string[]): boolean {
  const r = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=600", ...args], {
    stdio: ["ignore", 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return r.status === 0;
}

/** Whether apt has an install candidate for `pkg` (none before the first `apt-get update`). */
function aptKnows(pkg: string): boolean {
  const r = spawnSync("apt-cache", ["policy", pkg], { stdio: ["ignore", "pipe", "ignore"] });
  const candidate = /Candidate: (\S+)/.exec(String(r.stdout))?.[1];
  return candidate !== undefined && candidate !== "(none)";
}

/** `ensureTools` for an entry point: a tool that cannot be had ends the process with its message. */
export function ensureToolsOrExit(names: readonly ToolName[]): void {
  try {
    ensureTools(names);
  } catch (e) {
    if (!(e instanceof MissingTools)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}

/**
 * Checks `names`; as root installs the missing ones with one apt-get run (after
 * `apt-get update` when apt does not know a package, or when the install fails
 * on stale lists), otherwise throws `MissingTools` with the install line.
 */
export function ensureTools(names: readonly ToolName[]): void {
  const missing = missingOf(names);
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw notInstalled(missing);
  const choices = [...new Set(missing.flatMap((n) => tools[n].packages))];
  const updated = !choices.every((c) => c.split("|").some(aptKnows)) && apt(["update"]);
  const pkgs = choices.map((c) => c.split("|").find(aptKnows) ?? c.split("|")[0]).sort();
  process.stderr.write(`installing host tools: ${pkgs.join(" ")}\n`);
  const install = ["install", "-y", "--no-install-recommends", ...pkgs];
  if (!apt(install) && (updated || !apt(["update"]) || !apt(install)))
    throw new MissingTools(`apt-get could not install: ${pkgs.join(" ")}`);
  const still = missingOf(missing);
  if (still.length)
    throw new MissingTools(`still missing after apt-get install: ${describe(still)}`);
}
