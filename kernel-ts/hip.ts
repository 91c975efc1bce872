// The Hypervisor Information Page (../shared/docs/nova-abi.md §9.5): what the
// kernel tells the root PD about the platform, in one read-only page at
// 2^47 − 4 KiB of the root host space.

import { Hip } from "../abi/hip_page.ts";
import * as kmem from "./kmem.ts";

/** The 16-bit word sum over the first `length` bytes of the page at `pa`. */
export function wordSum(pa: Phys, length: u16): u16 {
  const words = ptrFromVirt<u16>(kmem.toVirt(pa));
  let sum: u16 = 0;
  for (let i: usize = 0; i < usize(length / 2); i++) sum += words.get(i);
  return sum;
}

/** Sets the checksum so the word sum over the HIP is 0. */
export function seal(pa: Phys): void {
  const h = structAt<Hip>(kmem.toVirt(pa));
  h.checksum = 0;
  h.checksum = -wordSum(pa, h.length);
}
