// The kernel console: every log line goes to the serial port and to the
// debug port 0xe9 (QEMU and Bochs show it even without a serial console).

import * as serial from "./serial.ts";

const DEBUG_PORT: u16 = 0xe9;

export function init(port: u16): void {
  serial.init(port);
}

/** The runtime's sink for formatted lines (runtime-c/kernel.c calls it). */
export function write(buf: Ptr<u8>, len: usize): void {
  serial.write(buf, len);
  for (let i: usize = 0; i < len; i++) outb(DEBUG_PORT, buf.get(i));
}
