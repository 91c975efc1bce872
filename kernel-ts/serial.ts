// The 16550 UART: polled output on one port, 115200 8N1.

const DATA: u16 = 0; // transmit holding / divisor latch low
const IER: u16 = 1; // interrupt enable / divisor latch high
const FCR: u16 = 2; // FIFO control
const LCR: u16 = 3; // line control
const MCR: u16 = 4; // modem control
const LSR: u16 = 5; // line status

const LCR_DLAB: u8 = 0x80;
const LCR_8N1: u8 = 0x03;
const LSR_THR_EMPTY: u8 = 0x20;
/** 115200 baud: the UART clock (1.8432 MHz / 16) divided by 1. */
const DIVISOR: u8 = 1;

let base: u16 = 0x3f8;

export function init(port: u16): void {
  base = port;
  outb(base + IER, 0); // polled: no interrupts
  outb(base + LCR, LCR_DLAB);
  outb(base + DATA, DIVISOR);
  outb(base + IER, 0);
  outb(base + LCR, LCR_8N1);
  outb(base + FCR, 0xc7); // enable and clear the FIFOs
  outb(base + MCR, 0x03); // DTR and RTS
}

export function putc(c: u8): void {
  // A missing UART reads 0xff and would spin forever; bound the wait.
  for (let i: u32 = 0; i < 100000; i++) {
    if ((inb(base + LSR) & LSR_THR_EMPTY) !== 0) break;
    pause();
  }
  outb(base + DATA, c);
}

export function write(buf: Ptr<u8>, len: usize): void {
  for (let i: usize = 0; i < len; i++) {
    const c = buf.get(i);
    if (c === 0x0a) putc(0x0d);
    putc(c);
  }
}
