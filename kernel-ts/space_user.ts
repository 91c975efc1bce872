// A user address space (a host space's page tables): a new PML4 whose lower
// half is the user's and whose upper half shares the kernel's PML4 entries,
// so the kernel stays mapped (supervisor-only) while the user's CR3 is live.
//
// Kernel upper-half PML4 entries created after a user space is built would
// be missing from it; today the kernel creates none after boot (the direct
// map, image, stacks and MMIO window exist before the first user space).

import * as kmem from "./kmem.ts";
import * as ptab from "./ptab.ts";
import * as space from "./space_kernel.ts";

/** The first PML4 entry of the kernel half (0xffff_8000_0000_0000). */
const KERNEL_HALF: usize = 256;
const ENTRIES: usize = 512;

/** A new user space sharing the kernel half, or phys(0) when `allocate` fails. */
export function create(allocate: ptab.TableAllocator): Phys {
  const root = allocate();
  if (u64(root) === 0) return root;
  const from = ptrFromVirt<u64>(kmem.toVirt(space.rootTable()));
  const to = ptrFromVirt<u64>(kmem.toVirt(root));
  for (let i = KERNEL_HALF; i < ENTRIES; i++) to.set(i, from.get(i));
  return root;
}

/**
 * Maps the 4 KiB page at `pa` at user address `va`: readable, writable if
 * `writable`, executable only if `executable` (never both: W^X holds for
 * user pages too). False when a table page cannot be allocated.
 */
export function mapPage(
  root: Phys,
  va: Virt,
  pa: Phys,
  writable: bool,
  executable: bool,
  allocate: ptab.TableAllocator,
): bool {
  assert(!(writable && executable), "space_user: writable and executable page");
  let attributes = ptab.USER;
  if (writable) attributes |= ptab.WRITABLE;
  if (!executable && space.protections.nx) attributes |= ptab.NO_EXECUTE;
  return ptab.map(root, va, pa, ptab.ORDER_4K, attributes, allocate);
}
