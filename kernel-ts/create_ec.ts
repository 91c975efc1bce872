// create_ec (nova-abi.md §4.4): the hypercall that makes an EC object
// (ec.ts), a host EC or a vCPU (vcpu.ts). In a file of its own because a new
// global EC or vCPU starts with its STARTUP event (event.ts), and ec.ts does
// not import event.ts, which builds on it.

import { EC_F, EC_G, EC_T } from "../abi/hypercall.ts";
import { Perm_ec, Perm_pd } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind } from "./capability.ts";
import * as ec from "./ec.ts";
import * as event from "./event.ts";
import { ExceptionFrame } from "./frame.ts";
import * as ipi from "./ipi.ts";
import { destroyNow } from "./kobject.ts";
import { capObject, insertNew } from "./lookup.ts";
import { Pd } from "./pd.ts";
import * as vcpu from "./vcpu.ts";

const PAGE: u64 = 0x1000;

/** The top of user space (2^47, §9.7 with H = 47). */
const USER_TOP: u64 = 0x8000_0000_0000;

/**
 * create_ec (0x3, §4.4): RSI the PD (EC permission), RDX the UTCB address
 * (bits 63:12) and CPU (11:0), RAX the first RSP, R8 the event base. NOVA's
 * order: BAD_PAR (UTCB at or above 2^47), BAD_CPU, BAD_CAP (the PD), BAD_FTR
 * (a vCPU where no SVM is usable), ABORTED (the PD lacks its object or host
 * space, or, for a host EC, its PIO space), MEM_OBJ, then the slot. A vCPU's
 * address is ignored (it has no UTCB; §4.4 maps a virtual-APIC page there on
 * Intel only); for it T is time offsetting (§7.3), and F does not apply: it
 * always has an FPU.
 */
export function createEc(f: ExceptionFrame, sel: u64, flags: u32): Status {
  const hva = f.rdx & ~(PAGE - 1);
  const cpu = u32(f.rdx & (PAGE - 1));
  if (hva >= USER_TOP) return Status.BAD_PAR;
  // ipi.online(): smp.count() once the bring-up is over, without importing the bring-up.
  if (cpu >= ipi.online()) return Status.BAD_CPU;
  const o = capObject(f.rsi, Kind.PD, Kind.PD, Perm_pd.EC);
  if (o === null) return Status.BAD_CAP;
  const guest = (flags & EC_G) !== 0;
  if (guest && !vcpu.supported()) return Status.BAD_FTR;
  const p = structAt<Pd>(structAddress(o));
  if (p.obj === null || p.hst === null || (!guest && p.pio === null)) return Status.ABORTED;
  const t = (flags & EC_T) !== 0;
  const global = guest || t;
  // A global EC or vCPU starts with its STARTUP event (§8.4); a local one waits for a call.
  let start: ec.Cont = ec.waitForCalls;
  if (guest) start = event.startupGuest;
  else if (global) start = event.startup;
  const withFpu = (flags & EC_F) !== 0;
  const e = ec.create(p, cpu, global, withFpu, hva, f.rax, f.r8, start, guest, t);
  if (e === null) return Status.MEM_OBJ;
  const st = insertNew(sel, structAddress(e), Perm_ec.DEFINED);
  if (st !== Status.SUCCESS) destroyNow(e.hdr);
  return st;
}
