// The command line of `npm run debug` and the gdb commands every debug
// session starts with (docs/debugging.md).

export const DEBUG_USAGE = `usage: npm run debug [-- [--O2] [qemu args...] [--gdb gdb args...]]

Builds the hypervisor (-Og, out/debug/hypervisor.elf) and its root task
(user/roottest; -initrd replaces it), starts QEMU stopped at the reset vector
with its gdb server on a private socket, and runs gdb attached to it with the
kernel's symbols. QEMU ends when gdb ends.

  --O2         debug the -O2 image the tests boot (out/hypervisor.elf)
  --gdb ...    every argument after it goes to gdb, after the session's own
               setup: e.g. --gdb -ex 'break kernel-ts/sm.ts:92' -ex continue,
               --gdb -x commands.gdb, --gdb --batch -ex ... (no prompt)
  --help       this text

Other arguments go to QEMU, as with npm run qemu (e.g. -smp 2, -m 512M).`;

export class DebugUsageError extends Error {}

export interface DebugArgs {
  help: boolean;
  /** The -O2 image instead of the -Og debug build. */
  o2: boolean;
  qemu: string[];
  gdb: string[];
}

export function parseDebugArgs(argv: readonly string[]): DebugArgs {
  const args: DebugArgs = { help: false, o2: false, qemu: [], gdb: [] };
  const split = argv.indexOf("--gdb");
  const own = split < 0 ? argv : argv.slice(0, split);
  if (split >= 0) args.gdb = argv.slice(split + 1);
  for (const a of own) {
    if (a === "--help") args.help = true;
    else if (a === "--O2") args.o2 = true;
    // QEMU's own options have one dash; a double-dash word here is a typo of ours.
    else if (a.startsWith("--")) throw new DebugUsageError(`debug: unknown option ${a}`);
    else args.qemu.push(a);
  }
  return args;
}

/** The gdb script every session runs first (gdb -x), before the user's commands. */
export function gdbSetup(elf: string, socket: string): string {
  return [
    "# Written by scripts/debug-session.ts for one `npm run debug` session.",
    "# QEMU's x86-64 gdb server sends 64-bit registers from the reset vector on, while the CPU",
    "# is still in real or 32-bit mode; gdb must read them as x86-64 before it connects.",
    "set architecture i386:x86-64",
    `file ${elf}`,
    `target remote ${socket}`,
    "# runtime-c/kts.h's checked operations are inlined into the TypeScript lines that",
    "# use them: step goes over them instead of into their C.",
    "skip -gfile */runtime-c/kts.h",
    "# A per-CPU variable's symbol is its template in .percpu; a CPU's own copy is at",
    "# the same offset from its GS base (kernel-ts/percpu.ts).",
    "define percpu",
    "  print *(typeof(&$arg0))((char *)&$arg0 + $gs_base)",
    "end",
    "document percpu",
    "percpu VAR: this CPU's copy of the per-CPU variable VAR (e.g. percpu percpu_cpuIndex).",
    "end",
    "",
  ].join("\n");
}
