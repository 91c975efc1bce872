// assign_dev (0xe, nova-abi.md §10.5): binds a device to a DMA space. It has
// a file of its own, named after it, because the object it controls, the
// DMA space, does not exist yet (create_pd OP 4 is BAD_FTR until the IOMMU
// work); the checks it can make already are here.

import { Perm_dma_sp } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind } from "./capability.ts";
import * as hw from "./ctrl_hw.ts";
import * as currentPd from "./current_pd.ts";
import { ExceptionFrame } from "./frame.ts";
import { capObject } from "./lookup.ts";

/**
 * 0xe (§10.5): root PD only (BAD_HYP); RDI[63:8] must be a DMA space with
 * ASSIGN (BAD_CAP); RSI an IOMMU's register base (BAD_DEV otherwise). DMA
 * spaces need the IOMMU work (create_pd OP 4 is BAD_FTR), so no capability
 * names one yet and the answer after the root check is BAD_CAP.
 */
export function assignDev(_f: ExceptionFrame, sel: u64, _flags: u32): Status {
  if (!hw.isRoot(currentPd.currentObjects())) return Status.BAD_HYP;
  if (capObject(sel, Kind.DMA_SP, Kind.DMA_SP, Perm_dma_sp.ASSIGN) === null) return Status.BAD_CAP;
  // No IOMMU driver knows a register base yet.
  return Status.BAD_DEV;
}
