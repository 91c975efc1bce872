// The Hypervisor Information Page (nova-abi.md §9.5): read-only at HIP_ADDRESS
// in the root PD (the root EC's RSP at entry). `Hip` is its layout with the
// offsets asserted; `checksumOk` checks the 16-bit word sum over Length bytes.

import { FEATURE_IOMMU, HIP_SIGNATURE, Hip } from "../../abi/hip_page.ts";
import { HIP_ADDRESS } from "../../abi/root_pd.ts";

/** The root PD's HIP. */
export function hip(): Hip {
  return structAt<Hip>(virt(HIP_ADDRESS));
}

/** Whether the HIP announces an IOMMU (DMA spaces, assign_dev). */
export function hasIommu(): bool {
  return (hip().features & FEATURE_IOMMU) !== 0;
}

/** The 16-bit word sum over the HIP's `length` bytes (0 when the checksum is right). */
export function wordSum(length: u16): u16 {
  const w = ptrFromVirt<u16>(virt(HIP_ADDRESS));
  let sum: u16 = 0;
  for (let i: usize = 0; i < usize(length / 2); i++) sum += w.get(i);
  return sum;
}

/** Whether the HIP says NOVA and its checksum is right. */
export function checksumOk(): bool {
  const h = hip();
  return h.signature === HIP_SIGNATURE && h.length >= 8 && wordSum(h.length) === 0;
}
