// `npm run iso`: a GRUB rescue ISO (out/hypervisor.iso) with the hypervisor
// and its modules, whose menu boots at once with the console on serial.
//
//   npm run iso [-- --multiboot 1] [-- --module path [args]]...
//
// The default entry uses multiboot2; `--multiboot 1` makes the multiboot v1
// entry the default (the tests boot both).

import * as fs from "node:fs";
import * as path from "node:path";
import { execa } from "execa";
import { BuildError, buildKernel } from "../build/kernel.ts";
import { ensureTools, MissingTools, requireTools, toolSets } from "../build/tools.ts";

export interface IsoOptions {
  elf: string;
  iso: string;
  /** 2 (default) or 1: which menu entry boots. */
  multiboot?: 1 | 2;
  cmdline?: string;
  modules?: { file: string; args?: string }[];
}

export function grubConfig(opts: IsoOptions): string {
  const mods = opts.modules ?? [];
  const cmd = opts.cmdline ? ` ${opts.cmdline}` : "";
  const entry = (mb: "multiboot" | "multiboot2") => {
    const mod = mb === "multiboot" ? "module" : "module2";
    const lines = [`menuentry "NOVA (${mb})" {`, `  ${mb} /boot/hypervisor.elf${cmd}`];
    mods.forEach((m, i) =>
      lines.push(`  ${mod} /boot/mod${i}-${path.basename(m.file)}${m.args ? ` ${m.args}` : ""}`),
    );
    lines.push("  boot", "}");
    return lines.join("\n");
  };
  return [
    "set timeout=0",
    `set default=${opts.multiboot === 1 ? 1 : 0}`,
    "serial --unit=0 --speed=115200",
    "terminal_input serial console",
    "terminal_output serial console",
    entry("multiboot2"),
    entry("multiboot"),
    "",
  ].join("\n");
}

export async function makeIso(opts: IsoOptions): Promise<string> {
  requireTools(toolSets.iso);
  const tree = `${opts.iso}.tree`;
  fs.rmSync(tree, { recursive: true, force: true });
  fs.mkdirSync(path.join(tree, "boot", "grub"), { recursive: true });
  fs.copyFileSync(opts.elf, path.join(tree, "boot", "hypervisor.elf"));
  (opts.modules ?? []).forEach((m, i) =>
    fs.copyFileSync(m.file, path.join(tree, "boot", `mod${i}-${path.basename(m.file)}`)),
  );
  fs.writeFileSync(path.join(tree, "boot", "grub", "grub.cfg"), grubConfig(opts));
  const r = await execa("grub-mkrescue", ["-o", opts.iso, tree], { reject: false, all: true });
  if (r.exitCode !== 0) throw new BuildError(`grub-mkrescue failed:\n${r.all}`);
  return opts.iso;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const modules: { file: string; args?: string }[] = [];
  let multiboot: 1 | 2 = 2;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--multiboot") multiboot = args[++i] === "1" ? 1 : 2;
    else if (args[i] === "--module") {
      const [file, ...rest] = args[++i].split(" ");
      modules.push({ file, args: rest.join(" ") || undefined });
    }
  }
  try {
    ensureTools(toolSets.iso);
    const r = await buildKernel();
    const iso = await makeIso({
      elf: r.elf,
      iso: path.join(path.dirname(r.elf), "hypervisor.iso"),
      multiboot,
      modules,
    });
    process.stdout.write(`built ${path.relative(process.cwd(), iso)}\n`);
  } catch (e) {
    if (e instanceof BuildError || e instanceof MissingTools) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
