// Boots a GRUB ISO headless under Bochs (../shared/docs/test-platforms.md §4):
// RFB display without waiting for a client, the built-in debugger driven by
// an rc file, COM1 into a file. Exit status 0 = the kernel's magic breakpoint
// (success), 1 = Bochs panic (the kernel's shutdown-port failure, or a triple
// fault with reset_on_triple_fault=0), 124 = timeout.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { ensureTools } from "../../build/tools.ts";

export interface BochsBoot {
  status: number | undefined;
  timedOut: boolean;
  /** The serial console with GRUB's terminal escape sequences removed. */
  console: string;
  tail: string;
}

export function stripEscapes(s: string): string {
  return s
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
    .replace(/\x1b[()][A-Z0-9]/g, "")
    .replace(/\r/g, "");
}

export async function bochs(
  iso: string,
  opts: { cpus?: number; model?: string; megs?: number; timeoutMs?: number } = {},
): Promise<BochsBoot> {
  ensureTools(["bochs"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-bochs-"));
  const serial = path.join(dir, "serial.txt");
  fs.writeFileSync(
    path.join(dir, "bochsrc"),
    [
      `megs: ${opts.megs ?? 256}`,
      `cpu: model=${opts.model ?? "corei7_skylake_x"}, count=${opts.cpus ?? 1}, ips=20000000, reset_on_triple_fault=0, ignore_bad_msrs=0`,
      "romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot",
      "vgaromimage: file=/usr/share/vgabios/vgabios.bin",
      `ata0-master: type=cdrom, path=${iso}, status=inserted`,
      "boot: cdrom",
      'display_library: rfb, options="timeout=0"',
      `log: ${path.join(dir, "bochs.log")}`,
      `com1: enabled=1, mode=file, dev=${serial}`,
      "port_e9_hack: enabled=0",
      "magic_break: enabled=1",
      "clock: sync=none, time0=1",
      "speaker: enabled=0",
      "mouse: enabled=0",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(dir, "dbg.rc"), "continue\nquit\n");
  const r = await execa("bochs", ["-q", "-f", "bochsrc", "-rc", "dbg.rc"], {
    cwd: dir,
    reject: false,
    timeout: opts.timeoutMs ?? 180_000,
    stdin: "ignore",
  });
  const text = fs.existsSync(serial) ? stripEscapes(fs.readFileSync(serial, "latin1")) : "";
  const log = fs.existsSync(path.join(dir, "bochs.log"))
    ? fs.readFileSync(path.join(dir, "bochs.log"), "latin1")
    : "";
  const result: BochsBoot = {
    status: r.exitCode,
    timedOut: !!r.timedOut,
    console: text,
    tail:
      `--- last console lines ---\n${text.split("\n").slice(-20).join("\n")}\n` +
      `--- bochs log ---\n${log.split("\n").slice(-15).join("\n")}`,
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}
