// The running PD of each CPU: its object space, which every hypercall's
// capability lookups use (lookup.ts), and its PIO space, whose I/O bitmap is
// in the CPU's TSS (tss.loadIoBitmap).
//
// `setCurrent` names the running PD's spaces (ec.ts on every switch to
// another PD). Any change of any PIO space's bitmap can change the ports of
// a running PD, so after one every CPU copies its running PD's I/O bitmap
// into its TSS again (reloadIoBitmap): before the slow path lets its lock go,
// this CPU at once and the others on request (tlb.settleIoBitmaps). The
// spaces come without their PD so that tlb.ts need not import pd.ts.

import { ref, unref } from "./kobject.ts";
import { Space_obj } from "./space_obj.ts";
import { Space_pio } from "./space_pio.ts";
import * as percpu from "./percpu.ts";
import * as tss from "./tss.ts";

/** The running PD's object space: one GS-relative load, for every capability lookup. */
const objects = perCpu<Space_obj | null>(null);

/** The running PD's PIO space, and the one whose bitmap is in the TSS. */
class Current {
  pio: Space_pio | null;
  loaded: Space_pio | null;
}

const currents = array<Inline<Current>, 256>();

/** This CPU's entry (the index is one GS-relative load, in range by its type). */
function here(): Current {
  return currents[percpu.slot()];
}

/** The spaces of the PD whose EC runs next (ec.ts): its PIO space's bitmap goes into the TSS if another is there. */
export function setCurrent(obj: Space_obj | null, pio: Space_pio | null): void {
  const current = here();
  objects.set(obj);
  current.pio = pio;
  const old = current.loaded;
  if (pio === old) return;
  // The loaded space stays referenced while its bitmap is in the TSS, so that a new space
  // at the same address cannot pass for it.
  if (pio !== null) ref(pio.hdr);
  current.loaded = pio;
  if (old !== null) unref(old.hdr);
  tss.loadIoBitmap(pio === null ? virt(0) : pio.bitmap);
}

/**
 * The running PD's object space (null before the root PD is built).
 * @inline
 */
export function currentObjects(): Space_obj | null {
  return objects.get();
}

/** Copies this CPU's running PD's I/O bitmap into its TSS again (after a PIO ctrl_pd anywhere). */
export function reloadIoBitmap(): void {
  const pio = here().pio;
  if (pio !== null) tss.loadIoBitmap(pio.bitmap);
}
