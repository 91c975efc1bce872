// The root PD (../shared/docs/nova-abi.md §9.4): the first multiboot module,
// an ELF64 ET_EXEC, mapped in place into a new user address space with the
// HIP and the UTCB, entered in ring 3 as the root EC.
//
// What exists today is the address space, the EC's registers, the root
// object and PIO spaces, a minimal root PD object (pd.ts) and the kernel's
// NOVA object and PIO spaces (§9.3) with the capabilities the tables of §9.3
// (NOVA object space) and §9.4 (root object space) give; the EC and SC
// kernel objects, the host and MSR spaces do not exist yet (docs/user-mode.md). Until event portals
// exist, an exception from ring 3 kills the root EC and the kernel finishes
// its boot.

import * as acpi from "./acpi.ts";
import * as capability from "./capability.ts";
import * as boot from "./boot.ts";
import * as cmdline from "./cmdline.ts";
import * as console from "./console.ts";
import * as cpu from "./cpu.ts";
import * as hw from "./ctrl_hw.ts";
import * as ec from "./ec.ts";
import * as elf from "./elf.ts";
import * as event from "./event.ts";
import * as fadt from "./fadt.ts";
import * as hip from "./hip.ts";
import * as intsm from "./interrupt_sm.ts";
import * as kmem from "./kmem.ts";
import { ref } from "./kobject.ts";
import * as kstat from "./kstat.ts";
import * as mdb from "./mdb.ts";
import * as memory from "./memory.ts";
import { Pd } from "./pd.ts";
import * as sc from "./sc.ts";
import * as space from "./space_kernel.ts";
import { SELNUM, Space_obj } from "./space_obj.ts";
import { PORTS, Space_pio } from "./space_pio.ts";
import * as user from "./space_user.ts";
import * as syscall from "./syscall.ts";
import * as tsc from "./tsc.ts";
import * as tss from "./tss.ts";

/** §9.4 with H = 47: the HIP in the last user page, the UTCB below it. */
export const HIP_ADDRESS: u64 = 0x7fff_ffff_f000;
export const UTCB_ADDRESS: u64 = 0x7fff_ffff_e000;
const HIP_LENGTH: u16 = 0x90;
const PAGE: u64 = 0x1000;

/** What runs after the root EC is gone (init.ts: the end of the boot log). */
export type Finish = () => never;

let finish: Finish = stop;
let rootSpace: Phys = phys(0);

function stop(): never {
  panic("root: no finish continuation");
}

/** The selectors of nova-abi.md §9.3 (NOVA object space) and §9.4 (root object space). */
export const NOVA_OBJ_NOVA_OBJ: u64 = SELNUM - 2;
export const NOVA_OBJ_NOVA_PIO: u64 = SELNUM - 4;
export const NOVA_OBJ_ROOT_OBJ: u64 = SELNUM - 6;
export const NOVA_OBJ_ROOT_PIO: u64 = SELNUM - 8;
export const ROOT_OBJ_NOVA_OBJ: u64 = SELNUM - 1;
export const ROOT_OBJ_ROOT_OBJ: u64 = SELNUM - 2;
export const ROOT_OBJ_ROOT_PD: u64 = SELNUM - 3;
export const ROOT_OBJ_ROOT_EC: u64 = SELNUM - 4;
export const ROOT_OBJ_ROOT_SC: u64 = SELNUM - 5;
/** §9.3: the idle SC of CPU n at selector n of the NOVA object space. */
export const NOVA_OBJ_IDLE_SC: u64 = 0;

/** The kernel's and the root PD's spaces (each holds a kernel reference: they never go). */
class Spaces {
  novaObj: Space_obj;
  novaPio: Space_pio;
  rootObj: Space_obj;
  rootPio: Space_pio;
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

/** A root capability to `obj` with `perms` at `sel` of `space`. */
function put(space: Space_obj, sel: u64, obj: Virt, perms: u32): void {
  if (mdb.insertRoot(space, sel, capability.make(obj, perms)) !== capability.Status.SUCCESS)
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
 * The NOVA object and PIO spaces (§9.3), the root object and PIO spaces
 * (§9.4), and their capabilities: in the NOVA object space SELNUM-2 itself
 * (TAKE), SELNUM-4 the NOVA PIO space (TAKE), SELNUM-6 the root object space
 * (0x3), SELNUM-8 the root PIO space (0x7); in the root object space SELNUM-1
 * the NOVA object space (TAKE), SELNUM-2 itself (0x3) and SELNUM-3 the root
 * PD (0x1f, pd.ts: holding the root object and PIO spaces). The NOVA PIO
 * space has A for every port but the protected ones; the root PIO space is
 * empty. §9.3's console semaphore, host and MSR spaces and root PD (SELNUM-1,
 * -3, -5, -7, -9) and §9.4's root EC and SC (SELNUM-4, -5) are no objects yet.
 */
function buildSpaces(): void {
  const s = spaces;
  s.novaObj = objSpace();
  s.novaPio = pioSpace();
  s.rootObj = objSpace();
  s.rootPio = pioSpace();
  const TAKE = u32(capability.Perm_obj_sp.TAKE);
  put(s.novaObj, NOVA_OBJ_NOVA_OBJ, structAddress(s.novaObj), TAKE);
  put(s.novaObj, NOVA_OBJ_NOVA_PIO, structAddress(s.novaPio), u32(capability.Perm_pio_sp.TAKE));
  put(s.novaObj, NOVA_OBJ_ROOT_OBJ, structAddress(s.rootObj), capability.Perm_obj_sp.DEFINED);
  put(s.novaObj, NOVA_OBJ_ROOT_PIO, structAddress(s.rootPio), capability.Perm_pio_sp.DEFINED);
  put(s.rootObj, ROOT_OBJ_NOVA_OBJ, structAddress(s.novaObj), TAKE);
  put(s.rootObj, ROOT_OBJ_ROOT_OBJ, structAddress(s.rootObj), capability.Perm_obj_sp.DEFINED);
  // §9.3's console semaphore (SELNUM-1) and interrupt semaphores (0x10000…); ctrl_hw's root check.
  console.createSemaphore(s.novaObj);
  intsm.create(s.novaObj);
  hw.setRootObjects(s.rootObj);
  const rootPd = Pd.create();
  if (rootPd === null) panic("root: no memory for the root PD");
  rootPd.bindObj(s.rootObj);
  rootPd.bindPio(s.rootPio);
  rootPd.hasHst = true;
  ref(rootPd.hdr);
  s.rootPd = rootPd;
  put(s.rootObj, ROOT_OBJ_ROOT_PD, structAddress(rootPd), capability.Perm_pd.DEFINED);
  const idle = sc.createIdle();
  if (idle === null) panic("root: no memory for the idle SC");
  put(s.novaObj, NOVA_OBJ_IDLE_SC, structAddress(idle), capability.Perm_sc.CTRL);
  let ports: u64 = 0;
  for (let port: u64 = 0; port < PORTS; port++) {
    if (protectedPort(port)) continue;
    if (mdb.insertRootPio(s.novaPio, port, capability.Perm_pio.A) !== capability.Status.SUCCESS)
      panic("root: no memory for the NOVA PIO space");
    ports++;
  }
  const i = fadt.info;
  log(
    `NOVA: object space: ${hex(NOVA_OBJ_NOVA_OBJ)} NOVA object space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_NOVA_OBJ)))}, ${hex(NOVA_OBJ_NOVA_PIO)} NOVA PIO space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_NOVA_PIO)))}, ${hex(NOVA_OBJ_ROOT_OBJ)} root object space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_ROOT_OBJ)))}, ${hex(NOVA_OBJ_ROOT_PIO)} root PIO space perms ${hex(capability.perms(s.novaObj.lookup(NOVA_OBJ_ROOT_PIO)))}`,
  );
  log(
    `NOVA: PIO space: ${ports} ports with A; protected: PM1a control ${hex(i.pm1aControl)}, PM1b control ${hex(i.pm1bControl)}, PM2 control ${hex(i.pm2Control)}, SMI_CMD ${hex(i.smiCommand)} (length ${i.pm1ControlLength}/${i.pm2ControlLength}/1)`,
  );
}

/** Maps the module's PT_LOAD segments in place (§9.4: p_flags R/W/X; empty ones skipped). */
function mapSegments(image: Virt, start: Phys): bool {
  const h = elf.header(image);
  for (let i: u16 = 0; i < h.phnum; i++) {
    const p = elf.phdr(image, i);
    if (p.type !== elf.PT_LOAD || p.filesz === 0 || p.flags === 0) continue;
    const first = p.vaddr & ~(PAGE - 1);
    const last = (p.vaddr + p.memsz + PAGE - 1) & ~(PAGE - 1);
    const pa = u64(start) + (p.offset & ~(PAGE - 1));
    const w = (p.flags & elf.PF_W) !== 0;
    const x = (p.flags & elf.PF_X) !== 0;
    for (let va = first; va < last; va += PAGE)
      if (!user.mapPage(rootSpace, virt(va), phys(pa + (va - first)), w, x, memory.tablePage))
        return false;
  }
  return true;
}

/** Fills the HIP page at `pa` (§9.5): the fields the kernel knows, the rest 0 or all-ones. */
function fillHip(pa: Phys, module: boot.BootModule): void {
  const h = structAt<hip.Hip>(kmem.toVirt(pa));
  h.signature = hip.SIGNATURE;
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
  h.selnum = 0x40000;
  // §8.1: host and guest event ranges (the vCPU numbers are NOVA's, for the vCPU work).
  h.selHstArch = u16(event.SEL_HST_ARCH);
  h.selHstNova = u16(event.SEL_HST_NOVA);
  h.selGstArch = 0x100;
  h.selGstNova = 2;
  h.cpuNum = u16(ec.CPU_COUNT);
  h.cpuBsp = 0;
  h.intPin = u16(intsm.pins());
  h.intMsi = u16(intsm.msis());
  let features: u64 = 0;
  if (cpu.has(cpu.Feature.VMX)) features |= hip.FEATURE_VMX;
  if (cpu.has(cpu.Feature.SVM)) features |= hip.FEATURE_SVM;
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
  rootSpace = user.create(memory.tablePage);
  const hipPage = memory.tablePage();
  if (u64(rootSpace) === 0 || u64(hipPage) === 0) panic("root: no memory for the root PD");
  spaces.rootPd.tables = rootSpace;
  if (!mapSegments(image, m.start)) panic("root: no memory for the root page tables");
  fillHip(hipPage, m);
  if (!user.mapPage(rootSpace, virt(HIP_ADDRESS), hipPage, false, false, memory.tablePage))
    panic("root: no memory for the HIP mapping");
  if (cmdline.has("kstat")) {
    const stats = kstat.enable();
    if (
      u64(stats) === 0 ||
      !user.mapPage(rootSpace, virt(kstat.KSTAT_ADDRESS), stats, false, false, memory.tablePage)
    )
      panic("root: no memory for the kernel statistics page");
    log(`KSTAT: kernel statistics page at ${hex(kstat.KSTAT_ADDRESS)} in the root PD`);
  }
  const entry = elf.header(image).entry;
  // §9.4: the root EC (global, FPU, EVT 0) and SC (priority 127, 1000 ms) on the boot CPU.
  const e = ec.create(spaces.rootPd, 0, true, true, UTCB_ADDRESS, HIP_ADDRESS, 0);
  if (e === null) panic("root: no memory for the root EC");
  const s = sc.create(e, sc.ROOT_PRIORITY, sc.budgetTicks(sc.ROOT_BUDGET_MS));
  if (s === null) panic("root: no memory for the root SC");
  put(objects, ROOT_OBJ_ROOT_EC, structAddress(e), capability.Perm_ec.DEFINED);
  put(objects, ROOT_OBJ_ROOT_SC, structAddress(s), capability.Perm_sc.DEFINED);
  log(
    `ROOT: image ${m.start}-${m.end} entry ${hex(entry)}, HIP ${hex(HIP_ADDRESS)} UTCB ${hex(UTCB_ADDRESS)}, tables ${rootSpace}`,
  );
  log(
    `ROOT: object space: ${hex(ROOT_OBJ_NOVA_OBJ)} NOVA object space perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_NOVA_OBJ)))}, ${hex(ROOT_OBJ_ROOT_OBJ)} root object space perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_ROOT_OBJ)))}, ${hex(ROOT_OBJ_ROOT_PD)} root PD perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_ROOT_PD)))}, ${hex(ROOT_OBJ_ROOT_EC)} root EC perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_ROOT_EC)))}, ${hex(ROOT_OBJ_ROOT_SC)} root SC perms ${hex(capability.perms(objects.lookup(ROOT_OBJ_ROOT_SC)))}; PIO space empty`,
  );
  // §9.4 and NOVA's values for the registers the spec leaves open. The root
  // EC starts at the ELF entry, not with a STARTUP event.
  e.isRoot = true;
  const f = e.regs;
  f.rip = entry;
  f.rdi = u64(magic);
  f.rsi = u64(info);
  f.rcx = entry;
  f.r11 = syscall.USER_RFLAGS;
  e.cont = ec.retUserIret;
  sc.makeReady(s, false);
  sc.schedule();
}

/** ec.ts's end of the root EC: what its delegations left, then the end of the boot log. */
function rootGone(): void {
  const irets = syscall.iretReturns();
  if (irets !== 0) log(`SYSCALL: ${irets} returns by IRETQ (non-canonical RIP)`);
  // What the EC's delegations left, checked against the mapping database.
  const s = spaces;
  log(
    `MDB: checked NOVA object space ${mdb.check(s.novaObj.hdr)}, NOVA PIO space ${mdb.check(s.novaPio.hdr)}, root object space ${mdb.check(s.rootObj.hdr)}, root PIO space ${mdb.check(s.rootPio.hdr)} capabilities`,
  );
  log(
    `PIO: TSS I/O bitmap: COM1 0x3f8 ${tss.ioAllowed(0x3f8) ? "open" : "closed"}, 0x80 ${tss.ioAllowed(0x80) ? "open" : "closed"}`,
  );
  // Back to the kernel's own tables: nothing runs in the root space any more.
  writeCr3(u64(space.rootTable()));
  finish();
}

/** What ec.ts runs when the root EC dies. */
export function whenRootGone(): never {
  rootGone();
  panic("root: the end of the boot log returned");
}
