// The end of a PD's ECs (pd.ts destroyPd, through its hook): when the last
// capability naming a PD goes, nothing may run in it any more. Each of its
// ECs dies as a faulting one does (event.ts), quietly: a caller it served
// gets ABORTED, an EC whose event it handled dies; a semaphore it waits on
// forgets it; what it called finishes without it (orphaned, ec.ts); SCs
// parked on it are readied (a helper retries and finds it dead). One running
// on another CPU is sent into the kernel by IPI, where it finds itself dead
// (ec.dropIfDestroyed) and that CPU schedules; one running here (it ended its
// own PD) does at the end of its hypercall (syscall.ts settle). Then it leaves
// the PD (ec.leavePd): a dead EC named by a capability in the PD's own object
// space would otherwise keep the PD, and so that space, alive for good.
//
// Here, not in pd.ts or event.ts: it needs semaphores (sm.ts), which build on
// event.ts, which builds on ec.ts, which builds on pd.ts.

import { Ec } from "./ec.ts";
import * as ec from "./ec.ts";
import * as event from "./event.ts";
import * as ipi from "./ipi.ts";
import { Pd } from "./pd.ts";
import * as percpu from "./percpu.ts";
import * as sm from "./sm.ts";

/** Ends every EC of `p` (the hook pd.ts calls when the PD's last capability went). */
export function endEcs(p: Pd): void {
  let e = ec.firstOf(p);
  while (e !== null) {
    const next = e.pdNext;
    end(e);
    ec.leavePd(e);
    e = next;
  }
}

function end(e: Ec): void {
  if (u64(e.waitingOn) !== 0) sm.abandon(e);
  event.endWithPd(e);
  if (e.running && e.cpu !== percpu.cpuIndex.get()) ipi.send(e.cpu, ipi.VECTOR_RESCHEDULE);
}
