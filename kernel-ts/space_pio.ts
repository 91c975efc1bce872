// A PIO space (nova-abi.md §1.2): ports 0…0xffff, each CAP0 or a PIO
// capability with permission A (capability.ts Perm_pio). The capabilities and
// their mdb nodes live in a CapTable (space_obj.ts) of 0x10000 slots (a 2 KiB
// root and 4 KiB leaves as ports are delegated); alongside it the space keeps
// a bitmap in the format of the TSS I/O permission bitmap (Intel SDM Vol. 1
// §19.5.2: bit n set = port n denied), which the TSS of a CPU running a host
// EC bound to the space gets a copy of. The same bits, followed by a third
// page of ones, are the SVM I/O permission map of the vCPUs assigned to the
// space (AMD APM Vol. 2 §15.10.1: 12 KiB, bit set = intercepted; the extra
// bits catch multi-byte accesses that run past port 0xffff).
// A PIO capability names no object: its word is just its permission bits.

import { Perm_pio } from "../abi/perms.ts";
import { PIO_PORTS } from "../abi/selectors.ts";
import { Status } from "../abi/status.ts";
import { Kind, CAP0, OBJ_ALIGN } from "./capability.ts";
import {
  KObject,
  Destroy,
  allocBytes,
  allocObject,
  freeBytes,
  freeObject,
  initObject,
} from "./kobject.ts";
import * as hazard from "./hazard.ts";
import { Hazard } from "./hazard.ts";
import { CapTable } from "./space_obj.ts";

/** The I/O bitmap: one bit per port. */
export const BITMAP_BYTES: usize = 8192;
/** The SVM I/O permission map: the bitmap and a page of ones. */
const IOPM_BYTES: usize = 12288;

export class Space_pio {
  hdr: Inline<KObject>;
  table: Inline<CapTable>;
  /** BITMAP_BYTES, page aligned: bit n set = port n denied; IOPM_BYTES allocated (file comment). */
  bitmap: Virt;
  /** The PD the space was created for (pd.ts serial): only its vCPUs may be assigned it. */
  owner: u64;

  /** A new PIO space with every port denied (no references yet), or null when memory is out. */
  static create(destroy: Destroy): Space_pio | null {
    const va = allocObject(sizeof<Space_pio>());
    if (u64(va) === 0) return null;
    const bm = allocBytes(IOPM_BYTES, 4096);
    if (u64(bm) === 0) {
      freeBytes(va, sizeof<Space_pio>(), OBJ_ALIGN);
      return null;
    }
    const s = structAt<Space_pio>(va);
    initObject(s.hdr, Kind.PIO_SP, destroy);
    s.table.init(PIO_PORTS);
    s.bitmap = bm;
    const words = ptrFromVirt<u64>(bm);
    for (let i: usize = 0; i < IOPM_BYTES / 8; i++) words.set(i, u64.MAX);
    return s;
  }

  /** The permissions for `port` (Perm_pio.A or 0); 0 for a port ≥ 0x10000. */
  lookup(port: u64): u32 {
    return u32(this.table.cap(port));
  }

  /** Whether the I/O bitmap lets `port` through (what the CPU will see). */
  allowed(port: u64): bool {
    if (port >= PIO_PORTS) return false;
    const b = ptrFromVirt<u8>(this.bitmap).get(usize(port >> 3));
    return (b & (u8(1) << u8(port & 7))) === 0;
  }

  /**
   * Gives `port` the permissions `perms` (a non-zero subset of Perm_pio.DEFINED)
   * with mdb node `node`. BAD_PAR: port ≥ 0x10000; BAD_CAP: the port already
   * has a capability; MEM_CAP: no memory for the table.
   */
  insert(port: u64, perms: u32, node: u64): u32 {
    if (port >= PIO_PORTS) return Status.BAD_PAR;
    assert(
      perms !== 0 && (perms & ~u32(Perm_pio.DEFINED)) === 0,
      "capability: permissions not defined for a PIO capability",
    );
    if (this.table.cap(port) !== CAP0) return Status.BAD_CAP;
    if (!this.table.prepare(port)) return Status.MEM_CAP;
    this.table.fill(port, u64(perms), node);
    this.setBit(port, (perms & Perm_pio.A) === 0);
    return Status.SUCCESS;
  }

  /** Empties the capability of `port` (which must have one) and denies it in the bitmap. */
  remove(port: u64): u64 {
    const old = this.table.clear(port);
    this.setBit(port, true);
    return old;
  }

  /** Frees the space's memory once every port is CAP0 (the mdb's destroy function). */
  free(): void {
    this.table.release();
    freeBytes(this.bitmap, IOPM_BYTES, 4096);
    freeObject(this.hdr, sizeof<Space_pio>());
  }

  setBit(port: u64, deny: bool): void {
    const p = ptrFromVirt<u8>(this.bitmap);
    const i = usize(port >> 3);
    const bit = u8(1) << u8(port & 7);
    const now = deny ? p.get(i) | bit : p.get(i) & ~bit;
    if (now === p.get(i)) return;
    p.set(i, now);
    // Any change can change a running PD's ports: every CPU reloads its running PD's bitmap
    // before the slow path lets the lock go (tlb.settleIoBitmaps). A port goes with every way
    // a capability does: ctrl_pd, a revocation that takes derived copies along, a PIO space
    // or PD destroyed with its last capability.
    hazard.raiseLocked(Hazard.IO_BITMAP);
  }
}
