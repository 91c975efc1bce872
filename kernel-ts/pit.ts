// The 8254 PIT's channel 0 as a periodic interrupt source (ISA IRQ 0): used to
// show that an ISA interrupt reaches the CPU through the I/O APIC with the
// MADT's source override applied (QEMU and Bochs wire IRQ 0 to GSI 2).

const CHANNEL0: u16 = 0x40;
const COMMAND: u16 = 0x43;
/** Channel 0, lobyte/hibyte, mode 2 (rate generator), binary. */
const MODE_RATE: u8 = 0x34;
/** Channel 0, lobyte/hibyte, mode 0 (interrupt on terminal count): stops the rate. */
const MODE_ONESHOT: u8 = 0x30;
export const HZ: u32 = 1_193_182;

/** Interrupts at about `rate` Hz until stop(). */
export function start(rate: u32): void {
  const divisor = u16(HZ / rate);
  outb(COMMAND, MODE_RATE);
  outb(CHANNEL0, u8(divisor & 0xff));
  outb(CHANNEL0, u8(divisor >> 8));
}

export function stop(): void {
  outb(COMMAND, MODE_ONESHOT);
  outb(CHANNEL0, 0);
  outb(CHANNEL0, 0);
}
