// The QEMU command line every runner and boot test shares, and the meaning
// of QEMU's exit status with the isa-debug-exit device.

/** What the kernel writes to the debug-exit port (kernel-ts/power.ts). */
export const EXIT_SUCCESS = 0x10;
export const EXIT_PANIC = 0x11;

/** How QEMU's console and exit are wired (qemuArgs). */
export interface Wiring {
  /**
   * The serial console into this file instead of QEMU's stdout. A pipe the reader empties late
   * keeps the UART's transmitter busy for the guest, whose polling then takes a number of
   * instructions the host decides: under -icount a run is only replayed exactly with a file.
   */
  consoleFile?: string;
  /** Without the exit device the kernel's exit halts its CPUs instead of ending QEMU
   * (docs/panic.md), so that the caller can still read the machine's memory (scripts/fuzz.ts). */
  exitDevice?: boolean;
}

/** `media`: boot `image` as a multiboot kernel (`-kernel`) or as a CD (`-cdrom`, a GRUB ISO). */
export function qemuArgs(
  image: string,
  extra: string[] = [],
  media: "kernel" | "cdrom" = "kernel",
  wiring: Wiring = {},
): string[] {
  const machine = extra.includes("-M") || extra.includes("-machine") ? [] : ["-M", "q35"];
  // TCG, multi-threaded where QEMU can; `-accel tcg,thread=single` in `extra` replaces it.
  const accel = extra.includes("-accel") ? [] : ["-accel", "tcg"];
  return [
    ...machine,
    ...accel,
    "-display",
    "none",
    "-serial",
    wiring.consoleFile === undefined ? "stdio" : `file:${wiring.consoleFile}`,
    "-no-reboot",
    ...(wiring.exitDevice === false ? [] : ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]),
    `-${media}`,
    image,
    ...extra,
  ];
}

/**
 * QEMU exits with (V << 1) | 1 when the kernel writes V to the debug-exit
 * port; 1 alone is QEMU's own failure (bad option, refused image).
 */
export function qemuStatus(code: number): { ok: boolean; code: number; reason: string } {
  if (code === (EXIT_SUCCESS << 1) + 1)
    return { ok: true, code: 0, reason: "kernel reported success" };
  if (code === (EXIT_PANIC << 1) + 1) return { ok: false, code: 3, reason: "kernel panicked" };
  if (code === 1) return { ok: false, code: 1, reason: "QEMU failed (see its message above)" };
  if (code === 0) return { ok: false, code: 2, reason: "the machine powered off without a status" };
  return { ok: false, code: 2, reason: `unexpected exit status ${code}` };
}
