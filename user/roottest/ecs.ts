// A numbered set of ECs of the root PD, as ec.ts and smp.ts make them: EC k has
// its capability at `sels` + k, its UTCB page at `utcbs` + k·4K and stack k
// (`stackSize` bytes each) of an area in the module's assembly (`stacks`, a .S
// label found with linkerSymbol(): a root image has no BSS). Portal IPs are
// .S labels too (user/nova/entry.h's stubs). Also the TSC deadlines their
// waits use.

import { Status } from "../../abi/status.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { hip } from "../nova/hip.ts";
import { createPt, ctrlPt } from "../nova/hypercall.ts";
import { isStatus } from "./test.ts";

export class EcSet {
  sels: u64;
  utcbs: u64;
  stacks: u64;
  stackSize: u64;

  /** The set's layout; before any of its ECs is made. */
  init(sels: u64, utcbs: u64, stacks: Virt, stackSize: u64): void {
    this.sels = sels;
    this.utcbs = utcbs;
    this.stacks = u64(stacks);
    this.stackSize = stackSize;
  }

  /** The capability of EC k. */
  sel(k: u64): u64 {
    return this.sels + k;
  }

  utcb(k: u64): u64 {
    return this.utcbs + k * 0x1000;
  }

  stackTop(k: u64): u64 {
    return this.stacks + (k + 1) * this.stackSize;
  }

  /** The index of the EC whose stack holds `rsp` (at most its top). */
  indexOf(rsp: u64): u64 {
    return (rsp - 1 - this.stacks) / this.stackSize;
  }

  /** A portal at `sel` to EC k with IP `ip`, then its PID and MTD (part of a case: root EC only). */
  portalOf(sel: u64, k: u64, ip: Virt, pid: u64, mtd: u32): bool {
    return (
      isStatus(createPt(sel, ROOT_OBJ_ROOT_PD, this.sel(k), u64(ip)), Status.SUCCESS) &&
      isStatus(ctrlPt(sel, pid, mtd), Status.SUCCESS)
    );
  }
}

export function ticksPerMs(): u64 {
  return hip().stcFrequency / 1000;
}

/** The TSC `ms` milliseconds from now (a deadline for a timed down). */
export function msFromNow(ms: u64): u64 {
  return rdtsc() + ticksPerMs() * ms;
}
