// The root PD (../shared/docs/nova-abi.md §9.4): the first multiboot module,
// an ELF64 ET_EXEC, mapped in place into a new user address space with the
// HIP and the UTCB, entered in ring 3 as the root EC.
//
// What exists today: the root object, host and PIO spaces, the root PD
// object (pd.ts), the root EC and SC (ec.ts, sc.ts) and the kernel's NOVA
// object, host, PIO and MSR spaces (§9.3) with the capabilities the tables
// of §9.3 (NOVA object space) and §9.4 (root object space) give
// (docs/user-mode.md). When the root EC dies, rootGone() checks what its
// delegations left and the kernel finishes its boot.

import {
  Perm_ec,
  Perm_hst_sp,
  Perm_mem,
  Perm_msr_sp,
  Perm_obj_sp,
  Perm_pd,
  Perm_pio,
  Perm_pio_sp,
  Perm_sc,
} from "../abi/perms.ts";
import { PF_W, PF_X, PT_LOAD, phdrAt } from "../abi/elf64.ts";
import { SEL_GST_ARCH, SEL_GST_NOVA, SEL_HST_ARCH, SEL_HST_NOVA } from "../abi/events.ts";
import { FEATURE_IOMMU, FEATURE_SVM, FEATURE_VMX, HIP_SIGNATURE, Hip } from "../abi/hip_page.ts";
import { USER_RFLAGS } from "../abi/hypercall.ts";
import { KSTAT_ADDRESS } from "../abi/kstat_page.ts";
import { HIP_ADDRESS, UTCB_ADDRESS } from "../abi/root_pd.ts";
import {
  NOVA_OBJ_IDLE_SC,
  NOVA_OBJ_NOVA_HST,
  NOVA_OBJ_NOVA_MSR,
  NOVA_OBJ_NOVA_OBJ,
  NOVA_OBJ_NOVA_PIO,
  NOVA_OBJ_ROOT_HST,
  NOVA_OBJ_ROOT_OBJ,
  NOVA_OBJ_ROOT_PD,
  NOVA_OBJ_ROOT_PIO,
  PIO_PORTS,
  ROOT_OBJ_NOVA_OBJ,
  ROOT_OBJ_ROOT_EC,
  ROOT_OBJ_ROOT_OBJ,
  ROOT_OBJ_ROOT_PD,
  ROOT_OBJ_ROOT_SC,
  SELNUM,
} from "../abi/selectors.ts";
import { Status } from "../abi/status.ts";
import * as acpi from "./acpi.ts";
import * as capability from "./capability.ts";
import * as boot from "./boot.ts";
import * as cmdline from "./cmdline.ts";
import * as console from "./console.ts";
import * as hw from "./ctrl_hw.ts";
import * as ec from "./ec.ts";
import * as elf from "./elf.ts";
import * as event from "./event.ts";
import * as fadt from "./fadt.ts";
import * as hip from "./hip.ts";
import * as svm from "./svm.ts";
import * as vmx from "./vmx.ts";
import * as intsm from "./interrupt_sm.ts";
import * as klock from "./klock.ts";
import * as ipi from "./ipi.ts";
import * as kmem from "./kmem.ts";
import { KObject, ref } from "./kobject.ts";
import * as kstat from "./kstat.ts";
import * as mdb from "./mdb.ts";
import * as madt from "./madt.ts";
import * as dmar from "./dmar.ts";
import * as ivrs from "./ivrs.ts";
import * as memory from "./memory.ts";
import { Pd } from "./pd.ts";
import * as sc from "./sc.ts";
import * as hst from "./space_hst.ts";
import { Space_hst } from "./space_hst.ts";
import { Space_msr } from "./space_msr.ts";
import * as space from "./space_kernel.ts";
import { Space_obj } from "./space_obj.ts";
import { Space_pio } from "./space_pio.ts";
import * as smp from "./smp.ts";
import * as syscall from "./syscall.ts";
import * as tlb from "./tlb.ts";
import * as tsc from "./tsc.ts";
import * as tss from "./tss.ts";
import * as iommu from "./iommu.ts";

const HIP_LENGTH: u16 = 0x90;
const PAGE: u64 = 0x1000;

/** What runs after the root EC is gone (init.ts: the end of the boot log). */
export type Finish = () => never;

let finish: Finish = stop;
let rootSpace: Phys = phys(0);

function stop(): never {
  panic("root: no finish continuation");
}

/** The kernel's and the root PD's spaces (each holds a kernel reference: they never go). */
class Spaces {
  novaObj: Space_obj;
  novaPio: Space_pio;
  novaHst: Space_hst;
  novaMsr: Space_msr;
  rootObj: Space_obj;
  rootPio: Space_pio;
  rootHst: Space_hst;
  rootPd: Pd;
}

const spaces = new Spaces();

function objSpace(): Space_obj {
  const s = mdb.newObjSpace();
  if (s === null) panic("root: no memory for an object space");
  ref(s.hdr);
  return s;
}

function pioSpace(): Space_pio {
  const s = mdb.newPioSpace();
  if (s === null) panic("root: no memory for a PIO space");
  ref(s.hdr);
  return s;
}

/** A host space with a kernel reference (the NOVA one when `nova`). */
function hstSpace(nova: bool): Space_hst {
  const s = nova ? Space_hst.createNova() : Space_hst.create();
  if (s === null) panic("root: no memory for a host space");
  ref(s.hdr);
  return s;
}

/** A host space's last reference went: its TLB state first (tlb.ts), then the mdb's teardown. */
function destroyHst(o: KObject): void {
  const s = structAt<Space_hst>(structAddress(o));
  if (s.dma()) iommu.forget(s);
  tlb.forget(s);
  mdb.destroyHstSpace(o);
}

function freeTable(pa: Phys): void {
  memory.freePages(pa, 0);
}

/** Memory types of §10.4, the protected memory of §9.6 and host spaces' kernel hooks. */
function configureHostSpaces(): void {
  space.loadPat();
  hst.configure(
    space.rootTable(),
    space.protections.nx,
    memory.tablePage,
    freeTable,
    tlb.flushed,
    destroyHst,
    mdb.revokeHst,
    memory.kernelOwned,
  );
  const r = array<u32, 4>();
  cpuid(0x8000_0000, 0, r);
  let bits: u64 = 36;
  if (r[0] >= 0x8000_0008) {
    cpuid(0x8000_0008, 0, r);
    bits = u64(r[0] & 0xff);
  }
  hst.setPhysLimit(u64(1) << (bits < 47 ? bits : 47));
  const image = u64(linkerSymbol("__image_start"));
  // The image is protected but for the MBUF page (§9.9: root maps it from the NOVA host space).
  const mbuf = u64(console.mbufStart());
  let ok = hst.protect(image, mbuf);
  ok = ok && hst.protect(mbuf + PAGE, u64(linkerSymbol("__bss_end")));
  ok = ok && hst.protect(0xfee0_0000, 0xfef0_0000);
  const lapic = u64(madt.info.lapicAddress);
  if (madt.info.valid && lapic !== 0) ok = ok && hst.protect(lapic, lapic + PAGE);
  for (let i: usize = 0; i < madt.info.ioapicCount; i++) {
    const a = u64(madt.info.ioapics[i].address);
    ok = ok && hst.protect(a, a + PAGE);
  }
  for (let i: usize = 0; i < dmar.info.unitCount; i++) {
    const u = dmar.info.units[i];
    ok = ok && hst.protect(u64(u.base), u64(u.base) + (PAGE << u64(u.size)));
  }
  // AMD-Vi register blocks: 16 KiB at least (AMD IOMMU spec §3.4, MMIO offsets up to 0x2000+).
  for (let i: usize = 0; i < ivrs.info.ivhdCount; i++) {
    const b = u64(ivrs.info.ivhds[i].base);
    ok = ok && hst.protect(b, b + 4 * PAGE);
  }
  if (!ok) panic("root: too many protected memory ranges");
}

/** A root capability to `obj` with `perms` at `sel` of `space`. */
function put(space: Space_obj, sel: u64, obj: Virt, perms: u32): void {
  if (mdb.insertRoot(space, sel, capability.make(obj, perms)) !== Status.SUCCESS)
    panic("root: no memory for a space capability");
}

/** Whether `port` is in the protected block [base, base + length) (an absent block has base 0). */
function inBlock(port: u64, base: u32, length: u8): bool {
  if (base === 0) return false;
  const n = length === 0 ? u64(1) : u64(length);
  return port >= u64(base) && port < u64(base) + n;
}

/** §9.6: the FADT's PM1a/PM1b/PM2 control blocks and SMI_CMD are never delegable. */
function protectedPort(port: u64): bool {
  const i = fadt.info;
  if (!i.valid) return false;
  return (
    inBlock(port, i.pm1aControl, i.pm1ControlLength) ||
    inBlock(port, i.pm1bControl, i.pm1ControlLength) ||
    inBlock(port, i.pm2Control, i.pm2ControlLength) ||
    inBlock(port, i.smiCommand, 1)
  );
}

/**
 * The NOVA object, host, PIO and MSR spaces (§9.3), the root object, host
 * and PIO spaces (§9.4), and their capabilities: in the NOVA object space
 * SELNUM-2 itself (TAKE), SELNUM-3 the NOVA host space (TAKE), SELNUM-4 the
 * NOVA PIO space (TAKE), SELNUM-5 the NOVA MSR space (TAKE), SELNUM-6 the
 * root object space (0x3), SELNUM-7 the root host space (0x3), SELNUM-8 the
 * root PIO space (0x7), SELNUM-1 the console semaphore, 0x10000+n the
 * interrupt semaphores and 0 the idle SC; in the root object space SELNUM-1
 * the NOVA object space (TAKE), SELNUM-2 itself (0x3) and SELNUM-3 the root
 * PD (0x1f, pd.ts: holding the root object, host and PIO spaces). The NOVA
 * PIO space has A for every port but the protected ones; the root PIO space
 * is empty. §9.3's root PD (SELNUM-9) is no object yet.
 */
function buildSpaces(): void {
  const s = spaces;
  configureHostSpaces();
  // DMA remapping before the root PD runs: from here on no device reaches memory unassigned.
  if (!cmdline.has("noiommu") && !iommu.init(memory.tablePage))
    if (dmar.info.unitCount !== 0 || ivrs.info.ivhdCount !== 0) log(`IOMMU: DMA remapping off`);
  s.novaObj = objSpace();
  s.novaPio = pioSpace();
  s.novaHst = hstSpace(true);
  const novaMsr = mdb.newMsrSpace(true);
  if (novaMsr === null) panic("root: no memory for the NOVA MSR space");
  ref(novaMsr.hdr);
  s.novaMsr = novaMsr;
  s.rootObj = objSpace();
  s.rootPio = pioSpace();
  s.rootHst = hstSpace(false);
  const TAKE = u32(Perm_obj_sp.TAKE);
  put(s.novaObj, NOVA_OBJ_NOVA_OBJ, structAddress(s.novaObj), TAKE);
  put(s.novaObj, NOVA_OBJ_NOVA_HST, structAddress(s.novaHst), u32(Perm_hst_sp.TAKE));
  put(s.novaObj, NOVA_OBJ_NOVA_PIO, structAddress(s.novaPio), u32(Perm_pio_sp.TAKE));
  put(s.novaObj, NOVA_OBJ_NOVA_MSR, structAddress(s.novaMsr), u32(Perm_msr_sp.TAKE));
  put(s.novaObj, NOVA_OBJ_ROOT_OBJ, structAddress(s.rootObj), Perm_obj_sp.DEFINED);
  put(s.novaObj, NOVA_OBJ_ROOT_HST, structAddress(s.rootHst), Perm_hst_sp.DEFINED);
  put(s.novaObj, NOVA_OBJ_ROOT_PIO, structAddress(s.rootPio), Perm_pio_sp.DEFINED);
  put(s.rootObj, ROOT_OBJ_NOVA_OBJ, structAddress(s.novaObj), TAKE);
  put(s.rootObj, ROOT_OBJ_ROOT_OBJ, structAddress(s.rootObj), Perm_obj_sp.DEFINED);
  // §9.3's console semaphore (SELNUM-1) and interrupt semaphores (0x10000…); ctrl_hw's root check.
  console.createSemaphore(s.novaObj);
  intsm.create(s.novaObj);
  hw.setRootObjects(s.rootObj);
  const rootPd = Pd.create();
  if (rootPd === null) panic("root: no memory for the root PD");
  rootPd.bindObj(s.rootObj);
  rootPd.bindPio(s.rootPio);
  rootPd.bindHst(s.rootHst);
  // The root PD's own PIO space serves its vCPUs too, as a space create_pd made for it would.
  s.rootPio.owner = rootPd.serial;
  ref(rootPd.hdr);
  s.rootPd = rootPd;
  put(s.rootObj, ROOT_OBJ_ROOT_PD, structAddress(rootPd), Perm_pd.DEFINED);
  put(s.novaObj, NOVA_OBJ_ROOT_PD, structAddress(rootPd), Perm_pd.DEFINED);
  for (let c: u32 = 0; c < smp.count(); c++)
    put(s.novaObj, NOVA_OBJ_IDLE_SC + u64(c), structAddress(sc.idleOf(c)), Perm_sc.CTRL);
  let ports: u64 = 0;
  for (let port: u64 = 0; port < PIO_PORTS; port++) {
    if (protectedPort(port)) continue;
    if (mdb.insertRootPio(s.novaPio, port, Perm_pio.A) !== Status.SUCCESS)
      panic("root: no memory for the NOVA PIO space");
    ports++;
  }
  const i = fadt.info;
  log(
    `NOVA: object space: ${hex(NOVA_OBJ_NOVA_OBJ)} NOVA object space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_NOVA_OBJ)))}, ${hex(NOVA_OBJ_NOVA_PIO)} NOVA PIO space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_NOVA_PIO)))}, ${hex(NOVA_OBJ_ROOT_OBJ)} root object space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_ROOT_OBJ)))}, ${hex(NOVA_OBJ_ROOT_PIO)} root PIO space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_ROOT_PIO)))}`,
  );
  log(
    `NOVA: host and MSR spaces: ${hex(NOVA_OBJ_NOVA_HST)} NOVA host space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_NOVA_HST)))}, ${hex(NOVA_OBJ_NOVA_MSR)} NOVA MSR space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_NOVA_MSR)))}, ${hex(NOVA_OBJ_ROOT_HST)} root host space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_ROOT_HST)))}`,
  );
  log(
    `NOVA: PIO space: ${ports} ports with A; protected: PM1a control ${hex(i.pm1aControl)}, PM1b control ${hex(i.pm1bControl)}, PM2 control ${hex(i.pm2Control)}, SMI_CMD ${hex(i.smiCommand)} (length ${i.pm1ControlLength}/${i.pm2ControlLength}/1)`,
  );
}

/**
 * Maps the module's PT_LOAD segments in place (§9.4: p_flags R/W/X → R, W,
 * XU; empty ones skipped) as root memory capabilities of the root host space
 * (write-back), which root may delegate like any other.
 */
function mapSegments(image: Virt, start: Phys): bool {
  const h = elf.header(image);
  for (let i: u16 = 0; i < h.phnum; i++) {
    const p = phdrAt(image, i);
    if (p.type !== PT_LOAD || p.filesz === 0 || p.flags === 0) continue;
    const first = p.vaddr & ~(PAGE - 1);
    const last = (p.vaddr + p.memsz + PAGE - 1) & ~(PAGE - 1);
    const pa = u64(start) + (p.offset & ~(PAGE - 1));
    let perms = u32(Perm_mem.R);
    if ((p.flags & PF_W) !== 0) perms |= Perm_mem.W;
    if ((p.flags & PF_X) !== 0) perms |= Perm_mem.XU;
    for (let va = first; va < last; va += PAGE) {
      const cap = hst.memCap(phys(pa + (va - first)), hst.Ca.WB, perms);
      if (mdb.insertRootHst(spaces.rootHst, va >> 12, cap) !== Status.SUCCESS) return false;
    }
  }
  log(
    `ROOT: host space: ${spaces.rootHst.table.used} pages of ELF segments as memory capabilities`,
  );
  return true;
}

/** Fills the HIP page at `pa` (§9.5): the fields the kernel knows, the rest 0 or all-ones. */
function fillHip(pa: Phys, module: boot.BootModule): void {
  const h = structAt<Hip>(kmem.toVirt(pa));
  h.signature = HIP_SIGNATURE;
  h.length = HIP_LENGTH;
  h.novaStart = u64(linkerSymbol("__image_start"));
  h.novaEnd = u64(linkerSymbol("__bss_end"));
  h.mbufStart = u64(console.mbufStart());
  h.mbufEnd = h.mbufStart + PAGE;
  h.rootStart = u64(module.start);
  h.rootEnd = u64(module.end);
  h.rsdp = acpi.info.rsdpSource === acpi.RsdpSource.NONE ? u64.MAX : acpi.info.rsdp;
  h.uefiMap = u64.MAX;
  h.stcFrequency = tsc.frequency();
  h.selnum = SELNUM;
  // §8.1: host and guest event ranges (the vCPU numbers are NOVA's, for the vCPU work).
  h.selHstArch = u16(SEL_HST_ARCH);
  h.selHstNova = u16(SEL_HST_NOVA);
  h.selGstArch = u16(SEL_GST_ARCH);
  h.selGstNova = u16(SEL_GST_NOVA);
  h.cpuNum = u16(smp.count());
  // Only single delegations are all-or-nothing: a larger order can run out of table memory
  // part-way (§4.8), since pages are delegated one by one (docs/capabilities.md).
  h.mcoHst = 0;
  h.mcoMsr = 0;
  h.kimax = u16(hst.KIMAX);
  h.cpuBsp = 0;
  h.intPin = u16(intsm.pins());
  h.intMsi = u16(intsm.msis());
  let features: u64 = 0;
  // VMX and SVM only where vCPUs can run on them (EPT or nested paging, not disabled by the firmware).
  if (vmx.usable()) features |= FEATURE_VMX;
  if (svm.usable()) features |= FEATURE_SVM;
  if (iommu.enabled()) features |= FEATURE_IOMMU;
  h.features = features;
  hip.seal(pa);
}

/**
 * Builds the root PD from the first module and starts it; returns only when
 * there is no module or it is not a valid root image (the reason is logged).
 * `magic` and `info` are the boot loader's EAX and EBX (the EC's RDI and RSI);
 * `then` runs after the root EC is killed.
 */
export function start(magic: u32, info: Phys, then: Finish): void {
  if (boot.info.moduleCount === 0) {
    log(`ROOT: no module, no root PD`);
    return;
  }
  const m = boot.info.modules[0];
  const image = kmem.toVirt(m.start);
  const why = elf.reject(image, m.end - m.start);
  if (strLength(why) !== 0) {
    log(`ROOT: module 0 rejected: ${why}`);
    return;
  }
  finish = then;
  buildSpaces();
  const objects = spaces.rootObj;
  rootSpace = spaces.rootHst.root;
  const hipPage = memory.tablePage();
  if (u64(rootSpace) === 0 || u64(hipPage) === 0) panic("root: no memory for the root PD");
  if (!mapSegments(image, m.start)) panic("root: no memory for the root page tables");
  fillHip(hipPage, m);
  // Kernel pages in the root host space: no capability, so root cannot delegate them (§9.4).
  const rootHst = spaces.rootHst;
  if (!rootHst.mapKernelPage(virt(HIP_ADDRESS), hipPage, false))
    panic("root: no memory for the HIP mapping");
  if (cmdline.has("kstat")) {
    const stats = kstat.enable();
    if (u64(stats) === 0 || !rootHst.mapKernelPage(virt(KSTAT_ADDRESS), stats, false))
      panic("root: no memory for the kernel statistics page");
    log(`KSTAT: kernel statistics page at ${hex(KSTAT_ADDRESS)} in the root PD`);
    // The page counts every hypercall: none may be answered before the dispatcher.
    syscall.dispatchEveryHypercall();
  }
  const entry = elf.header(image).entry;
  // §9.4: the root EC (global, FPU, EVT 0) and SC (priority 127, 1000 ms) on the boot CPU. The
  // EC starts at the ELF entry (its registers below) by IRETQ, not with a STARTUP event.
  const cont = event.retUserIret;
  const e = ec.create(
    spaces.rootPd,
    0,
    true,
    true,
    UTCB_ADDRESS,
    HIP_ADDRESS,
    0,
    cont,
    false,
    false,
  );
  if (e === null) panic("root: no memory for the root EC");
  const s = sc.create(e, sc.ROOT_PRIORITY, sc.budgetTicks(sc.ROOT_BUDGET_MS));
  if (s === null) panic("root: no memory for the root SC");
  put(objects, ROOT_OBJ_ROOT_EC, structAddress(e), Perm_ec.DEFINED);
  put(objects, ROOT_OBJ_ROOT_SC, structAddress(s), Perm_sc.DEFINED);
  log(
    `ROOT: image ${m.start}-${m.end} entry ${hex(entry)}, HIP ${hex(HIP_ADDRESS)} UTCB ${hex(UTCB_ADDRESS)}, tables ${rootSpace}`,
  );
  log(
    `ROOT: object space: ${hex(ROOT_OBJ_NOVA_OBJ)} NOVA object space perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_NOVA_OBJ)))}, ${hex(ROOT_OBJ_ROOT_OBJ)} root object space perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_ROOT_OBJ)))}, ${hex(ROOT_OBJ_ROOT_PD)} root PD perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_ROOT_PD)))}, ${hex(ROOT_OBJ_ROOT_EC)} root EC perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_ROOT_EC)))}, ${hex(ROOT_OBJ_ROOT_SC)} root SC perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_ROOT_SC)))}; PIO space empty`,
  );
  // §9.4 and NOVA's values for the registers the spec leaves open.
  e.isRoot = true;
  const f = e.regs;
  f.rip = entry;
  f.rdi = u64(magic);
  f.rsi = u64(info);
  f.rcx = entry;
  f.r11 = USER_RFLAGS;
  sc.makeReady(s, false);
  sc.schedule();
}

/** event.ts's end of the root EC: what its delegations left, then the end of the boot log. */
function rootGone(): void {
  klock.logCounts();
  svm.logCounts(smp.count());
  vmx.logCounts(smp.count());
  log(
    `IPI: ${ipi.sentCount(ipi.VECTOR_RESCHEDULE)} RESCHEDULE and ${ipi.sentCount(ipi.VECTOR_SHOOTDOWN)} SHOOTDOWN sent, ${tlb.rounds()} rounds of requests answered`,
  );
  const irets = event.iretReturns();
  if (irets !== 0) log(`SYSCALL: ${irets} returns by IRETQ (non-canonical RIP)`);
  // What the EC's delegations left, checked against the mapping database.
  const s = spaces;
  log(
    `MDB: checked NOVA object space ${mdb.check(s.novaObj.hdr)}, NOVA PIO space ${mdb.check(s.novaPio.hdr)}, root object space ${mdb.check(s.rootObj.hdr)}, root PIO space ${mdb.check(s.rootPio.hdr)} capabilities`,
  );
  log(
    `MDB: checked root host space ${mdb.check(s.rootHst.hdr)}, NOVA host space ${mdb.check(s.novaHst.hdr)}, NOVA MSR space ${mdb.check(s.novaMsr.hdr)} capabilities`,
  );
  log(
    `PIO: TSS I/O bitmap: COM1 0x3f8 ${tss.ioAllowed(0x3f8) ? "open" : "closed"}, 0x80 ${tss.ioAllowed(0x80) ? "open" : "closed"}`,
  );
  // Back to the kernel's own tables: nothing runs in the root space any more.
  writeCr3(u64(space.rootTable()));
  tlb.unloaded();
  finish();
}

/** What event.ts runs when the root EC dies (kill). */
export function whenRootGone(): never {
  rootGone();
  panic("root: the end of the boot log returned");
}
