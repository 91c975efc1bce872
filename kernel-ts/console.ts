// The kernel console: every log line goes to the serial port, to the debug
// port 0xe9 (QEMU and Bochs show it even without a serial console) and to
// the memory-buffer console (nova-abi.md §9.9, ring in mbuf.ts): a page in
// the kernel image whose physical range the HIP gives (0x18/0x20). After
// each newline the console semaphore (NOVA object space SELNUM-1, 0x03)
// gets an up, once root.ts has created it, so a consumer can block on it.

import { Perm_sm } from "../abi/perms.ts";
import { NOVA_OBJ_CONSOLE_SM } from "../abi/selectors.ts";
import { Status } from "../abi/status.ts";
import { make } from "./capability.ts";
import { ref } from "./kobject.ts";
import * as kmem from "./kmem.ts";
import * as mbuf from "./mbuf.ts";
import * as mdb from "./mdb.ts";
import * as serial from "./serial.ts";
import { Sm } from "./sm.ts";
import { Space_obj } from "./space_obj.ts";

const DEBUG_PORT: u16 = 0xe9;

const page = new mbuf.Mbuf();

class Semaphore {
  sm: Sm | null;
}
const consoleSm = new Semaphore();

export function init(port: u16): void {
  serial.init(port);
}

/** The runtime's sink for formatted lines (runtime-c/kernel.c calls it). */
export function write(buf: Ptr<u8>, len: usize): void {
  serial.write(buf, len);
  for (let i: usize = 0; i < len; i++) outb(DEBUG_PORT, buf.get(i));
  const lines = mbuf.append(page, buf, len);
  const s = consoleSm.sm;
  if (s !== null) for (let i: u32 = 0; i < lines; i++) s.up();
}

/** The MBUF page's physical start (HIP 0x18; the end, 0x20, is one page on). */
export function mbufStart(): Phys {
  return kmem.imageToPhys(structAddress(page));
}

/** The console semaphore (counter 0) at SELNUM-1 of the NOVA object space `nova`, perms 0x03. */
export function createSemaphore(nova: Space_obj): void {
  const s = Sm.create(0);
  if (s === null) panic("console: no memory for the console semaphore");
  ref(s.hdr);
  const st = mdb.insertRoot(nova, NOVA_OBJ_CONSOLE_SM, make(structAddress(s), Perm_sm.DEFINED));
  if (st !== Status.SUCCESS) panic("console: no memory for the NOVA object space");
  consoleSm.sm = s;
}

/** Logs the MBUF's indices and the FNV-1a hash of its unread characters (a boot test checks it). */
export function reportMbuf(): void {
  const rd = page.rdIdx;
  const wr = page.wrIdx;
  const n = mbuf.unread(page);
  const h = mbuf.hash(page);
  log(
    `MBUF: at ${mbufStart()}, RdIdx ${rd} WrIdx ${wr}, ${n} of ${mbuf.N} unread, FNV-1a ${hex(h)}`,
  );
}
