// Leaving the machine: the emulators' exit devices, then halting for good.
//
// One exit path serves QEMU and Bochs (../shared/docs/test-platforms.md §2):
// QEMU ends at the isa-debug-exit write; Bochs ignores that port, stops at
// the magic breakpoint for success (its debugger then quits with status 0)
// and panics on the "Shutdown" port string for failure (status 1).

import * as fadt from "./fadt.ts";
import * as sdt from "./sdt.ts";

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

/** The 8042 keyboard controller: command 0xfe pulses the CPU reset line. */
const KBC_COMMAND: u16 = 0x64;
const KBC_RESET: u8 = 0xfe;
/** PCI configuration mechanism #1. */
const PCI_ADDRESS: u16 = 0xcf8;
const PCI_DATA: u16 = 0xcfc;

/**
 * Resets the machine through the FADT's reset register (ACPI 6.5 §4.8.3.6),
 * in I/O or PCI configuration space (bus 0), else through the keyboard
 * controller. Under QEMU -no-reboot the reset ends QEMU with status 0.
 */
export function reboot(): never {
  const r = fadt.info.reset;
  const value = fadt.info.resetValue;
  if (fadt.info.resetPresent && r.space === sdt.Space.IO) {
    log(
      `POWER: reboot through the FADT reset register (I/O ${hex(r.address)} value ${hex(value)})`,
    );
    outb(u16(r.address), value);
  } else if (fadt.info.resetPresent && r.space === sdt.Space.PCI_CONFIG) {
    // GAS PCI address: device in bits 47:32, function in 31:16, register offset in 15:0.
    const device = u32((r.address >> 32) & 0x1f);
    const fn = u32((r.address >> 16) & 0x7);
    const offset = u32(r.address & 0xff);
    log(
      `POWER: reboot through the FADT reset register (PCI 00:${device}.${fn} offset ${hex(offset)} value ${hex(value)})`,
    );
    outl(PCI_ADDRESS, 0x8000_0000 | (device << 11) | (fn << 8) | (offset & 0xfc));
    outb(PCI_DATA + u16(offset & 3), value);
  } else {
    log(`POWER: reboot through the keyboard controller (no usable FADT reset register)`);
  }
  // Still here: the register was ignored, or there was none.
  outb(KBC_COMMAND, KBC_RESET);
  for (let i: u32 = 0; i < 1_000_000; i++) pause();
  log(`POWER: reboot did not happen, halting`);
  halt();
}

/** The runtime's stop after a panic message (runtime-c/kernel.c calls it). */
export function stopAfterPanic(): never {
  exit(EXIT_PANIC);
}
