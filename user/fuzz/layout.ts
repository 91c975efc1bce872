// Where the fuzzer keeps things. Every object space it builds (the root's and
// each child PD's) has the same selector layout, so a capability range means
// the same in all of them and a delegation between two spaces can keep its
// selectors:
//
//   STRUCT  0x20000 (root only) the originals of what a round builds: child PDs
//           and their spaces, the handlers, portals, workers, semaphores
//   SHARED  0x21000 copies of STRUCT (reduced where a handler relies on them)
//           that every space gets: the spaces and PDs of the round, NOVA
//           spaces, semaphores, interrupt semaphores, idle SCs, portals to the
//           handlers, worker ECs and SCs, and the event portal tables
//   FUZZ    0x22000 a region of 256 selectors per CPU, split by kind, where the
//           call generator creates objects and delegates to
//   VCPU    0x22800 (root's originals, copied to every child) the vCPUs' event
//           tables, one per PD and CPU (vcpuEvt)
//
// The generator takes selectors from SHARED and FUZZ and writes only into
// FUZZ, so the structure the workers and handlers run on stays intact during a
// round; the round ends by revoking STRUCT, SHARED and FUZZ of the root (one
// aligned block) and every child's whole object space.
//
// Memory: the host spaces' window WINDOW (1024 pages) takes the UTCBs of the
// ECs the generator makes and its delegations; the workers' and handlers'
// UTCBs lie elsewhere, at STRUCT_UTCB, and the image at 0x400000 is shared
// with the children at the same addresses (data pages included).

/** Children PDs made every round (PD j = 1…CHILDREN; the root PD is j = 0). */
export const CHILDREN: u64 = 2;
export const PDS: u64 = CHILDREN + 1;
/** CPUs the fuzzer uses at most (one worker per PD on each). */
export const MAX_CPUS: u64 = 8;
export const MAX_WORKERS: u64 = PDS * MAX_CPUS;

/** The round's block of the object space: STRUCT, SHARED, FUZZ. */
export const BLOCK: u64 = 0x20000;
export const BLOCK_ORDER: u64 = 14;
export const STRUCT: u64 = 0x20000;
export const SHARED: u64 = 0x21000;
export const SHARED_ORDER: u64 = 12;
export const FUZZ: u64 = 0x22000;
export const FUZZ_ORDER: u64 = 11;
export const FUZZ_END: u64 = FUZZ + (u64(1) << FUZZ_ORDER);

// SHARED (and STRUCT, at the same offsets) by offset.
/** Space t of PD j at SPACES + 8j + t. */
export const SPACES: u64 = 0x000;
export const SP_OBJ: u64 = 0;
export const SP_HST: u64 = 1;
export const SP_PIO: u64 = 2;
export const SP_MSR: u64 = 3;
export const SP_GST: u64 = 4;
/** A DMA space (made only where the HIP has an IOMMU). */
export const SP_DMA: u64 = 5;
/**
 * A PIO space of the PD's own that its vCPUs get (handler.ts): the children's PIO spaces, for
 * the root a fresh one, never the root's own (every port: a guest running garbage with it could
 * reset the machine).
 */
export const SP_VPIO: u64 = 6;
/** PD j. */
export const PD_CAPS: u64 = 0x020;
/** The NOVA object, host, PIO and MSR spaces (TAKE). */
export const NOVA_OBJ_AT: u64 = 0x024;
export const NOVA_HST_AT: u64 = 0x025;
export const NOVA_PIO_AT: u64 = 0x026;
export const NOVA_MSR_AT: u64 = 0x027;
/** Semaphores every worker may use. */
export const SMS: u64 = 0x030;
export const SMS_COUNT: u64 = 16;
/** Copies of interrupt semaphores (the NOVA object space's). */
export const INT_SMS: u64 = 0x040;
export const INT_SMS_COUNT: u64 = 16;
/** Idle SC of CPU c. */
export const IDLE_SCS: u64 = 0x050;
/** Portal to the handler of CPU c (CALL and CTRL; not EVENT). */
export const SERVICE: u64 = 0x058;
/** Worker w's EC and SC. */
export const WORKER_ECS: u64 = 0x060;
export const WORKER_SCS: u64 = 0x080;
export const WORKER_ORDER: u64 = 5;
/** Event base of the ECs the generator makes on CPU c: every host event to that CPU's handler. */
export const FUZZ_EVT: u64 = 0x200;
export const EVT_TABLES_ORDER: u64 = 9;
/** Event base of the workers on CPU c: STARTUP and RECALL to that CPU's handler. */
export const WORKER_EVT: u64 = 0x400;
export const EVT_STRIDE: u64 = 0x40;
/** STRUCT only: the handler ECs; the sweep's ECs, portals and SCs (round.ts), event bases. */
export const HANDLERS: u64 = 0x800;
export const SWEEP: u64 = 0x900;
export const SWEEP_EVT: u64 = 0xa00;

/**
 * Past FUZZ, in the round's block: the vCPUs' event tables, one per PD j and CPU c at
 * vcpuEvt(j, c), every portal bound to the handler of CPU c (PID: the PD and the event). Tables
 * are 0x100 apart: only the events VCPU_EVENTS lists have portals, and no table's STARTUP and
 * RECALL (0x100, 0x101) meet the next one's events (VMX's start at 2). The whole area is copied
 * to every child.
 */
export const VCPU_EVT: u64 = 0x22800;
/** CPUs with vCPU tables (the last table ends inside the block); a vCPU elsewhere dies. */
export const VCPU_CPUS: u64 = 7;
export const VCPU_AREA: u64 = 0x22800;
export const VCPU_AREA_ORDER: u64 = 11;
export const VCPU_AREA2: u64 = 0x23000;
export const VCPU_AREA2_ORDER: u64 = 12;

export function vcpuEvt(j: u64, c: u64): u64 {
  return VCPU_EVT + (j * MAX_CPUS + c) * 0x100;
}

/**
 * The guest code page (fuzz.S fuzz_guest_code), mapped into each PD's guest space at
 * guest-physical page GUEST_CODE_PAGE, and the guest-physical pages the generator delegates to
 * most (the first MiB: what a real-mode guest reaches).
 */
export const GUEST_CODE_PAGE: u64 = 1;
export const GUEST_LOW_ORDER: u64 = 8;

/** An event base no portal is ever at: a handler's (it never faults) and the root-only part. */
export const EVT_NONE: u64 = 0x3f000;

// A FUZZ region (256 selectors, one per CPU): objects by kind, then copies (the
// delegations' usual destination, aligned for ranges up to order 7).
export const REGION_ORDER: u64 = 8;
export const R_PD: u64 = 0x00;
export const R_SPACE: u64 = 0x10;
export const R_EC: u64 = 0x30;
export const R_SC: u64 = 0x50;
export const R_PT: u64 = 0x60;
export const R_SM: u64 = 0x70;
export const R_COPY: u64 = 0x80;
export const COPY_ORDER: u64 = 7;
export const R_END: u64 = 0x100;

/** The host window: UTCBs of generated ECs and host delegations (2^WINDOW_ORDER pages). */
export const WINDOW: u64 = 0x4000_0000;
export const WINDOW_ORDER: u64 = 10;
/**
 * Structural UTCBs: worker w at + w pages, the handler of CPU c at + (HANDLER_UTCB + c), the
 * sweep's two ECs of CPU c at + (SWEEP_UTCB + 2c) and the page after.
 */
export const STRUCT_UTCB: u64 = 0x7ff0_0000_0000;
export const HANDLER_UTCB: u64 = 0x40;
export const SWEEP_UTCB: u64 = 0x50;
/** The image's first page and how many the children get (order 10 from there). */
export const IMAGE_PAGE: u64 = 0x400;
export const IMAGE_ORDER: u64 = 10;
/** Low physical pages the generator may map writable (no kernel, module or boot data there). */
export const LOW_PHYS: u64 = 0x20;
export const LOW_PHYS_ORDER: u64 = 6;
/** COM1's ports, which the children get with trace=1. */
export const COM1_FIRST: u64 = 0x3f8;
export const COM1_ORDER: u64 = 3;
// Where ctrl_pd may write, whatever the destination space (gen.ts destinationOk): FUZZ, the
// window, PORTS and the MSRs' high window, read as selectors, ports, MSRs or pages alike. The
// root's host space keeps the page tables made for any of them (by design), so the root makes
// them all before its baseline (round.ts prepareDestinations). PORTS are ports no device of
// q35 decodes: a port that resets the machine (0x64, 0x92, 0xcf9) or programs a device that
// can do DMA (PCI configuration, fw_cfg, a PCI BAR) in the hands of an EC that runs garbage
// would make the fuzzer's failures the machine's.
export const PORTS: u64 = 0x2000;
export const PORTS_ORDER: u64 = 13;
export const MSR_HIGH: u64 = 0xc000_0000;
export const MSR_HIGH_ORDER: u64 = 13;

/** Stacks (fuzz.S): one per worker, one per handler. */
export const STACK_SIZE: u64 = 0x2000;

export function workerIndex(pd: u64, cpu: u64): u64 {
  return pd * MAX_CPUS + cpu;
}

export function workerUtcb(w: u64): u64 {
  return STRUCT_UTCB + w * 0x1000;
}

export function handlerUtcb(c: u64): u64 {
  return STRUCT_UTCB + (HANDLER_UTCB + c) * 0x1000;
}

export function workerStackTop(w: u64): u64 {
  return u64(linkerSymbol("fuzz_worker_stacks")) + (w + 1) * STACK_SIZE;
}

export function handlerStackTop(c: u64): u64 {
  return u64(linkerSymbol("fuzz_handler_stacks")) + (c + 1) * STACK_SIZE;
}

/** The worker whose stack holds `rsp` (up to its top), or MAX_WORKERS. */
export function workerOfStack(rsp: u64): u64 {
  const base = u64(linkerSymbol("fuzz_worker_stacks"));
  if (rsp <= base) return MAX_WORKERS;
  const w = (rsp - 1 - base) / STACK_SIZE;
  return w < MAX_WORKERS ? w : MAX_WORKERS;
}

/** The CPU whose handler stack holds `rsp`. */
export function handlerOfStack(rsp: u64): u64 {
  return (rsp - 1 - u64(linkerSymbol("fuzz_handler_stacks"))) / STACK_SIZE;
}

/** The portal IPs the generator gives (fuzz.S fuzz_entries, 16 bytes apart), and how many. */
export const ENTRIES: u64 = 5;

export function entry(i: u64): u64 {
  return u64(linkerSymbol("fuzz_entries")) + i * 16;
}

/** Whether `va` is one of the entries. */
export function isEntry(va: u64): bool {
  const first = u64(linkerSymbol("fuzz_entries"));
  return va >= first && va < first + ENTRIES * 16 && (va - first) % 16 === 0;
}

/** `va`, or 0 if it lies in the image (code run there with random registers could write anywhere). */
export function outsideImage(va: u64): u64 {
  const image = IMAGE_PAGE << 12;
  return va >= image && va < image + (u64(1) << (IMAGE_ORDER + 12)) ? 0 : va;
}

/** Region of CPU c in the FUZZ area. */
export function region(c: u64): u64 {
  return FUZZ + (c << REGION_ORDER);
}
