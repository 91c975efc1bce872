// The UTCB (nova-abi.md §6): one kernel-owned page per host EC. Regular IPC
// sees it as 512 words (§6.1); event state transfer as the architectural
// layout of §6.2 (`ArchUtcb`, 0x270 bytes, offsets asserted). The root EC's
// UTCB is at UTCB_ADDRESS (§9.4).

import { ArchUtcb } from "../../abi/arch_utcb.ts";
import { UTCB_ADDRESS } from "../../abi/root_pd.ts";

/** The UTCB at `va` as 512 words. */
export function words(va: u64): Ptr<u64> {
  return ptrFromVirt<u64>(virt(va));
}

/** The UTCB at `va` in its architectural layout. */
export function arch(va: u64): ArchUtcb {
  return structAt<ArchUtcb>(virt(va));
}

/** The root EC's UTCB (§9.4). */
export function rootWords(): Ptr<u64> {
  return words(UTCB_ADDRESS);
}
