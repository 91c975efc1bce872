// What the IOMMU drivers (vtd.ts, amdvi.ts) share with iommu.ts, their front:
// the domain id that means every domain, and how a driver gets a DMA space of
// its own (VT-d's RMRR identity maps).

import { Space_hst } from "./space_hst.ts";

/** An invalidation of every domain's translations. */
export const ALL_DOMAINS: u32 = u32.MAX;

/** A new DMA space with a domain id (iommu.newSpace), or null when memory or ids are out. */
export type NewSpace = () => Space_hst | null;
