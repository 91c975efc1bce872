// Boots an image under QEMU for a test: collects the serial console, the
// exit status, and on failure gives the last console lines to print.

import { execa } from "execa";
import { qemuArgs } from "../../scripts/qemu-args.ts";

export interface Boot {
  status: number | undefined;
  timedOut: boolean;
  console: string;
  /** QEMU's own messages (warnings, -trace output). */
  stderr: string;
  /** The last lines of the console, for failure messages. */
  tail: string;
}

export async function boot(
  image: string,
  extra: string[] = [],
  timeoutMs = 120_000,
  media: "kernel" | "cdrom" = "kernel",
): Promise<Boot> {
  const r = await execa("qemu-system-x86_64", qemuArgs(image, extra, media), {
    reject: false,
    timeout: timeoutMs,
    stdin: "ignore",
  });
  // The console is serial plus nothing else: QEMU's own warnings go to stderr.
  const text = r.stdout.replace(/\r/g, "");
  return {
    status: r.exitCode,
    timedOut: !!r.timedOut,
    console: text,
    stderr: r.stderr,
    tail: `--- last console lines ---\n${text.split("\n").slice(-20).join("\n")}\n--- qemu stderr ---\n${r.stderr.split("\n").slice(-10).join("\n")}`,
  };
}
