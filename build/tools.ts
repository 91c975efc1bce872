// Host tools the build and the tests need. Missing ones are installed with
// apt-get when running as root; otherwise the exact install line is printed.

import { execaSync } from "execa";

/** Command -> the Debian package that provides it. */
export const hostTools: Record<string, string> = {
  gcc: "gcc",
  clang: "clang",
  ld: "binutils",
  objcopy: "binutils",
  nm: "binutils",
  objdump: "binutils",
  addr2line: "binutils",
  cpp: "cpp",
  "qemu-system-x86_64": "qemu-system-x86",
  "grub-mkrescue": "grub-common grub-pc-bin",
  xorriso: "xorriso",
  mformat: "mtools",
  bochs: "bochs bochsbios vgabios",
};

function present(cmd: string): boolean {
  try {
    execaSync("sh", ["-c", `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

export class MissingTools extends Error {}

/** Ensures every command exists; installs (as root) or throws with the install line. */
export function ensureTools(cmds: string[] = Object.keys(hostTools)): void {
  const missing = cmds.filter((c) => !present(c));
  if (!missing.length) return;
  const pkgs = [...new Set(missing.flatMap((c) => (hostTools[c] ?? c).split(" ")))].sort();
  const line = `sudo apt-get install -y ${pkgs.join(" ")}`;
  if (process.getuid?.() !== 0) {
    throw new MissingTools(
      `missing host tools: ${missing.join(", ")}\nInstall them with:\n  ${line}`,
    );
  }
  process.stderr.write(`installing host tools: ${pkgs.join(" ")}\n`);
  execaSync("apt-get", ["update"], { stdio: "inherit" });
  execaSync("apt-get", ["install", "-y", "--no-install-recommends", ...pkgs], {
    stdio: "inherit",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  });
  const still = cmds.filter((c) => !present(c));
  if (still.length) throw new MissingTools(`still missing after apt-get: ${still.join(", ")}`);
}
