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

/**
 * How long a character may wait for the transmitter. 115200 baud sends one in 87 µs, but an
 * emulated UART is as slow as its host reads the console (QEMU holds THRE clear while its
 * output pipe is full; loaded test hosts stall it for hundreds of ms), so the wait is generous:
 * 2 s, below the watchdog's 5 s, as the kernel logs under its lock. A PD that
 * holds COM1's ports can slow the UART down (a divisor of 0xffff sends under two characters a
 * second) or stop it, so the wait is bounded by time (setCharWait, once the TSC is known;
 * polls before that), and after one wait ran out the UART counts as stalled: characters it is
 * not ready for are dropped without waiting (the MBUF keeps them all) until it is ready again
 * by itself. A stall costs one such wait.
 */
const CHAR_WAIT_NS: u64 = 2_000_000_000;
/** The bound before the TSC is known (and against a UART that is not there: it reads 0xff). */
const MAX_POLLS: u32 = 100000;

let waitTicks: u64 = 0;
let stalled: bool = false;

/** The TSC is calibrated: `ticksPerMs` bounds each character's wait from now on. */
export function setCharWait(ticksPerMs: u64): void {
  waitTicks = (ticksPerMs * CHAR_WAIT_NS) / 1_000_000;
}

function ready(): bool {
  return (inb(base + LSR) & LSR_THR_EMPTY) !== 0;
}

/** Whether the transmitter took the last character in time (see CHAR_WAIT_NS). */
function waitReady(): bool {
  if (ready()) {
    stalled = false;
    return true;
  }
  if (stalled) return false;
  const end = rdtsc() + waitTicks;
  for (let i: u32 = 0; waitTicks !== 0 || i < MAX_POLLS; i++) {
    pause();
    if (ready()) return true;
    if (waitTicks !== 0 && rdtsc() >= end) break;
  }
  stalled = true;
  return false;
}

export function putc(c: u8): void {
  // A stalled UART gets no character it is not ready for: writes into a full FIFO would keep
  // it from ever showing ready again.
  if (waitReady()) outb(base + DATA, c);
}

export function write(buf: Ptr<u8>, len: usize): void {
  for (let i: usize = 0; i < len; i++) {
    const c = buf.get(i);
    if (c === 0x0a) putc(0x0d);
    putc(c);
  }
}
