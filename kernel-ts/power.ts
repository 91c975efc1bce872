// Leaving the machine: QEMU's isa-debug-exit device, then halting for good.

/** QEMU `-device isa-debug-exit,iobase=0xf4,iosize=0x04`. */
const DEBUG_EXIT_PORT: u16 = 0xf4;

/** Written for success: QEMU exits with (0x10 << 1) | 1 = 33, never 1 (QEMU's own error status). */
export const EXIT_SUCCESS: u32 = 0x10;
/** Written after a panic: QEMU exits with status 35. */
export const EXIT_PANIC: u32 = 0x11;

/** Stops the CPU for good with interrupts off. */
export function halt(): never {
  for (;;) {
    cli();
    hlt();
  }
}

/** Asks the emulator to exit with `code`; on hardware without the device, halts. */
export function exit(code: u32): never {
  outl(DEBUG_EXIT_PORT, code);
  halt();
}

/** The runtime's stop after a panic message (runtime-c/kernel.c calls it). */
export function stopAfterPanic(): never {
  exit(EXIT_PANIC);
}
