// A polling COM1 writer for ring 3 (8250/16550 THR, LSR bit 5). The root task
// reaches the ports only after it delegated 0x3f8…0x3ff to its own PIO space
// (`open`: the TSS I/O bitmap follows the root PIO space; a #GP before that).

import { PERM_MASK } from "../../abi/perms.ts";
import { ctrlPd } from "./hypercall.ts";

export const COM1: u16 = 0x3f8;
const LSR: u16 = COM1 + 5;
const LSR_THR_EMPTY: u8 = 0x20;
/** COM1's 8 ports as one ctrl_pd range. */
const COM1_ORDER: u64 = 3;

/**
 * Delegates COM1's ports from the NOVA PIO space capability at `novaPio` (a copy of §9.3's
 * NOVA_PIO in the caller's object space) to the PIO space at `pio`; returns the status.
 */
export function open(novaPio: u64, pio: u64): u32 {
  return ctrlPd(novaPio, pio, u64(COM1), COM1_ORDER, u64(COM1), PERM_MASK, 0);
}

export function putc(c: u8): void {
  while ((inb(LSR) & LSR_THR_EMPTY) === 0) pause();
  outb(COM1, c);
}

/** `s`, with CR before each LF. */
export function puts(s: str): void {
  for (let i: usize = 0; i < strLength(s); i++) {
    const c = strByte(s, i);
    if (c === 0x0a) putc(0x0d);
    putc(c);
  }
}

function digit(d: u64): u8 {
  return u8(d < 10 ? 0x30 + d : 0x61 + d - 10);
}

/** `v` in base `base` (2…16), without prefix. */
export function putNum(v: u64, base: u64): void {
  const digits = array<u8, 64>();
  let n: usize = 0;
  let x = v;
  for (;;) {
    digits[n] = digit(x % base);
    n++;
    x = x / base;
    if (x === 0) break;
  }
  while (n > 0) {
    n--;
    putc(digits[n]);
  }
}

export function putDec(v: u64): void {
  putNum(v, 10);
}

/** `v` in hex with a 0x prefix. */
export function putHex(v: u64): void {
  puts("0x");
  putNum(v, 16);
}
