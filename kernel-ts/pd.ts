// The protection domain object (nova-abi.md §1.1): a kernel object named by
// PD capabilities, holding the PD's spaces. Minimal today: root.ts builds the
// root PD with the root object, host and PIO spaces and puts a capability
// with all PD permissions at §9.4's SELNUM-3; create_pd (syscall.ts) makes
// new PDs and binds OBJ, HST, PIO and MSR spaces to them. create_* take a PD
// capability to say whom a new object is charged to (§4); there is one
// allocator, so the PD is only checked, not charged (docs/user-mode.md).

import { Kind } from "./capability.ts";
import { KObject, allocObject, freeObject, initObject, ref, unref } from "./kobject.ts";
import { Space_obj } from "./space_obj.ts";
import { Space_pio } from "./space_pio.ts";
import { Space_hst } from "./space_hst.ts";
import { Space_msr } from "./space_msr.ts";

export class Pd {
  hdr: Inline<KObject>;
  /** The PD's object space and PIO space (each holds a reference), or null before one is bound. */
  obj: Space_obj | null;
  pio: Space_pio | null;
  /** The host space (at most one; a first PIO space needs it) and the first MSR space. */
  hst: Space_hst | null;
  msr: Space_msr | null;

  /** A new PD without spaces and references, or null when memory is out. */
  static create(): Pd | null {
    const va = allocObject(sizeof<Pd>());
    if (u64(va) === 0) return null;
    const p = structAt<Pd>(va);
    initObject(p.hdr, Kind.PD, destroyPd);
    return p;
  }

  /** Binds the object space (a PD has at most one): false if it has one already. */
  bindObj(s: Space_obj): bool {
    if (this.obj !== null) return false;
    ref(s.hdr);
    this.obj = s;
    return true;
  }

  /** Binds the host space (at most one): false if it has one already. */
  bindHst(s: Space_hst): bool {
    if (this.hst !== null) return false;
    ref(s.hdr);
    this.hst = s;
    return true;
  }

  /** Binds the first MSR space (later ones bind to nothing, for vCPUs): false if it has one. */
  bindMsr(s: Space_msr): bool {
    if (this.msr !== null) return false;
    ref(s.hdr);
    this.msr = s;
    return true;
  }

  /** Binds the PIO space (at most one): false if it has one already. */
  bindPio(s: Space_pio): bool {
    if (this.pio !== null) return false;
    ref(s.hdr);
    this.pio = s;
    return true;
  }
}

/** The last PD capability went: drops the spaces' references and frees the PD. */
function destroyPd(o: KObject): void {
  const p = structAt<Pd>(structAddress(o));
  const obj = p.obj;
  if (obj !== null) unref(obj.hdr);
  const pio = p.pio;
  if (pio !== null) unref(pio.hdr);
  const hst = p.hst;
  if (hst !== null) unref(hst.hdr);
  const msr = p.msr;
  if (msr !== null) unref(msr.hdr);
  p.obj = null;
  p.pio = null;
  p.hst = null;
  p.msr = null;
  freeObject(p.hdr, sizeof<Pd>());
}
