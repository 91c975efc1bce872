// ACPI tables read from ring 3: the HIP's RSDP → RSDT/XSDT → a table by its
// signature (table()); the enabled CPUs of the MADT (for smp.ts's CPUNUM
// check): processor local APIC (type 0) and local x2APIC (type 9) entries
// with their Enabled flag; roottest-iommu reads the MCFG and DMAR. Physical
// memory is read one page at a time through a window page of the root host
// space (from the NOVA host space, read-only); `close()` revokes it.

import { Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { ctrlPd } from "../nova/hypercall.ts";
import { NOVA_HST, ROOT_HST, pd } from "./sel.ts";

/** The window page (selector = virtual page number). */
const WINDOW: u64 = 0x43000;

class AcpiWindow {
  /** The physical page the window shows + 1 (0: none). */
  page: u64;
  failed: bool;
}
const win = new AcpiWindow();

/** The byte at physical `phys`: the window is moved to its page first (a failure reads 0). */
function byte(phys: u64): u64 {
  const page = phys >> 12;
  if (win.page !== page + 1) {
    // Delegating over the window revokes what it showed before (§4.8).
    if (ctrlPd(NOVA_HST, ROOT_HST, page, 0, WINDOW, Perm_mem.R, 0) !== Status.SUCCESS) {
      win.failed = true;
      win.page = 0;
      return 0;
    }
    win.page = page + 1;
  }
  return u64(ptrFromVirt<u8>(virt((WINDOW << 12) + (phys & 0xfff))).loadVolatile());
}

/** `n` bytes at `phys`, little-endian (0 after a failed window move). */
export function le(phys: u64, n: u64): u64 {
  let v: u64 = 0;
  for (let k: u64 = 0; k < n; k++) v |= byte(phys + k) << (8 * k);
  return v;
}

function signature(phys: u64, s: str): bool {
  for (let k: usize = 0; k < 4; k++) if (byte(phys + u64(k)) !== u64(strByte(s, k))) return false;
  return true;
}

/** The physical address of the first table with signature `sig`, or 0. */
export function table(rsdp: u64, sig: str): u64 {
  win.failed = false;
  win.page = 0;
  if (rsdp === u64.MAX) return 0;
  const xsdt = byte(rsdp + 15) >= 2 ? le(rsdp + 24, 8) : 0;
  const sdt = xsdt !== 0 ? xsdt : le(rsdp + 16, 4);
  const size: u64 = xsdt !== 0 ? 8 : 4;
  const sdtLength = le(sdt + 4, 4);
  for (let e = sdt + 36; e + size <= sdt + sdtLength && !win.failed; e += size) {
    const t = le(e, size);
    if (signature(t, sig)) return win.failed ? 0 : t;
  }
  return 0;
}

/** The MADT's enabled CPUs (types 0 and 9, flag bit 0), or 0 when a table cannot be read. */
export function enabledCpus(rsdp: u64): u64 {
  const madt = table(rsdp, "APIC");
  if (madt === 0) return 0;
  const end = madt + le(madt + 4, 4);
  let cpus: u64 = 0;
  let p = madt + 44;
  while (p + 2 <= end && !win.failed) {
    const type = byte(p);
    const length = byte(p + 1);
    if (length < 2) break;
    if (type === 0 && (le(p + 4, 4) & 1) !== 0) cpus++;
    if (type === 9 && (le(p + 8, 4) & 1) !== 0) cpus++;
    p += length;
  }
  return win.failed ? 0 : cpus;
}

/** Revokes the window page. */
export function close(): u32 {
  win.page = 0;
  return pd(ROOT_HST, ROOT_HST, WINDOW, 0, WINDOW, 0);
}
