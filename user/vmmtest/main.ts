// The VMM test task (docs/testing.md): a root task that runs the test guests
// of guests.S as vCPUs of its own PD, with the event handlers of vmm.ts, and
// prints TEST lines in the format of user/roottest/test.ts. The same guests
// and cases run on AMD SVM and Intel VMX (the HIP says which, vmm.ts
// chooseVendor); where the vendors differ, the expectation names both. Ids: 1
// setup (roottest's), 100 the real-mode guest, 200 protected mode, 300 long
// mode, 400, 430, 460 the events guest in real, protected and long mode (a
// delegated MSR and port, interrupt window and injection, an intercepted
// exception, guest memory revoked while it runs, RECALL), 500 two vCPUs of
// one guest on two CPUs, 600 bad input from the VMM, 700 time offsetting (T),
// 800 the benches of bench.ts (their BENCH lines print at once), 900 VMX only
// (the STARTUP control masks, CR access exits, EPT violation qualifications,
// a VPID flush; then TPR shadow and threshold, APIC accesses, the NMI window,
// a TPR threshold VMLAUNCH refuses and MTD APIC without a page; `SKIP not
// applicable` elsewhere).
//
// The TEST lines are printed at the end (test.ts hold): the kernel logs the
// guests' ends (POISON kills) from other CPUs meanwhile.
//
// vCPU k (0, 1) runs on CPU k when the machine has two CPUs or more, else on
// CPU 0; its events go to handler EC k on the same CPU, through portals at
// EVT + k · EVT_STRIDE + n.

import { EC_G, EC_T, PdOp } from "../../abi/hypercall.ts";
import { Perm_gst_sp, Perm_mem, Perm_msr, Perm_pio } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { scd } from "../../abi/scd.ts";
import { guestExit } from "../../abi/events.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { puts } from "../nova/console.ts";
import { hip } from "../nova/hip.ts";
import {
  createEc,
  createPd,
  createPt,
  createSc,
  createSm,
  ctrlEc,
  ctrlPd,
  ctrlPt,
  smDown,
} from "../nova/hypercall.ts";
import { msFromNow } from "../roottest/ecs.ts";
import { MTD_RIP } from "../../abi/mtd.ts";
import { VmxPrimary, VmxSecondary } from "../../abi/vmx_controls.ts";
import {
  VMX_APIC_LINEAR_READ,
  VMX_APIC_LINEAR_WRITE,
  VMX_APIC_TYPE_SHIFT,
  VMX_EPT_EXECUTABLE,
  VMX_EPT_FETCH,
  VMX_EPT_READ,
  VMX_EPT_READABLE,
  VMX_EPT_WRITABLE,
  VMX_EPT_WRITE,
} from "../../abi/vmx_exits.ts";
import { BENCH_BUF_GPA, BENCH_BUF_ORDER, delegations, reportExits } from "./bench.ts";
import { NOVA_MSR, NOVA_PIO, ROOT_HST, ROOT_OBJ, pd, revoke } from "../roottest/sel.ts";
import * as setup from "../roottest/setup.ts";
import {
  applicable,
  atLeast,
  below,
  block,
  check,
  consoleReady,
  expect,
  expectStatus,
  hold,
  isNot,
  isStatus,
  isValue,
  notApplicable,
  summary,
} from "../roottest/test.ts";
import {
  APIC_GPA,
  APIC_READ_VALUE,
  Bad,
  CR0_MP,
  CR0_PAGING,
  CR4_PAE,
  CR4_TSD,
  DONE_SM,
  FETCH_VALUE,
  FOREIGN_GST,
  FOREIGN_PD,
  GST_NO_ASSIGN,
  GST,
  GUEST_CODE_GPA,
  GUEST_DATA_GPA,
  GUEST_DATA_ORDER,
  HANDLERS,
  HANDLER_STACK,
  HANDLER_UTCB,
  HYPERCALL_GPA,
  DB_REPORT,
  IRQ_VECTOR,
  icebpReliable,
  MSR,
  Mode,
  NPF_GPA,
  NPF_VALUE,
  NMI_VALUE,
  PASS_MSR,
  PASS_PORT,
  PASS_VALUE,
  PIO,
  READ,
  STEP_SM,
  Seen,
  TLB_NEW_GPA,
  TLB_NEW_VALUE,
  TLB_OLD_VALUE,
  VIRTUAL_APIC,
  WATCH_GPA,
  WATCH_VALUE2,
  WRITE_VALUE,
  chooseVendor,
  guestSp,
  prepare,
  seen,
  vendor,
} from "./vmm.ts";

const HANDLER: u64 = 0x7003;
/** vCPUs and their SCs: VCPU + 16 · run + k (48 runs at most). */
const VCPU: u64 = 0x7100;
const VCPU_SC: u64 = 0x7400;
/** Event bases: EVT + k · EVT_STRIDE (§13.2: EVT + 0…0x101 each). */
const EVT: u64 = 0x8000;
const EVT_STRIDE: u64 = 0x200;
const EVENTS: u64 = 0x102;

const OK = Status.SUCCESS;
const PAGE: u64 = 4096;
const RX = Perm_mem.R | Perm_mem.XU;
const RW = Perm_mem.R | Perm_mem.W;
/** How long a guest may take (ms). */
const GUEST_MS: u64 = 10_000;

/** Guests run so far (each gets fresh vCPU selectors). */
class Runs {
  count: u64;
}
const runs = new Runs();

function page(va: Virt): u64 {
  return u64(va) / PAGE;
}

/** The CPU of vCPU k. */
function cpuOf(k: u64): u64 {
  return hip().cpuNum > 1 ? k : 0;
}

/** The vCPUs' spaces, a handler EC per CPU, one portal per event number and handler. */
function vmm(): void {
  check(
    "create_pd-gst-pio-msr-for-root",
    isStatus(createPd(GST, PdOp.GST, ROOT_OBJ_ROOT_PD), OK) &&
      isStatus(createPd(PIO, PdOp.PIO, ROOT_OBJ_ROOT_PD), OK) &&
      isStatus(createPd(MSR, PdOp.MSR, ROOT_OBJ_ROOT_PD), OK),
  );
  const stacks = u64(linkerSymbol("vmm_handler_stacks"));
  const ip = u64(linkerSymbol("vmm_portal_entry"));
  let ok = true;
  for (let k: u64 = 0; k < HANDLERS; k++) {
    const top = stacks + (k + 1) * HANDLER_STACK;
    const utcb = HANDLER_UTCB + k * PAGE;
    ok = ok && isStatus(createEc(HANDLER + k, 0, ROOT_OBJ_ROOT_PD, utcb, cpuOf(k), top, 0), OK);
    for (let n: u64 = 0; n < EVENTS; n++) {
      const sel = guestExit(EVT + k * EVT_STRIDE, n);
      ok = ok && isStatus(createPt(sel, ROOT_OBJ_ROOT_PD, HANDLER + k, ip), OK);
      ok = ok && isStatus(ctrlPt(sel, (k << 16) | n, READ), OK);
    }
  }
  check("create_ec-handlers-and-event-portals", ok);
  check(
    "create_sm-done-and-step",
    isStatus(createSm(DONE_SM, ROOT_OBJ_ROOT_PD, 0), OK) &&
      isStatus(createSm(STEP_SM, ROOT_OBJ_ROOT_PD, 0), OK),
  );
}

/**
 * The guest memory of a run: `code` at GUEST_CODE_GPA, the vendor's hypercall page, the data
 * pages, nothing at NPF_GPA; whether every delegation succeeded.
 */
function guestMapped(code: Virt): bool {
  const data = page(linkerSymbol("guest_data"));
  return (
    isStatus(pd(ROOT_HST, GST, page(code), 0, GUEST_CODE_GPA / PAGE, RX), OK) &&
    isStatus(pd(ROOT_HST, GST, page(vendor.hypercallPage), 0, HYPERCALL_GPA / PAGE, RX), OK) &&
    isStatus(pd(ROOT_HST, GST, data, GUEST_DATA_ORDER, GUEST_DATA_GPA / PAGE, RW), OK) &&
    isStatus(pd(ROOT_HST, GST, NPF_GPA / PAGE, 0, NPF_GPA / PAGE, 0), OK)
  );
}

function mapGuest(code: Virt): void {
  check("ctrl_pd-hst-to-gst-code-and-data", guestMapped(code));
}

/**
 * Creates vCPU k of this run (create_ec flags beyond G: `flags`), its virtual-APIC page (VMX)
 * mapped at VIRTUAL_APIC + k · 4096: create_ec's status.
 */
function createVcpu(k: u64, flags: u64): u32 {
  const evt = EVT + k * EVT_STRIDE;
  const sel = VCPU + runs.count * 16 + k;
  const apic = VIRTUAL_APIC + k * PAGE;
  return createEc(sel, EC_G | flags, ROOT_OBJ_ROOT_PD, apic, cpuOf(k), guestSp(k), evt);
}

/** Creates vCPU k of this run and its SC (which starts it): the first status that failed. */
function startVcpu(k: u64, flags: u64): u32 {
  const st = createVcpu(k, flags);
  if (st !== OK) return st;
  const sel = VCPU + runs.count * 16 + k;
  return createSc(VCPU_SC + runs.count * 16 + k, ROOT_OBJ_ROOT_PD, sel, scd(10, 1, 0));
}

/** An EPT violation's qualification: the access, and what the entry allowed. */
const EPT_ACCESS = VMX_EPT_READ | VMX_EPT_WRITE | VMX_EPT_FETCH;
const EPT_ALLOWED = VMX_EPT_READABLE | VMX_EPT_WRITABLE | VMX_EPT_EXECUTABLE;

/** The checks of one basic guest's run by vCPU k. */
function checkBasic(mode: u32, k: u64): void {
  const s = seen[usize(k)];
  expect("no-unexpected-event", s.unexpected, 0);
  expect("startup-rsp-is-create_ec-sp", s.startupRsp, guestSp(k));
  expect("reports", s.reportCount, 8);
  check(
    "cpuid-values",
    s.reports[0] === 0x1234 &&
      s.reports[1] === 0x5678 &&
      s.reports[2] === 0x9abc &&
      s.reports[3] === 0xdef0,
  );
  expect("cpuid-length", u64(s.cpuidLength), 2);
  check(
    "serial-ok",
    s.serialCount === 3 && s.serial[0] === 0x4f && s.serial[1] === 0x4b && s.serial[2] === 0xa,
  );
  check("rdmsr-value", s.reports[4] === 0x5566_7788 && s.reports[5] === 0x1122_3344);
  expect("rdmsr-length", u64(s.rdmsrLength), 2);
  expect("wrmsr-msr", s.msrWritten, 0x8b);
  expect("wrmsr-value", s.msrWriteValue, 0xcafe_0000_beef);
  expect("hlt-once", s.halts, 1);
  expect("hlt-length", u64(s.hltLength), 1);
  expect("npf-once", s.npfs, 1);
  // A read of a page not present. SVM's error code: W and P clear. VMX's qualification: a
  // read (neither write nor fetch), and the entry allowed nothing.
  if (vendor.vmx)
    expect("npf-info-not-present-read", s.npfInfo & (EPT_ACCESS | EPT_ALLOWED), VMX_EPT_READ);
  else expect("npf-info-not-present-read", s.npfInfo & 3, 0);
  expect("npf-mapped-value-read", s.reports[6], NPF_VALUE);
  expect("after-hlt", s.reports[7], 0x600d);
  if (mode === Mode.LONG) expect("state-written-reads-back", s.stateMismatches, 0);
  expect("ended-by-hypercall", s.hypercalls, 1);
}

/** Runs the guest of `mode` (its code at `code`) as vCPU 0; test ids from `base`. */
function basic(base: u64, mode: u32, code: Virt): void {
  block(base);
  prepare(mode, Bad.NONE);
  mapGuest(code);
  expectStatus("create_ec-and-sc-vcpu", startVcpu(0, 0), OK);
  expectStatus("guest-ended", smDown(DONE_SM, false, msFromNow(GUEST_MS)), OK);
  checkBasic(mode, 0);
  runs.count++;
}

/**
 * The events guest of `mode` (real, protected or long mode, its code at `code`) as vCPU 1
 * (on CPU 1 when there is one: the revocation and the recall then reach a guest that runs
 * on another CPU); test ids from `base`.
 */
function events(base: u64, mode: u32, code: Virt): void {
  block(base);
  prepare(mode, Bad.NONE);
  mapGuest(code);
  expectStatus(
    "ctrl_pd-watched-page",
    pd(ROOT_HST, GST, page(linkerSymbol("guest_watch_page")), 0, WATCH_GPA / PAGE, Perm_mem.R),
    OK,
  );
  check(
    "ctrl_pd-msr-and-port-to-vcpu-spaces",
    isStatus(ctrlPd(NOVA_MSR, MSR, PASS_MSR, 0, PASS_MSR, Perm_msr.R | Perm_msr.W, 0), OK) &&
      isStatus(ctrlPd(NOVA_PIO, PIO, PASS_PORT, 0, PASS_PORT, Perm_pio.A, 0), OK),
  );
  expectStatus("create_ec-and-sc-vcpu", startVcpu(1, 0), OK);
  // Step 2: the guest reads the watched page in a loop; it must fault once it is revoked.
  expectStatus("guest-watches", smDown(STEP_SM, false, msFromNow(GUEST_MS)), OK);
  expectStatus(
    "ctrl_pd-revoke-watched-page",
    pd(ROOT_HST, GST, page(linkerSymbol("guest_watch_page")), 0, WATCH_GPA / PAGE, 0),
    OK,
  );
  // Step 3: the guest spins without exits; the recall forces it out.
  expectStatus("guest-spins", smDown(STEP_SM, false, msFromNow(GUEST_MS)), OK);
  expectStatus("ctrl_ec-strong-recall-vcpu", ctrlEc(VCPU + runs.count * 16 + 1, true), OK);
  expectStatus("guest-ended", smDown(DONE_SM, false, msFromNow(GUEST_MS)), OK);
  const s = seen[1];
  expect("no-unexpected-event", s.unexpected, 0);
  const icebp = icebpReliable();
  expect("reports", s.reportCount, icebp ? 8 : 7);
  // The delegated MSR and port: no exits, and the MSR is the guest's (the VMCB's SYSENTER_CS).
  expect("delegated-msr-read-by-guest", s.reports[0], PASS_VALUE);
  check(
    "delegated-msr-and-port-no-exit",
    isValue(s.rdmsrLength, 0) && isValue(s.msrWritten, 0) && isValue(s.otherIo, 0),
  );
  expect("delegated-msr-is-the-guests", s.sysenterCs, PASS_VALUE);
  expect("window-exit-once", s.windows, 1);
  expect("injected-interrupt-taken", s.reports[2], u64(IRQ_VECTOR));
  // Valid, hardware exception (type 3), vector 6.
  expect("ud-intercepted-info", u64(s.udInfo), 0x8000_0306);
  expect("after-ud", s.reports[3], 4);
  // ICEBP's #DB: not the VMM's (no event), back in the guest, whose handler ran once.
  if (!icebp) notApplicable("QEMU TCG delivers a #DB put back by VMCB event injection wrongly");
  expect("icebp-db-reflected-to-guest", s.reports[4], DB_REPORT);
  applicable();
  expect("watched-page-fault-after-revoke", s.watchFaults, 1);
  expect("new-page-read-after-revoke", s.reports[icebp ? 6 : 5], WATCH_VALUE2);
  expect("recall-event", s.recalls, 1);
  check(
    "revoke-msr-and-port",
    isStatus(ctrlPd(NOVA_MSR, MSR, PASS_MSR, 0, PASS_MSR, 0, 0), OK) &&
      isStatus(ctrlPd(NOVA_PIO, PIO, PASS_PORT, 0, PASS_PORT, 0, 0), OK),
  );
  runs.count++;
}

/** The long-mode guest as two vCPUs of one guest space at once, on two CPUs if there are. */
function twoVcpus(): void {
  block(500);
  prepare(Mode.LONG, Bad.NONE);
  mapGuest(linkerSymbol("guest_long"));
  expectStatus("create_ec-and-sc-vcpu-0", startVcpu(0, 0), OK);
  expectStatus("create_ec-and-sc-vcpu-1", startVcpu(1, 0), OK);
  check(
    "both-guests-ended",
    isStatus(smDown(DONE_SM, false, msFromNow(GUEST_MS)), OK) &&
      isStatus(smDown(DONE_SM, false, msFromNow(GUEST_MS)), OK),
  );
  // The NPF_GPA mapping the first fault made serves the other vCPU too (or both fault).
  for (let k: u64 = 0; k < 2; k++) {
    const s = seen[usize(k)];
    expect("no-unexpected-event", s.unexpected, 0);
    expect("startup-rsp-is-create_ec-sp", s.startupRsp, guestSp(k));
    expect("reports", s.reportCount, 8);
    expect("npf-mapped-value-read", s.reports[6], NPF_VALUE);
    expect("after-hlt", s.reports[7], 0x600d);
  }
  runs.count++;
}

/**
 * Bad input from a VMM (§13): STARTUP state the CPU refuses to enter is an event, 0xfd on SVM
 * (VMRUN: EFER without SVME, CS with L and D), 0x21 on VMX (VM entry's guest-state checks:
 * EFER with SVME, a reserved bit on Intel, and CS with L and D); SPACES naming a guest space
 * of another PD or one without ASSIGN kills the vCPU when it would enter (no further event);
 * a vCPU without an SC never starts and may be recalled and revoked.
 */
function badInput(): void {
  block(600);
  check(
    "foreign-pd-and-gst-and-copy-without-assign",
    isStatus(createPd(FOREIGN_PD, PdOp.PD, ROOT_OBJ_ROOT_PD), OK) &&
      isStatus(createPd(FOREIGN_GST, PdOp.GST, FOREIGN_PD), OK) &&
      isStatus(pd(ROOT_OBJ, ROOT_OBJ, GST, 0, GST_NO_ASSIGN, Perm_gst_sp.GRANT), OK),
  );
  for (let bad: u32 = Bad.EFER; bad <= Bad.CS; bad++) {
    prepare(Mode.LONG, bad);
    mapGuest(linkerSymbol("guest_long"));
    expectStatus("create_ec-and-sc-vcpu", startVcpu(0, 0), OK);
    expectStatus("refused-guest-ended", smDown(DONE_SM, false, msFromNow(GUEST_MS)), OK);
    expect("event-state-refused", seen[0].invalid, 1);
    expect("no-unexpected-event", seen[0].unexpected, 0);
    runs.count++;
  }
  for (let bad: u32 = Bad.FOREIGN_GST; bad <= Bad.NO_ASSIGN; bad++) {
    prepare(Mode.LONG, bad);
    expectStatus("create_ec-and-sc-vcpu", startVcpu(0, 0), OK);
    expectStatus("killed-no-end", smDown(DONE_SM, false, msFromNow(300)), Status.TIMEOUT);
    expect("only-startup-delivered", seen[0].events, 1);
    runs.count++;
  }
  prepare(Mode.LONG, Bad.NONE);
  expectStatus("create_ec-vcpu-without-sc", createVcpu(0, 0), OK);
  const sel = VCPU + runs.count * 16;
  check(
    "ctrl_ec-recall-sc-less-vcpu",
    isStatus(ctrlEc(sel, false), OK) && isStatus(ctrlEc(sel, true), OK),
  );
  expectStatus("sc-less-never-starts", smDown(DONE_SM, false, msFromNow(100)), Status.TIMEOUT);
  expect("sc-less-no-event", seen[0].events, 0);
  check(
    "revoke-foreign-and-sc-less",
    isStatus(revoke(FOREIGN_PD, 0), OK) && isStatus(revoke(sel, 0), OK),
  );
  runs.count++;
}

/** Ticks the test keeps the CPU while the TSC guest's SC waits (100 ms). */
function hold100ms(): void {
  const end = msFromNow(100);
  while (rdtsc() < end) pause();
}

/** The TSC delta the TSC guest saw across the test's 100 ms, run with create_ec `flags`. */
function tscRun(flags: u64): u64 {
  prepare(Mode.TSC, Bad.NONE);
  mapGuest(linkerSymbol("guest_tsc"));
  let ok = isStatus(startVcpu(0, flags), OK);
  ok = ok && isStatus(smDown(STEP_SM, false, msFromNow(GUEST_MS)), OK);
  hold100ms();
  ok = ok && isStatus(smDown(DONE_SM, false, msFromNow(GUEST_MS)), OK);
  const s = seen[0];
  ok = ok && isValue(s.unexpected, 0) && isValue(s.reportCount, 5);
  check("tsc-guest-ran", ok);
  runs.count++;
  const first = s.reports[0] | (s.reports[1] << 32);
  const second = s.reports[3] | (s.reports[4] << 32);
  return second - first;
}

/**
 * Time offsetting (§7.3, create_ec T): the guest's TSC does not advance while the vCPU's SC
 * waits in the ready queue. Without T the 100 ms show; with T less than half of them.
 */
function timeOffsetting(): void {
  block(700);
  const ms100 = msFromNow(100) - rdtsc();
  check("without-t-the-wait-shows", atLeast(tscRun(0), ms100));
  check("with-t-the-wait-is-hidden", below(tscRun(EC_T), ms100 / 2));
}

/** The vCPU benches (bench.ts): the bench guest's exits, then guest-space delegations. */
function benches(): void {
  block(800);
  prepare(Mode.BENCH, Bad.NONE);
  mapGuest(linkerSymbol("guest_bench"));
  const buffer = page(linkerSymbol("guest_bench_buffer"));
  const gpa = BENCH_BUF_GPA / PAGE;
  expectStatus("ctrl_pd-bench-buffer", pd(ROOT_HST, GST, buffer, BENCH_BUF_ORDER, gpa, RW), OK);
  // The bench exits' portals transfer what their handler uses: RIP and the length (MTD RIP).
  const cpuid = vendor.cpuid;
  const io = vendor.io;
  const cpuidPt = guestExit(EVT, cpuid);
  const ioPt = guestExit(EVT, io);
  check(
    "ctrl_pt-bench-portals-mtd-rip",
    isStatus(ctrlPt(cpuidPt, cpuid, MTD_RIP), OK) && isStatus(ctrlPt(ioPt, io, MTD_RIP), OK),
  );
  expectStatus("create_ec-and-sc-vcpu", startVcpu(0, 0), OK);
  expectStatus("bench-guest-ended", smDown(DONE_SM, false, msFromNow(GUEST_MS)), OK);
  expect("bench-no-unexpected-event", seen[0].unexpected, 0);
  check(
    "ctrl_pt-portals-mtd-back",
    isStatus(ctrlPt(cpuidPt, cpuid, READ), OK) && isStatus(ctrlPt(ioPt, io, READ), OK),
  );
  reportExits();
  check("bench-delegations", delegations());
  runs.count++;
}

/** The bits the VMX guest flips in CR0 and CR4 that are not in its masks (guests.S). */
const CR0_AM: u64 = 1 << 18;
const CR4_PCE: u64 = 1 << 8;
/**
 * The CR access qualifications of its MOVs to CR0 from RBX and to CR4 from RCX: the
 * register in bits 3:0, MOV to CR (0) in 5:4, the GPR in 11:8.
 */
const QUAL_CR0_RBX: u64 = 0x300;
const QUAL_CR4_RCX: u64 = 0x104;

/**
 * A VMX-only guest, its memory mapped, as vCPU 0 (nothing runs elsewhere): its run and its
 * `reports` reports.
 */
function vmxRun(vmx: bool, reports: u64): Seen {
  expectStatus("create_ec-and-sc-vcpu", vmx ? startVcpu(0, 0) : OK, OK);
  expectStatus("guest-ended", vmx ? smDown(DONE_SM, false, msFromNow(GUEST_MS)) : OK, OK);
  const s = seen[0];
  expect("no-unexpected-event", s.unexpected, 0);
  expect("reports", s.reportCount, reports);
  return s;
}

/** A VMX-only guest's end, by its hypercall, and its vCPU revoked. */
function vmxEnded(vmx: bool, s: Seen): void {
  expect("ended-by-hypercall", s.hypercalls, 1);
  const sel = VCPU + runs.count * 16;
  check("revoke-vcpu", vmx && isStatus(revoke(sel, 0), OK));
  if (vmx) runs.count++;
}

/**
 * The VMX guest of guests.S as vCPU 0. The controls a VMX vCPU's STARTUP offers (§8.4: RAX
 * primary, RCX secondary) include what the kernel forces (§6.3), which Bochs' skylake_x has.
 * The guest's MOVs to CR0 and CR4 exit (0x1c, the register, MOV to CR and the GPR in the
 * qualification) for the bits of the masks its STARTUP set and for no other bit, and read
 * back what the VMM's emulation wrote; its write to a read-only page and its call into an
 * unmapped one are EPT violations (0x30) naming the access and what the entry allowed; a
 * change of its own page table without INVLPG shows after a reply with MTD TLB, a flush
 * of its VPID.
 */
function vmxGuest(vmx: bool): void {
  if (vmx) prepare(Mode.VMX, Bad.NONE);
  const watch = page(linkerSymbol("guest_watch_page"));
  const tlb = page(linkerSymbol("guest_tlb_page"));
  check(
    "ctrl_pd-vmx-guest-memory",
    vmx &&
      guestMapped(linkerSymbol("guest_vmx")) &&
      isStatus(pd(ROOT_HST, GST, watch, 0, WATCH_GPA / PAGE, Perm_mem.R), OK) &&
      isStatus(pd(ROOT_HST, GST, tlb, 0, TLB_NEW_GPA / PAGE, RW), OK),
  );
  const s = vmxRun(vmx, 7);
  const primary =
    VmxPrimary.HLT |
    VmxPrimary.UNCONDITIONAL_IO |
    VmxPrimary.IO_BITMAPS |
    VmxPrimary.MSR_BITMAPS |
    VmxPrimary.SECONDARY;
  const secondary = VmxSecondary.EPT | VmxSecondary.VPID | VmxSecondary.UNRESTRICTED_GUEST;
  expect("startup-rax-primary-allowed-forced", s.allowed1 & primary, primary);
  expect("startup-rcx-secondary-allowed-forced", s.allowed2 & secondary, secondary);
  expect("cr0-masked-bit-exits-mov-to-cr0-rbx", s.crQual[0], QUAL_CR0_RBX);
  expect("cr-exit-length", u64(s.crLength), 3);
  expect("cr0-emulated-reads-back", s.reports[0], CR0_PAGING | CR0_MP);
  expect("cr0-unmasked-bit-reads-back", s.reports[1], CR0_PAGING | CR0_MP | CR0_AM);
  expect("cr4-masked-bit-exits-mov-to-cr4-rcx", s.crQual[1], QUAL_CR4_RCX);
  expect("cr4-emulated-reads-back", s.reports[2], CR4_PAE | CR4_TSD | CR4_PCE);
  expect("cr-exits-only-for-masked-bits", s.crExits, 2);
  // A write (no read, no fetch) to an entry that is readable and not writable.
  expect(
    "ept-write-read-only-qual",
    s.eptWrite & (EPT_ACCESS | VMX_EPT_READABLE | VMX_EPT_WRITABLE),
    VMX_EPT_WRITE | VMX_EPT_READABLE,
  );
  expect("ept-write-retried-reads-back", s.reports[3], WRITE_VALUE);
  // A fetch of a page not present: the entry allowed nothing.
  expect("ept-fetch-unmapped-qual", s.eptFetch & (EPT_ACCESS | EPT_ALLOWED), VMX_EPT_FETCH);
  expect("ept-fetched-page-ran", s.reports[4], FETCH_VALUE);
  check(
    "tlb-reply-shows-page-table-change",
    isValue(s.reports[5], TLB_OLD_VALUE) && isValue(s.reports[6], TLB_NEW_VALUE),
  );
  vmxEnded(vmx, s);
}

/** The CR access qualification of the APIC guest's MOV to CR8 from RAX (as QUAL_CR0_RBX). */
const QUAL_CR8_RAX: u64 = 0x8;
/** Its APIC-access qualifications: a linear read at offset 0x30, a linear write at 0xb0. */
const QUAL_APIC_READ: u64 = (VMX_APIC_LINEAR_READ << VMX_APIC_TYPE_SHIFT) | 0x30;
const QUAL_APIC_WRITE: u64 = (VMX_APIC_LINEAR_WRITE << VMX_APIC_TYPE_SHIFT) | 0xb0;
/** The virtual TPR (the virtual-APIC page's byte 0x80) of CR8 `cr8`: CR8 in bits 7:4. */
function vtpr(cr8: u64): u64 {
  return cr8 << 4;
}

/**
 * The APIC guest of guests.S as vCPU 0, its virtual-APIC page mapped at VIRTUAL_APIC.
 * STARTUP offers TPR shadow, NMI-window exiting and APIC-access virtualization. Without TPR
 * shadow its MOV to CR8 exits (0x1c, CR 8: the kernel forces CR8 exits); with it (a reply's
 * CTRL) its MOVs to and from CR8 do not exit but use the virtual TPR, which the VMM sees
 * through its mapping and MTD CR's CR8 and writes with MTD CR. With the TPR threshold 8 (MTD
 * TPR), a MOV to CR8 of 10 does not exit and one of 7 does, after the instruction (0x2b).
 * With MTD APIC naming APIC_GPA and APIC-access virtualization (CTRL), a read of the page's
 * TPR is the virtual TPR without an exit, a read and a write at other offsets exit (0x2c,
 * the offset and the access type in the qualification). INJ bit 13 makes the guest exit at
 * once (0x08, where the reply resumed it); the reply that injects an NMI without bit 13
 * disarms the window, and the guest's NMI handler runs.
 */
function apicGuest(vmx: bool): void {
  if (vmx) prepare(Mode.APIC, Bad.NONE);
  const apic = page(linkerSymbol("guest_apic_page"));
  check(
    "ctrl_pd-apic-guest-memory",
    vmx &&
      guestMapped(linkerSymbol("guest_apic")) &&
      isStatus(pd(ROOT_HST, GST, apic, 0, APIC_GPA / PAGE, RW), OK),
  );
  const s = vmxRun(vmx, 10);
  const primary = VmxPrimary.TPR_SHADOW | VmxPrimary.NMI_WINDOW;
  const secondary = VmxSecondary.VIRTUALIZE_APIC;
  check(
    "startup-offers-tpr-shadow-nmi-window-apic-access",
    isValue(s.allowed1 & primary, primary) && isValue(s.allowed2 & secondary, secondary),
  );
  check(
    "cr8-without-tpr-shadow-exits",
    isValue(s.crQual[0], QUAL_CR8_RAX) && isValue(u64(s.crLength), 4),
  );
  expect("cr8-exits-only-without-tpr-shadow", s.crExits, 1);
  expect("tpr-shadow-cr8-is-emulated-value", s.reports[1], 3);
  expect("tpr-shadow-mov-to-cr8-in-virtual-apic-page", s.vtprAfterMov, vtpr(5));
  expect("tpr-shadow-mtd-cr-reads-cr8", s.cr8AfterMov, 5);
  check(
    "tpr-shadow-mtd-cr-writes-virtual-tpr",
    isValue(s.reports[3], 9) && isValue(s.vtprAfterReply, vtpr(9)),
  );
  expect("tpr-below-threshold-exits-once", s.tprExits, 1);
  check(
    "tpr-below-threshold-after-mov",
    isValue(s.tprRip, s.tprRbx) && isValue(s.tprCr8, 7) && isValue(s.reports[4], 7),
  );
  expect("apic-page-tpr-read-is-virtual-tpr", s.reports[5], vtpr(7));
  expect("apic-access-read-qual", s.apicQual[0], QUAL_APIC_READ);
  expect("apic-access-read-emulated", s.reports[6], APIC_READ_VALUE);
  expect("apic-access-write-qual", s.apicQual[1], QUAL_APIC_WRITE);
  expect("apic-access-exits", s.apicExits, 2);
  check(
    "nmi-window-exits-at-once",
    isNot(s.nmiArmedRip, 0) && isValue(s.nmiWindowRip, s.nmiArmedRip),
  );
  expect("nmi-injected-handler-ran", s.reports[8], NMI_VALUE);
  check("nmi-window-disarmed-guest-goes-on", isValue(s.nmiWindows, 1) && isValue(s.reports[9], 8));
  vmxEnded(vmx, s);
}

/**
 * Bad input on VMX: a STARTUP reply with TPR shadow and a TPR threshold above the virtual
 * TPR (CR8 0), which VMLAUNCH refuses (§8.3: the vCPU dies; the boot log's `VMX: ... refused`
 * counts it), and one whose MTD APIC names a guest-physical address with no page (the vCPU
 * dies at entry). Neither gets a further event.
 */
function apicBadInput(vmx: bool): void {
  const first = VCPU + runs.count * 16;
  for (let bad: u32 = Bad.TPR_THRESHOLD; bad <= Bad.APIC_PAGE; bad++) {
    if (vmx) prepare(Mode.APIC, bad);
    expectStatus("create_ec-and-sc-vcpu", vmx ? startVcpu(0, 0) : OK, OK);
    const end = vmx ? smDown(DONE_SM, false, msFromNow(100)) : Status.TIMEOUT;
    expectStatus("killed-no-end", end, Status.TIMEOUT);
    expect("only-startup-delivered", seen[0].events, 1);
    if (vmx) runs.count++;
  }
  check(
    "revoke-killed-vcpus",
    vmx && isStatus(revoke(first, 0), OK) && isStatus(revoke(first + 16, 0), OK),
  );
}

/**
 * VMX only (`SKIP not applicable` elsewhere, where nothing of it runs: each case's parts
 * are then not evaluated or evaluated on stale values, and the line is SKIP all the same):
 * the VMX guest, the APIC guest, bad TPR and APIC input.
 */
function vmxOnly(): void {
  block(900);
  const vmx = vendor.vmx;
  if (!vmx) notApplicable(vendor.notVmx);
  vmxGuest(vmx);
  apicGuest(vmx);
  apicBadInput(vmx);
  applicable();
}

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  setup.run();
  chooseVendor();
  puts(
    vendor.vmx
      ? "vmmtest: vCPUs of the root PD on VMX\n"
      : "vmmtest: vCPUs of the root PD on SVM\n",
  );
  // vCPUs on other CPUs make the kernel log (a POISON kill) while this EC would print.
  hold();
  vmm();
  basic(100, Mode.REAL, linkerSymbol("guest_real"));
  basic(200, Mode.PROTECTED, linkerSymbol("guest_protected"));
  basic(300, Mode.LONG, linkerSymbol("guest_long"));
  events(400, Mode.EVENTS_REAL, linkerSymbol("guest_events_real"));
  events(430, Mode.EVENTS_PROTECTED, linkerSymbol("guest_events_protected"));
  events(460, Mode.EVENTS, linkerSymbol("guest_events"));
  twoVcpus();
  badInput();
  timeOffsetting();
  benches();
  check("revoke-vcpus", isStatus(revoke(VCPU, 8), OK));
  vmxOnly();
  consoleReady();
  return summary();
}
