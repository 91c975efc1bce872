// DMA remapping, the part that does not depend on the vendor (docs/iommu.md):
// which driver runs (Intel VT-d, vtd.ts, from the DMAR; else AMD-Vi,
// amdvi.ts, from the IVRS), the DMA spaces' domain ids, and when the IOTLB
// must be invalidated. pd.ts, assign_dev.ts, tlb.ts and root.ts talk to this
// file only.
//
// A changed page of a DMA space (flushed, from the host-space hook through
// tlb.ts) makes an invalidation pending: of its domain, or of all when pages
// of two spaces changed. settle() does it and waits for it before the slow
// path lets its lock go (tlb.sync), i.e. before ctrl_pd returns.

import { Status } from "../abi/status.ts";
import * as amdvi from "./amdvi.ts";
import { ALL_DOMAINS } from "./iommu_domain.ts";
import * as ptab from "./ptab.ts";
import { Space_hst } from "./space_hst.ts";
import * as vtd from "./vtd.ts";

enum Driver {
  NONE,
  VTD,
  AMDVI,
}

/** Domain ids handed out at most (the drivers may allow fewer). */
const MAX_DOMAINS: u32 = 1024;
const NO_DOMAIN: u32 = 0;

class IommuState {
  driver: u32;
  /** Ids below this exist on every unit; 0 is never used (VT-d caching mode reserves it). */
  domains: u32;
  /** Domain ids given back, and the next never-used one. */
  free: Arr<u16, 1024>;
  freeCount: u32;
  fresh: u32;
  /** The domain whose IOTLB entries must go (settle), NO_DOMAIN or ALL_DOMAINS. */
  pending: u32;
}
const state = new IommuState();

/** Starts the IOMMUs the ACPI tables name (VT-d first); false when there is none or it failed. */
export function init(allocate: ptab.TableAllocator): bool {
  const s = state;
  s.fresh = 1;
  s.domains = MAX_DOMAINS;
  // The driver is named before its init: VT-d makes its RMRR space (newSpace) meanwhile.
  s.driver = Driver.VTD;
  if (vtd.init(allocate, newSpace)) return limitDomains(vtd.domains());
  s.driver = Driver.AMDVI;
  if (amdvi.init(allocate)) return limitDomains(amdvi.domains());
  s.driver = Driver.NONE;
  return false;
}

/** The running driver allows `ids` domain ids: iommu.ts hands out no more. */
function limitDomains(ids: u32): bool {
  if (ids < state.domains) state.domains = ids;
  return true;
}

/** Whether DMA remapping is on (create_pd OP 4, the HIP's IOMMU bit). */
export function enabled(): bool {
  return state.driver !== Driver.NONE;
}

/** Selectors of a DMA space: pages of the DVA width every unit translates. */
export function selectors(): u64 {
  const bits = state.driver === Driver.VTD ? vtd.width() : amdvi.width();
  return u64(1) << u64(bits - 12);
}

/** A new DMA space with a domain id (null: memory or ids are out). */
export function newSpace(): Space_hst | null {
  const s = state;
  let d = NO_DOMAIN;
  if (s.freeCount > 0) {
    s.freeCount--;
    d = u32(s.free[usize(s.freeCount)]);
  } else if (s.fresh < s.domains) {
    d = s.fresh;
    s.fresh++;
  }
  if (d === NO_DOMAIN) return null;
  const sp = Space_hst.createDma(selectors());
  if (sp === null) {
    freeDomain(d);
    return null;
  }
  sp.domain = d;
  return sp;
}

function freeDomain(d: u32): void {
  state.free[usize(state.freeCount)] = u16(d);
  state.freeCount++;
}

/** assign_dev (§10.5) after the capability checks: SUCCESS, BAD_DEV or BAD_PAR (the driver's). */
export function assign(sp: Space_hst, base: u64, dad: u64): Status {
  if (state.driver === Driver.VTD) return vtd.assign(sp, base, dad);
  if (state.driver === Driver.AMDVI) return amdvi.assign(sp, base, dad);
  return Status.BAD_DEV;
}

/** A DMA space goes away: its devices are blocked again, then its domain id is free. */
export function forget(sp: Space_hst): void {
  if (state.driver === Driver.VTD) vtd.forget(sp);
  if (state.driver === Driver.AMDVI) amdvi.forget(sp);
  if (sp.domain !== NO_DOMAIN) freeDomain(sp.domain);
  sp.domain = NO_DOMAIN;
}

/** A page of DMA space `sp` changed: its IOTLB entries go in settle(). */
export function flushed(sp: Space_hst): void {
  if (sp.hdr.dead !== 0) return;
  const s = state;
  if (s.pending === NO_DOMAIN) s.pending = sp.domain;
  else if (s.pending !== sp.domain) s.pending = ALL_DOMAINS;
}

/** Does the pending IOTLB invalidation on every unit and waits for it (tlb.sync). */
export function settle(): void {
  const d = state.pending;
  if (d === NO_DOMAIN) return;
  state.pending = NO_DOMAIN;
  if (state.driver === Driver.VTD) vtd.invalidate(d);
  if (state.driver === Driver.AMDVI) amdvi.invalidate(d);
}

/** The end of the boot log: the driver's counters. */
export function report(): void {
  if (state.driver === Driver.VTD) vtd.report();
  if (state.driver === Driver.AMDVI) amdvi.report();
}
