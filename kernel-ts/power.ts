// Leaving the machine: the emulators' exit devices, then halting for good.
//
// One exit path serves QEMU and Bochs (../shared/docs/test-platforms.md §2):
// QEMU ends at the isa-debug-exit write; Bochs ignores that port, stops at
// the magic breakpoint for success (its debugger then quits with status 0)
// and panics on the "Shutdown" port string for failure (status 1).

/** QEMU `-device isa-debug-exit,iobase=0xf4,iosize=0x04`. */
const DEBUG_EXIT_PORT: u16 = 0xf4;
/** Bochs' shutdown port: writing "Shutdown" ends the emulation with a panic. */
const BOCHS_SHUTDOWN_PORT: u16 = 0x8900;

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

function bochsShutdown(): void {
  const word: str = "Shutdown";
  for (let i: usize = 0; i < strLength(word); i++) outb(BOCHS_SHUTDOWN_PORT, strByte(word, i));
}

/** Asks the emulator to exit with `code`; on hardware without the devices, halts. */
export function exit(code: u32): never {
  outl(DEBUG_EXIT_PORT, code);
  if (code === EXIT_SUCCESS) magicBreakpoint();
  else bochsShutdown();
  halt();
}

/** The runtime's stop after a panic message (runtime-c/kernel.c calls it). */
export function stopAfterPanic(): never {
  exit(EXIT_PANIC);
}
