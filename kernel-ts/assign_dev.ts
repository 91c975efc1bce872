// assign_dev (0xe, nova-abi.md §10.5): binds a device to a DMA space. It has
// a file of its own, named after it: the object it controls is a DMA space
// (a Space_hst of kind DMA_SP) and the hardware an IOMMU (iommu.ts).

import { Perm_dma_sp } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind } from "./capability.ts";
import * as hw from "./ctrl_hw.ts";
import * as currentPd from "./current_pd.ts";
import { ExceptionFrame } from "./frame.ts";
import { capObject } from "./lookup.ts";
import { Space_hst } from "./space_hst.ts";
import * as iommu from "./iommu.ts";

/**
 * 0xe (§10.5): root PD only (BAD_HYP); RDI[63:8] must be a DMA space with
 * ASSIGN (BAD_CAP); RSI the register base of an IOMMU that translates
 * (BAD_DEV otherwise); RDX the DAD: a device that IOMMU does not remap (its
 * segment, or not in its DMAR device scope) is BAD_PAR, as is running out of
 * memory for a context table. The previous assignment of the device is
 * replaced.
 */
export function assignDev(f: ExceptionFrame, sel: u64, _flags: u32): Status {
  if (!hw.isRoot(currentPd.currentObjects())) return Status.BAD_HYP;
  const o = capObject(sel, Kind.DMA_SP, Kind.DMA_SP, Perm_dma_sp.ASSIGN);
  if (o === null) return Status.BAD_CAP;
  return iommu.assign(structAt<Space_hst>(structAddress(o)), f.rsi, f.rdx);
}
