// A round, as the root EC runs it (layout.ts has the selectors): build the
// round's structure in STRUCT (child PDs with every space type and the image
// mapped, a handler per CPU with its portals, semaphores, copies of
// interrupt semaphores and idle SCs, a worker per PD and CPU), copy what the
// generator may use to SHARED and SHARED into each child, give the workers
// their SCs, wait until every worker is done (a worker that makes no progress
// for HANG_MS is a hang), then revoke it all: each child's whole object
// space first (which breaks every cycle of capabilities the round made:
// each lies in some object space, and every original of the round in the
// root's block or a child's space), then the root's block and the ranges of
// its host and PIO spaces the generator writes to.

import { EC_T, INT_M, PdOp } from "../../abi/hypercall.ts";
import {
  HST_RECALL,
  HST_STARTUP,
  SEL_GST_ARCH,
  SEL_GST_NOVA,
  SEL_HST_ARCH,
  SEL_HST_NOVA,
} from "../../abi/events.ts";
import { MTD_GPR0_7, MTD_GPR8_15, MTD_QUAL, MTD_RFLAGS, MTD_RIP } from "../../abi/mtd.ts";
import { PERM_MASK, Perm_mem, Perm_pt } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { scd } from "../../abi/scd.ts";
import { NOVA_OBJ_INT_SM, ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import {
  Msi,
  assignInt,
  createEc,
  createPd,
  createPt,
  createSc,
  createSm,
  ctrlPd,
  ctrlPt,
  smDown,
} from "../nova/hypercall.ts";
import {
  NOVA_HST,
  NOVA_MSR,
  NOVA_OBJ,
  NOVA_PIO,
  ROOT_HST,
  ROOT_OBJ,
  ROOT_PIO,
} from "../roottest/sel.ts";
import { hasIommu, hip } from "../nova/hip.ts";
import * as handler from "./handler.ts";
import * as L from "./layout.ts";
import { STREAMS, config, reset, streams } from "./state.ts";

/**
 * The root's own MSR space (made once: the first MSR space of a PD binds to it for good, so one
 * the generator made for the root PD would outlive the round) and the semaphore it sleeps on;
 * both next to the setup capabilities (user/roottest/sel.ts), where no delegation goes.
 */
export const ROOT_MSR: u64 = 0x1008;
export const SLEEP_SM: u64 = 0x1009;

/** Workers' SCs: below the root EC's 127, so the root's waits are what lets CPU 0's run. */
const WORKER_PRIO: u64 = 10;
const WORKER_BUDGET_MS: u64 = 2;
/** A worker without progress for this long is a hang. */
export const HANG_MS: u64 = 30_000;
/** How often the root looks at the workers. */
const POLL_MS: u64 = 20;

/** The interrupt semaphores the generator gets (GSIs; then MSI slots from INTPIN on). */
const GSIS: u64 = 12;

/** What the first failing step of building a round was (0 when it worked), and its status. */
class Build {
  step: u64;
  status: u32;
}
export const build = new Build();

/** A step of building: whether `st` is SUCCESS, else remembered as the failure. */
function ok(step: u64, st: u32): bool {
  if (st === Status.SUCCESS) return true;
  if (build.step === 0) {
    build.step = step;
    build.status = st;
  }
  return false;
}

function copy(from: u64, to: u64, pmm: u64): u32 {
  return ctrlPd(ROOT_OBJ, ROOT_OBJ, from, 0, to, pmm, 0);
}

function st(off: u64): u64 {
  return L.STRUCT + off;
}

/** PD j's capability in STRUCT. */
function pdCap(j: u64): u64 {
  return st(L.PD_CAPS + j);
}

/** Space t of PD j in STRUCT. */
function space(j: u64, t: u64): u64 {
  return st(L.SPACES + j * 8 + t);
}

function children(): bool {
  let good = true;
  for (let j: u64 = 1; j < L.PDS && good; j++) {
    good =
      ok(10, createPd(pdCap(j), PdOp.PD, ROOT_OBJ_ROOT_PD)) &&
      ok(11, createPd(space(j, L.SP_OBJ), PdOp.OBJ, pdCap(j))) &&
      ok(12, createPd(space(j, L.SP_HST), PdOp.HST, pdCap(j))) &&
      ok(13, createPd(space(j, L.SP_PIO), PdOp.PIO, pdCap(j))) &&
      ok(14, createPd(space(j, L.SP_MSR), PdOp.MSR, pdCap(j))) &&
      ok(15, createPd(space(j, L.SP_GST), PdOp.GST, pdCap(j))) &&
      ok(18, copy(space(j, L.SP_PIO), space(j, L.SP_VPIO), PERM_MASK)) &&
      dmaSpace(j) &&
      guestCode(j) &&
      // The image at its addresses, data pages included: the workers share the state.
      ok(
        16,
        ctrlPd(
          ROOT_HST,
          space(j, L.SP_HST),
          L.IMAGE_PAGE,
          L.IMAGE_ORDER,
          L.IMAGE_PAGE,
          PERM_MASK,
          0,
        ),
      );
    if (good && config.trace)
      good = ok(
        17,
        ctrlPd(
          ROOT_PIO,
          space(j, L.SP_PIO),
          L.COM1_FIRST,
          L.COM1_ORDER,
          L.COM1_FIRST,
          PERM_MASK,
          0,
        ),
      );
  }
  return good;
}

/** PD j's DMA space, where the HIP has an IOMMU (create_pd OP 4 is BAD_FTR without). */
function dmaSpace(j: u64): bool {
  return !hasIommu() || ok(19, createPd(space(j, L.SP_DMA), PdOp.DMA, pdCap(j)));
}

/** The guest code page (fuzz.S) in PD j's guest space at GUEST_CODE_PAGE, read and execute. */
function guestCode(j: u64): bool {
  const page = u64(linkerSymbol("fuzz_guest_code")) >> 12;
  const x = Perm_mem.R | Perm_mem.XU | Perm_mem.XS;
  return ok(8, ctrlPd(ROOT_HST, space(j, L.SP_GST), page, 0, L.GUEST_CODE_PAGE, x, GUEST_CODE_MAD));
}

/** The guest code page's memory attributes (§10.4): write-back. */
const GUEST_CODE_MAD: u32 = 6;

/** The root's entries in STRUCT: its PD and spaces, the NOVA spaces, semaphores, idle SCs. */
function rootEntries(): bool {
  let good =
    ok(20, copy(ROOT_OBJ_ROOT_PD, pdCap(0), PERM_MASK)) &&
    ok(21, copy(ROOT_OBJ, space(0, L.SP_OBJ), PERM_MASK)) &&
    ok(22, copy(ROOT_HST, space(0, L.SP_HST), PERM_MASK)) &&
    ok(23, copy(ROOT_PIO, space(0, L.SP_PIO), PERM_MASK)) &&
    ok(24, copy(ROOT_MSR, space(0, L.SP_MSR), PERM_MASK)) &&
    ok(25, createPd(space(0, L.SP_GST), PdOp.GST, ROOT_OBJ_ROOT_PD)) &&
    ok(33, createPd(space(0, L.SP_VPIO), PdOp.PIO, ROOT_OBJ_ROOT_PD)) &&
    dmaSpace(0) &&
    guestCode(0) &&
    ok(26, copy(NOVA_OBJ, st(L.NOVA_OBJ_AT), PERM_MASK)) &&
    ok(27, copy(NOVA_HST, st(L.NOVA_HST_AT), PERM_MASK)) &&
    ok(28, copy(NOVA_PIO, st(L.NOVA_PIO_AT), PERM_MASK)) &&
    ok(29, copy(NOVA_MSR, st(L.NOVA_MSR_AT), PERM_MASK)) &&
    // The idle SCs are the NOVA object space's selectors 0…CPUNUM-1 (§9.3).
    ok(30, ctrlPd(NOVA_OBJ, ROOT_OBJ, 0, 3, st(L.IDLE_SCS), PERM_MASK, 0));
  for (let i: u64 = 0; i < L.SMS_COUNT && good; i++)
    good = ok(31, createSm(st(L.SMS + i), ROOT_OBJ_ROOT_PD, i % 3));
  for (let i: u64 = 0; i < L.INT_SMS_COUNT && good; i++) {
    // GSIs 1…GSIS, then the first MSI slots (INTPIN and up, §9.3).
    const n = i < GSIS ? 1 + i : u64(hip().intPin) + i - GSIS;
    good = ok(
      32,
      ctrlPd(NOVA_OBJ, ROOT_OBJ, NOVA_OBJ_INT_SM + n, 0, st(L.INT_SMS + i), PERM_MASK, 0),
    );
  }
  return good;
}

/** CPU c's handler, its service portal and its two event tables. */
function handlerOf(c: u64): bool {
  const h = st(L.HANDLERS + c);
  const entry = u64(linkerSymbol("fuzz_handler_entry"));
  let good =
    ok(
      40,
      createEc(h, 0, ROOT_OBJ_ROOT_PD, L.handlerUtcb(c), c, L.handlerStackTop(c), L.EVT_NONE),
    ) &&
    ok(41, createPt(st(L.SERVICE + c), ROOT_OBJ_ROOT_PD, h, entry)) &&
    ok(42, ctrlPt(st(L.SERVICE + c), handler.pid(handler.KIND_CALL, 0), 0));
  const fuzzEvt = st(L.FUZZ_EVT + c * L.EVT_STRIDE);
  const all = MTD_GPR0_7 | MTD_GPR8_15 | MTD_RFLAGS | MTD_RIP | MTD_QUAL;
  for (let n: u64 = 0; n < u64(SEL_HST_ARCH + SEL_HST_NOVA) && good; n++)
    good =
      ok(43, createPt(fuzzEvt + n, ROOT_OBJ_ROOT_PD, h, entry)) &&
      ok(44, ctrlPt(fuzzEvt + n, handler.pid(handler.KIND_EVENT, n), all));
  // The vCPUs' tables of CPU c, one per PD: the events the vendor's guests reach.
  for (let j: u64 = 0; j < L.PDS && good && c < L.VCPU_CPUS; j++)
    for (let n: u64 = 0; n < u64(SEL_GST_ARCH + SEL_GST_NOVA) && good; n++) {
      if (!handler.vcpuEvent(n)) continue;
      const at = L.vcpuEvt(j, c) + n;
      good =
        ok(49, createPt(at, ROOT_OBJ_ROOT_PD, h, entry)) &&
        ok(49, ctrlPt(at, handler.pid(handler.KIND_VCPU, (j << 12) | n), handler.VCPU_EVENT_MTD));
    }
  const workerEvt = st(L.WORKER_EVT + c * L.EVT_STRIDE);
  const start = workerEvt + u64(HST_STARTUP);
  const recall = workerEvt + u64(HST_RECALL);
  return (
    good &&
    ok(45, createPt(start, ROOT_OBJ_ROOT_PD, h, entry)) &&
    ok(
      46,
      ctrlPt(start, handler.pid(handler.KIND_WORKER, u64(HST_STARTUP)), MTD_RIP | MTD_GPR0_7),
    ) &&
    ok(47, createPt(recall, ROOT_OBJ_ROOT_PD, h, entry)) &&
    ok(48, ctrlPt(recall, handler.pid(handler.KIND_WORKER, u64(HST_RECALL)), MTD_RIP | MTD_GPR0_7))
  );
}

/** The workers' ECs: one per PD and CPU, global, its event base its CPU's worker table. */
function workers(): bool {
  let good = true;
  for (let j: u64 = 0; j < L.PDS && good; j++)
    for (let c: u64 = 0; c < config.cpus && good; c++) {
      const w = L.workerIndex(j, c);
      const evt = L.SHARED + L.WORKER_EVT + c * L.EVT_STRIDE;
      good = ok(
        50,
        createEc(
          st(L.WORKER_ECS + w),
          EC_T,
          pdCap(j),
          L.workerUtcb(w),
          c,
          L.workerStackTop(w),
          evt,
        ),
      );
    }
  return good;
}

/**
 * SHARED from STRUCT: the portals the handlers rely on lose CTRL (the event tables keep only
 * EVENT, the service portals CALL and CTRL: no event reaches them), then into every child.
 */
function share(): bool {
  const self = ROOT_OBJ;
  let good =
    ok(60, ctrlPd(self, self, L.STRUCT, 8, L.SHARED, PERM_MASK, 0)) &&
    ok(
      61,
      ctrlPd(
        self,
        self,
        L.SHARED + L.SERVICE,
        3,
        L.SHARED + L.SERVICE,
        Perm_pt.CALL | Perm_pt.CTRL,
        0,
      ),
    ) &&
    ok(
      62,
      ctrlPd(
        self,
        self,
        st(L.FUZZ_EVT),
        L.EVT_TABLES_ORDER,
        L.SHARED + L.FUZZ_EVT,
        Perm_pt.EVENT,
        0,
      ),
    ) &&
    ok(
      63,
      ctrlPd(
        self,
        self,
        st(L.WORKER_EVT),
        L.EVT_TABLES_ORDER,
        L.SHARED + L.WORKER_EVT,
        Perm_pt.EVENT,
        0,
      ),
    );
  for (let j: u64 = 1; j < L.PDS && good; j++)
    good =
      ok(64, ctrlPd(self, space(j, L.SP_OBJ), L.SHARED, L.SHARED_ORDER, L.SHARED, PERM_MASK, 0)) &&
      ok(
        65,
        ctrlPd(
          self,
          space(j, L.SP_OBJ),
          L.VCPU_AREA,
          L.VCPU_AREA_ORDER,
          L.VCPU_AREA,
          Perm_pt.EVENT,
          0,
        ),
      ) &&
      ok(
        66,
        ctrlPd(
          self,
          space(j, L.SP_OBJ),
          L.VCPU_AREA2,
          L.VCPU_AREA2_ORDER,
          L.VCPU_AREA2,
          Perm_pt.EVENT,
          0,
        ),
      );
  return good;
}

/** Builds the round (`build` says where it failed). */
export function make(): bool {
  build.step = 0;
  for (let s: u64 = 0; s < STREAMS; s++) reset(streams[s]);
  handler.prepare();
  let good = children() && rootEntries();
  for (let c: u64 = 0; c < config.cpus && good; c++) good = handlerOf(c);
  return good && workers() && share();
}

/** The workers' SCs, which start them; then their copies in SHARED (ctrl_sc's targets). */
export function start(): bool {
  let good = true;
  for (let j: u64 = 0; j < L.PDS && good; j++)
    for (let c: u64 = 0; c < config.cpus && good; c++) {
      const w = L.workerIndex(j, c);
      good = ok(
        70,
        createSc(
          st(L.WORKER_SCS + w),
          ROOT_OBJ_ROOT_PD,
          st(L.WORKER_ECS + w),
          scd(WORKER_BUDGET_MS, WORKER_PRIO, 0),
        ),
      );
    }
  const scs = L.SHARED + L.WORKER_SCS;
  good =
    good && ok(71, ctrlPd(ROOT_OBJ, ROOT_OBJ, st(L.WORKER_SCS), L.WORKER_ORDER, scs, PERM_MASK, 0));
  for (let j: u64 = 1; j < L.PDS && good; j++)
    good = ok(72, ctrlPd(ROOT_OBJ, space(j, L.SP_OBJ), scs, L.WORKER_ORDER, scs, PERM_MASK, 0));
  return good;
}

/** The root EC sleeps `ms` on its own semaphore (no one ups it). */
export function sleep(ms: u64): void {
  smDown(SLEEP_SM, false, rdtsc() + ms * 1000 * config.ticksPerUs);
}

class Wait {
  /** The worker that hung (MAX_WORKERS: none). */
  hung: u64;
}
export const wait = new Wait();
const seenCalls = array<u64, 24>();
const seenAt = array<u64, 24>();

/** Until every worker is done (true), or one made no progress for HANG_MS (false, `wait.hung`). */
export function waitForWorkers(): bool {
  wait.hung = L.MAX_WORKERS;
  const now0 = rdtsc();
  for (let w: u64 = 0; w < L.MAX_WORKERS; w++) {
    seenCalls[w] = 0;
    seenAt[w] = now0;
  }
  const limit = HANG_MS * 1000 * config.ticksPerUs;
  for (;;) {
    sleep(POLL_MS);
    const now = rdtsc();
    let all = true;
    for (let j: u64 = 0; j < L.PDS; j++)
      for (let c: u64 = 0; c < config.cpus; c++) {
        const w = L.workerIndex(j, c);
        const s = streams[w];
        if (s.done.load() !== 0) continue;
        all = false;
        const n = s.calls.load();
        if (n !== seenCalls[w]) {
          seenCalls[w] = n;
          seenAt[w] = now;
        } else if (now - seenAt[w] > limit) {
          wait.hung = w;
          return false;
        }
      }
    if (all) return true;
  }
}

const msi = new Msi();

/** Revokes everything of the round (the module comment); false if a revocation failed. */
export function clean(): bool {
  // The interrupts the workers configured go back to masked (their semaphores stay the kernel's).
  for (let i: u64 = 0; i < L.INT_SMS_COUNT; i++) assignInt(st(L.INT_SMS + i), INT_M, 0, 0, msi);
  let good = true;
  for (let j: u64 = 1; j < L.PDS; j++)
    good = ok(90, ctrlPd(ROOT_OBJ, space(j, L.SP_OBJ), 0, 18, 0, 0, 0)) && good;
  good = ok(91, ctrlPd(ROOT_OBJ, ROOT_OBJ, L.BLOCK, L.BLOCK_ORDER, L.BLOCK, 0, 0)) && good;
  good = revokeDestinations(ROOT_OBJ) && good;
  good = revokeDestinations(ROOT_HST) && good;
  good = revokeDestinations(ROOT_PIO) && good;
  good = revokeDestinations(ROOT_MSR) && good;
  // The ECs of the round that were in timed waits have let go of what they held (µs).
  sleep(1);
  return sweep() && good;
}

/**
 * An idle CPU keeps the PD it ran last referenced, with its spaces (kernel-ts/ec.ts install):
 * after a round that may be one of the round's. So each CPU but the root's runs two ECs of the
 * root PD, which it then keeps: a global EC whose STARTUP handler (fuzz.S fuzz_park) sends it
 * to block for good. Then they are revoked again.
 */
export function sweep(): bool {
  let good = true;
  for (let c: u64 = 1; c < config.cpus && good; c++) {
    const parker = st(L.SWEEP + 3 * c);
    const utcb = L.STRUCT_UTCB + (L.SWEEP_UTCB + 2 * c) * 0x1000;
    const evt = st(L.SWEEP_EVT + c * L.EVT_STRIDE);
    const park = u64(linkerSymbol("fuzz_park"));
    good =
      ok(100, createEc(parker, 0, ROOT_OBJ_ROOT_PD, utcb, c, utcb + 0x1000, L.EVT_NONE)) &&
      ok(101, createPt(evt + u64(HST_STARTUP), ROOT_OBJ_ROOT_PD, parker, park)) &&
      ok(102, createEc(parker + 1, EC_T, ROOT_OBJ_ROOT_PD, utcb + 0x1000, c, 0, evt)) &&
      ok(103, createSc(parker + 2, ROOT_OBJ_ROOT_PD, parker + 1, scd(1, 127, 0)));
  }
  sleep(POLL_MS);
  return ok(104, ctrlPd(ROOT_OBJ, ROOT_OBJ, L.BLOCK, L.BLOCK_ORDER, L.BLOCK, 0, 0)) && good;
}

/**
 * pmm 0 over [base, base + 2^ord) of `sp` in place: revokes what it holds (§4.8). A range the
 * space does not have (ports above 0xffff, MSRs outside the windows) is BAD_PAR: nothing there.
 */
function revokeRange(sp: u64, base: u64, ord: u64): bool {
  const status = ctrlPd(sp, sp, base, ord, base, 0, 0);
  return status === Status.BAD_PAR || ok(92, status);
}

/** Every range of `sp` the generator may have written (gen.ts destinationOk), whatever its kind. */
function revokeDestinations(sp: u64): bool {
  return (
    revokeRange(sp, L.FUZZ, L.FUZZ_ORDER) &&
    revokeRange(sp, L.WINDOW >> 12, L.WINDOW_ORDER) &&
    revokeRange(sp, L.PORTS, L.PORTS_ORDER) &&
    revokeRange(sp, L.MSR_HIGH, L.MSR_HIGH_ORDER)
  );
}

/**
 * The page tables of every range the generator may map into the root host space, made once
 * before the baseline (the root's tables stay, by design): a page of the image put at the start
 * of each 2 MiB piece and taken away again.
 */
export function prepareDestinations(): bool {
  return (
    warm(L.FUZZ, L.FUZZ_ORDER) &&
    warm(L.WINDOW >> 12, L.WINDOW_ORDER) &&
    warm(L.PORTS, L.PORTS_ORDER) &&
    warm(L.MSR_HIGH, L.MSR_HIGH_ORDER)
  );
}

/** prepareDestinations for [base, base + 2^ord). */
function warm(base: u64, ord: u64): bool {
  let good = true;
  for (let p = base; p < base + (u64(1) << ord) && good; p += 512)
    good =
      ok(1, ctrlPd(ROOT_HST, ROOT_HST, L.IMAGE_PAGE, 0, p, Perm_mem.R, 0)) &&
      ok(2, ctrlPd(ROOT_HST, ROOT_HST, p, 0, p, 0, 0));
  return good;
}
