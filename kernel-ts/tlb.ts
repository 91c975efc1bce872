// TLB consistency across CPUs (docs/smp.md "TLB shootdown"): after a
// hypercall has unmapped or changed a page of a host space, no CPU may still
// translate through the old entry once the hypercall returns.
//
// Every host space knows the CPUs that may hold its translations (`used`,
// set when a CPU loads the space). space_hst.ts reports each changed page
// (flushed()): the running CPU invalidates it with INVLPG if it has the
// space loaded, and the space goes on a list of dirty spaces. sync() settles
// the list before anything can use the change: when the slow path lets its
// lock go (klock.leave; every hypercall that changes mappings runs there)
// and before kernel memory that was mapped (a UTCB) is freed. For each CPU
// in `used`:
//
// - one that has the space loaded now gets a SHOOTDOWN IPI and flushes its
//   TLB (a CR3 reload: the non-global entries of its current PCID), and
//   sync() waits until every such CPU has answered. A CPU waiting for the
//   kernel lock answers from its spin loop (klock.ts), since the sender
//   holds the lock while it waits;
// - one that does not: without PCIDs its CR3 switch already flushed it, so it
//   is simply taken out of `used`; with PCIDs its entries stay tagged, so it
//   goes into `stale` and flushes the space's PCID when it next loads it.
//
// Guest spaces (nested page tables) are in no CR3: a vCPU tags what its CPU
// caches of them with an ASID (svm.ts). A changed entry counts in the
// space's `flushes`, which makes each vCPU take a fresh ASID at its next
// entry (vcpu.ts prepare), and the space goes on the dirty list like a host
// space: sync() sends SHOOTDOWN to every other CPU running a vCPU in it now
// (`guest`, set at each entry), whose interrupt ends the guest's run, and
// waits for the answers, so no guest keeps running on the old entry.
//
// PCIDs (CR4.PCIDE, when CPUID has them; `nopcid` turns them off): each host
// space gets one of 4095 at its first load and gives it back when it is
// destroyed. A PCID used before may still be cached on any CPU, so a space
// that gets a recycled one starts with every CPU in `stale`. When all are
// taken a space runs with PCID 0, which is flushed at every load.

import * as cmdline from "./cmdline.ts";
import * as cpu from "./cpu.ts";
import * as hazard from "./hazard.ts";
import { Hazard } from "./hazard.ts";
import * as ipi from "./ipi.ts";
import * as currentPd from "./current_pd.ts";
import * as percpu from "./percpu.ts";
import { Space_hst } from "./space_hst.ts";
import * as iommu from "./iommu.ts";
import * as watchdog from "./watchdog.ts";

const CR3_NO_FLUSH: u64 = u64(1) << 63;
const CR4_PCIDE: u64 = 1 << 17;
const PCIDS: u32 = 4096;

/** What another CPU asks of this one (bits of CpuTlb.request). */
export enum Request {
  /** Flush the TLB entries of the loaded space. */
  FLUSH = 1,
  /** Copy the running PD's I/O bitmap into the TSS again (settleIoBitmaps). */
  IO_BITMAP = 2,
}

class CpuTlb {
  /** The host space whose tables this CPU has in CR3 (its running or last PD's). */
  loaded: Space_hst | null;
  /** The guest space of the vCPU this CPU runs or ran last (enterGuest). */
  guest: Space_hst | null;
  /** Request bits set by a sender (which holds the kernel lock), cleared once done. */
  request: Atomic<u32>;
}

class TlbState {
  pcid: bool;
  cpus: Arr<Inline<CpuTlb>, 256>;
  /** Spaces with changed pages not yet settled by sync(), linked through Space_hst.nextDirty. */
  dirty: Space_hst | null;
  /** PCIDs given back, and the next never-used one. */
  free: Arr<u16, 4096>;
  freeCount: u32;
  fresh: u32;
  /** Rounds of requests that waited for answers (the boot log's IPI line). */
  rounds: u64;
}
const state = new TlbState();

/** This CPU's entry (the index is one GS-relative load, in range by its type). */
function here(): CpuTlb {
  return state.cpus[percpu.slot()];
}

/** Decides on PCIDs (boot CPU, before the first host space is loaded). */
export function init(): void {
  state.pcid = cpu.has(cpu.Feature.PCID) && !cmdline.has("nopcid");
  state.fresh = 1;
}

/** Whether host spaces run with their own PCIDs. */
export function pcids(): bool {
  return state.pcid;
}

/** Sets CR4.PCIDE on this CPU if PCIDs are used (CR3 must hold PCID 0: the kernel's tables). */
export function initCpu(): void {
  if (state.pcid) writeCr4(readCr4() | CR4_PCIDE);
}

function takePcid(s: Space_hst): void {
  if (state.freeCount > 0) {
    state.freeCount--;
    s.pcid = u32(state.free[usize(state.freeCount)]);
    s.stale.fill(ipi.online());
    return;
  }
  if (state.fresh < PCIDS) {
    s.pcid = state.fresh;
    state.fresh++;
  }
}

/** Whether load(s) touches only `s` and this CPU (no PCID to take from the shared pool). */
export function loadsFast(s: Space_hst): bool {
  return !state.pcid || s.pcid !== 0;
}

/** Loads `s`'s tables into CR3 on this CPU. */
export function load(s: Space_hst): void {
  const c = percpu.cpuIndex.get();
  here().loaded = s;
  s.used.add(c);
  if (!state.pcid) {
    writeCr3(u64(s.root));
    return;
  }
  if (s.pcid === 0) takePcid(s);
  let cr3 = u64(s.root) | u64(s.pcid);
  if (s.pcid !== 0 && !s.stale.has(c)) cr3 |= CR3_NO_FLUSH;
  s.stale.remove(c);
  writeCr3(cr3);
}

/** This CPU went back to the kernel's own tables (root.ts, at the end). */
export function unloaded(): void {
  here().loaded = null;
}

/** A vCPU with guest space `s` runs on this CPU next (vcpu.ts prepare, holding the kernel lock). */
export function enterGuest(s: Space_hst): void {
  const t = here();
  // Mostly there already (every entry comes here): no stores, no locked OR then.
  if (t.guest === s) return;
  t.guest = s;
  const c = percpu.cpuIndex.get();
  if (!s.used.has(c)) s.used.add(c);
}

/** space_hst's hook: the entry for `va` in `s` changed. */
export function flushed(s: Space_hst, va: Virt): void {
  // A DMA space: the IOMMUs' IOTLBs, invalidated in sync() before the hypercall returns.
  if (s.dma()) {
    iommu.flushed(s);
    hazard.raiseLocked(Hazard.TLB);
    return;
  }
  // A guest space is in no CR3: its vCPUs take fresh ASIDs (this CPU's too) and other CPUs
  // running them are sent out of the guest by sync().
  if (s.guest()) s.flushes++;
  // This CPU: INVLPG if the space is loaded; with PCIDs, if it is not, its entries may still
  // be cached under the space's PCID, and a load later in the same kernel entry must not keep
  // them (load() flushes a stale PCID).
  if (here().loaded === s) invlpg(va);
  else if (state.pcid) s.stale.add(percpu.cpuIndex.get());
  // A space being destroyed (its teardown revokes every slot) is loaded nowhere and its PCID
  // comes back with every CPU stale: no shootdown, and it must not go on the list it leaves.
  if (s.dirty || s.hdr.dead !== 0) return;
  s.dirty = true;
  s.nextDirty = state.dirty;
  state.dirty = s;
  hazard.raiseLocked(Hazard.TLB);
}

/**
 * A host space goes away: off the shootdown list, its PCID given back. It
 * needs no shootdown of its own: a CPU keeps its loaded PD referenced (ec.ts),
 * so no CPU has an unreferenced space in CR3, and what a CPU may still cache
 * of it is tagged with its PCID, which comes back with every CPU stale. It may
 * be on the list although it is being destroyed now: the teardown of another
 * space destroyed in the same reap revoked pages derived into it while it was
 * still alive (any order of destruction within one reap is fine).
 */
export function forget(s: Space_hst): void {
  if (s.dirty) unlinkDirty(s);
  for (let c: u32 = 0; c < ipi.online(); c++) {
    const t = state.cpus[usize(c)];
    if (t.loaded === s) t.loaded = null;
    if (t.guest === s) t.guest = null;
  }
  if (s.pcid !== 0) {
    state.free[usize(state.freeCount)] = u16(s.pcid);
    state.freeCount++;
    s.pcid = 0;
  }
}

function unlinkDirty(s: Space_hst): void {
  if (state.dirty === s) state.dirty = s.nextDirty;
  else {
    let p = state.dirty;
    while (p !== null && p.nextDirty !== s) p = p.nextDirty;
    if (p === null) panic("tlb: a dirty host space not on the shootdown list");
    p.nextDirty = s.nextDirty;
  }
  s.nextDirty = null;
  s.dirty = false;
}

/** Settles every dirty space (see the file comment); returns when no CPU can use an old entry. */
export function sync(): void {
  // Inlined where the slow path lets its lock go: nothing unmapped is one load.
  if (!hazard.has(Hazard.TLB)) return;
  hazard.clear(Hazard.TLB);
  iommu.settle();
  shootDirty();
}

function shootDirty(): void {
  let s = state.dirty;
  state.dirty = null;
  const self = percpu.cpuIndex.get();
  const online = ipi.online();
  let sent = false;
  while (s !== null) {
    assert(s.hdr.dead === 0, "tlb: a destroyed host space on the shootdown list");
    for (let c: u32 = 0; c < online; c++) {
      if (!s.used.has(c)) continue;
      const t: CpuTlb = state.cpus[usize(c)];
      if (t.loaded === s || t.guest === s) {
        // This CPU's INVLPG was done in flushed(); the others flush on request.
        if (c !== self) {
          ask(c, Request.FLUSH);
          sent = true;
        }
        continue;
      }
      if (state.pcid) s.stale.add(c);
      s.used.remove(c);
    }
    s.dirty = false;
    const n: Space_hst | null = s.nextDirty;
    s.nextDirty = null;
    s = n;
  }
  if (sent) {
    state.rounds++;
    waitForAnswers();
  }
}

/**
 * After any PIO space's bitmap changed (space_pio.ts): every CPU copies its
 * running PD's bitmap into its TSS again before the slow path lets its lock
 * go, this one at once, the others on request. A port a PD lost with a PIO
 * space or a PD destroyed is closed as surely as one revoked by ctrl_pd.
 */
export function settleIoBitmaps(): void {
  if (!hazard.has(Hazard.IO_BITMAP)) return;
  hazard.clear(Hazard.IO_BITMAP);
  currentPd.reloadIoBitmap();
  requestAll(Request.IO_BITMAP);
}

/** Sets `what` in CPU `c`'s requests; the IPI goes only if none was pending. */
function ask(c: u32, what: Request): void {
  if (state.cpus[usize(c)].request.or(u32(what)) !== 0) return;
  ipi.send(c, ipi.VECTOR_SHOOTDOWN);
}

/** Asks every other online CPU for `what` and waits until all have done it. */
export function requestAll(what: Request): void {
  const self = percpu.cpuIndex.get();
  const online = ipi.online();
  if (online <= 1) return;
  for (let c: u32 = 0; c < online; c++) if (c !== self) ask(c, what);
  state.rounds++;
  waitForAnswers();
}

function waitForAnswers(): void {
  const since = rdtsc();
  for (let c: u32 = 0; c < ipi.online(); c++) {
    const t = state.cpus[usize(c)];
    while (t.request.load() !== 0) {
      if (watchdog.overdue(since)) watchdog.stuck(c, "a TLB shootdown answer");
      pause();
    }
  }
}

/**
 * Answers a pending shootdown request on this CPU: the SHOOTDOWN vector's
 * handler (exceptions.ts, without the kernel lock) and the kernel lock's
 * spin loop.
 */
export function answer(): void {
  const t = here();
  for (;;) {
    const r = t.request.load();
    if (r === 0) return;
    if ((r & u32(Request.FLUSH)) !== 0) writeCr3(readCr3());
    if ((r & u32(Request.IO_BITMAP)) !== 0) currentPd.reloadIoBitmap();
    // Cleared only after the work: the sender waits for 0. A bit it added meanwhile stays.
    if (t.request.compareExchange(r, 0)) return;
  }
}

/** Rounds of requests that waited for other CPUs (shootdowns, I/O bitmap reloads). */
export function rounds(): u64 {
  return state.rounds;
}
