// ctrl_pd (hypercall 0x7, nova-abi.md §4.8): delegation between the spaces
// the calling PD names by space capabilities in its object space.
//
// Decoding: RDI[63:8] the source space's selector, RSI the destination's,
// RDX = ssb << 12 | order (bits 4:0), RAX = dsb << 12 | pmm (bits 4:0); R8
// (the MAD, §10.4) matters only for memory delegation from the NOVA host
// space. Checks, in NOVA's order (§12.10): bases not multiples of 2^order →
// BAD_PAR before any capability is looked at; then the source must be a
// space capability with TAKE and the destination one with GRANT, and the
// pair one the interface allows (OBJ→OBJ, HST→HST/GST/DMA, PIO→PIO,
// MSR→MSR), else BAD_CAP; then an invalid MAD from the NOVA host space
// (BAD_PAR); then the range (end beyond the space; for PIO and MSR ssb = dsb
// and, for MSR, inside one window: BAD_PAR) in mdb.delegate*, which copy
// with rights reduction, revoke with CAP0/pmm 0 (unmapping pages and
// invalidating the TLB for host spaces), and report MEM_CAP partial success.
//
// Guest and DMA spaces do not exist yet, so no capability names one:
// HST→GST/DMA cannot be formed and ends in BAD_CAP like any capability of a
// wrong kind (docs/user-mode.md).
//
// `setCurrent` names the running PD of this CPU (ec.ts on every switch to
// another PD). A PIO delegation or revocation can change the ports of any
// PD (revoking takes derived copies along), so after one every CPU copies
// its running PD's I/O bitmap into its TSS again (tss.loadIoBitmap): this
// CPU at once, the others on request (tlb.ts remote requests), before the
// hypercall returns to ring 3.

import { Perm_obj_sp } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind, CAP0, object, perms } from "./capability.ts";
import { ExceptionFrame } from "./frame.ts";
import { KObject, ref, unref } from "./kobject.ts";
import { Pd } from "./pd.ts";
import * as mdb from "./mdb.ts";
import { Space_obj } from "./space_obj.ts";
import { Space_pio } from "./space_pio.ts";
import { Ca, KIMAX, Space_hst } from "./space_hst.ts";
import { Space_msr } from "./space_msr.ts";
import * as percpu from "./percpu.ts";
import * as tlb from "./tlb.ts";
import * as tss from "./tss.ts";

/** The running PD's spaces, and the PIO space whose bitmap is in the TSS. */
class Current {
  obj: Space_obj | null;
  pio: Space_pio | null;
  loaded: Space_pio | null;
}

const currents = array<Inline<Current>, 256>();

/** This CPU's entry (the index is one GS-relative load). */
function here(): Current {
  return currents[usize(percpu.cpuIndex.get())];
}

/** The PD whose EC runs next (ec.ts): its PIO space's bitmap goes into the TSS if another is there. */
export function setCurrent(p: Pd): void {
  const current = here();
  current.obj = p.obj;
  const pio = p.pio;
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

/** The running PD's object space (null before the root PD is built). */
export function currentObjects(): Space_obj | null {
  return here().obj;
}

/** Copies this CPU's running PD's I/O bitmap into its TSS again (after a PIO ctrl_pd anywhere). */
export function reloadIoBitmap(): void {
  const pio = here().pio;
  if (pio !== null) tss.loadIoBitmap(pio.bitmap);
}

/** GRANT (destination) and TAKE (source) have the same bits in every space kind that has them. */
const GRANT: u32 = Perm_obj_sp.GRANT;
const TAKE: u32 = Perm_obj_sp.TAKE;

/** Whether `kind` is a space. */
function isSpace(kind: u32): bool {
  return kind >= Kind.OBJ_SP && kind <= Kind.MSR_SP;
}

/** Whether the interface allows delegation from a `src` space to a `dst` space (§4.8). */
function pairAllowed(src: u32, dst: u32): bool {
  if (src === Kind.OBJ_SP) return dst === Kind.OBJ_SP;
  if (src === Kind.HST_SP) return dst === Kind.HST_SP || dst === Kind.GST_SP || dst === Kind.DMA_SP;
  if (src === Kind.PIO_SP) return dst === Kind.PIO_SP;
  if (src === Kind.MSR_SP) return dst === Kind.MSR_SP;
  return false;
}

/** The space a capability names, or null for CAP0, an object that is no space, or missing `need`. */
function space(cap: u64, need: u32): KObject | null {
  if (cap === CAP0 || (perms(cap) & need) !== need) return null;
  const o = structAt<KObject>(object(cap));
  return isSpace(o.kind) ? o : null;
}

/** The MAD's cache attribute (bits 2:0) and key id (bits 17:3), §10.4. */
const MAD_CA: u64 = 0x7;
const MAD_KI_SHIFT: u64 = 3;
const MAD_KI: u64 = 0x7fff;

/** HST→HST: from the NOVA host space the MAD must be valid (CA < 5, KI ≤ KIMAX), else BAD_PAR. */
function ctrlHst(
  src: Space_hst,
  ssb: u64,
  dst: Space_hst,
  dsb: u64,
  order: u32,
  pmm: u32,
  mad: u64,
): u32 {
  const ca = u32(mad & MAD_CA);
  const ki = u32((mad >> MAD_KI_SHIFT) & MAD_KI);
  if (src.nova && (ca >= Ca.COUNT || ki > KIMAX)) return Status.BAD_PAR;
  return mdb.delegateHst(src, ssb, dst, dsb, order, pmm, src.nova ? ca : 0);
}

/** The ctrl_pd hypercall: `srcSel` is RDI[63:8]; the rest comes from the frame. */
export function ctrlPd(f: ExceptionFrame, srcSel: u64): u32 {
  const dstSel = f.rsi;
  const ssb = f.rdx >> 12;
  const order = u32(f.rdx & 0x1f);
  const dsb = f.rax >> 12;
  const pmm = u32(f.rax & 0x1f);
  const mask = (u64(1) << order) - 1;
  if ((ssb & mask) !== 0 || (dsb & mask) !== 0) return Status.BAD_PAR;
  const objects = here().obj;
  if (objects === null) return Status.BAD_CAP;
  const src = space(objects.lookup(srcSel), TAKE);
  const dst = space(objects.lookup(dstSel), GRANT);
  if (src === null || dst === null || !pairAllowed(src.kind, dst.kind)) return Status.BAD_CAP;
  let st: u32 = Status.BAD_CAP;
  if (src.kind === Kind.OBJ_SP) {
    st = mdb.delegate(
      structAt<Space_obj>(structAddress(src)),
      ssb,
      structAt<Space_obj>(structAddress(dst)),
      dsb,
      order,
      pmm,
    );
  } else if (src.kind === Kind.HST_SP && dst.kind === Kind.HST_SP) {
    const s = structAt<Space_hst>(structAddress(src));
    st = ctrlHst(s, ssb, structAt<Space_hst>(structAddress(dst)), dsb, order, pmm, f.r8);
  } else if (src.kind === Kind.MSR_SP) {
    st = mdb.delegateMsr(
      structAt<Space_msr>(structAddress(src)),
      ssb,
      structAt<Space_msr>(structAddress(dst)),
      dsb,
      order,
      pmm,
    );
  } else if (src.kind === Kind.PIO_SP) {
    st = mdb.delegatePio(
      structAt<Space_pio>(structAddress(src)),
      ssb,
      structAt<Space_pio>(structAddress(dst)),
      dsb,
      order,
      pmm,
    );
  }
  // HST→GST/DMA: no guest or DMA spaces exist yet, so no capability names one (BAD_CAP above).
  // A PIO delegation may have revoked ports of any running PD (a revoked parent takes its
  // children along in every space): every CPU reloads its bitmap before the return to ring 3.
  if (src.kind === Kind.PIO_SP) {
    reloadIoBitmap();
    tlb.requestAll(tlb.Request.IO_BITMAP);
  }
  return st;
}
