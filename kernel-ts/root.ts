// The root PD (../shared/docs/nova-abi.md §9.4): the first multiboot module,
// an ELF64 ET_EXEC, mapped in place into a new user address space with the
// HIP and the UTCB, entered in ring 3 as the root EC.
//
// What exists today is the address space and the EC's registers; the PD, EC
// and SC kernel objects and the root object space's capabilities do not yet
// (docs/user-mode.md). Until event portals exist, an exception from ring 3
// kills the root EC and the kernel finishes its boot.

import * as acpi from "./acpi.ts";
import * as capability from "./capability.ts";
import * as boot from "./boot.ts";
import * as cpu from "./cpu.ts";
import * as elf from "./elf.ts";
import * as exceptions from "./exceptions.ts";
import { ExceptionFrame } from "./exceptions.ts";
import * as gdt from "./gdt.ts";
import * as hip from "./hip.ts";
import * as kmem from "./kmem.ts";
import * as mdb from "./mdb.ts";
import * as memory from "./memory.ts";
import * as space from "./space_kernel.ts";
import { SELNUM, Space_obj } from "./space_obj.ts";
import * as user from "./space_user.ts";
import * as syscall from "./syscall.ts";
import * as tsc from "./tsc.ts";

/** §9.4 with H = 47: the HIP in the last user page, the UTCB below it. */
export const HIP_ADDRESS: u64 = 0x7fff_ffff_f000;
export const UTCB_ADDRESS: u64 = 0x7fff_ffff_e000;
const HIP_LENGTH: u16 = 0x90;
const PAGE: u64 = 0x1000;

/** What runs after the root EC is gone (init.ts: the end of the boot log). */
export type Finish = () => never;

let finish: Finish = stop;
let rootSpace: Phys = phys(0);
/** The root EC's registers for its first entry (user_enter loads them all). */
const entryFrame = new ExceptionFrame();

function stop(): never {
  panic("root: no finish continuation");
}

/**
 * The root object space (§9.4) with what exists of its table today: its own
 * capability at SELNUM-2 (GRANT|TAKE). The NOVA object space (SELNUM-1) and
 * the root PD, EC and SC (SELNUM-3..-5) are not kernel objects yet.
 */
function objectSpace(): Space_obj {
  const s = mdb.newObjSpace();
  if (s === null) panic("root: no memory for the root object space");
  const cap = capability.make(structAddress(s), capability.Perm_obj_sp.DEFINED);
  if (mdb.insertRoot(s, SELNUM - 2, cap) !== capability.Status.SUCCESS)
    panic("root: no memory for the root object space's capability");
  return s;
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
  h.rootStart = u64(module.start);
  h.rootEnd = u64(module.end);
  h.rsdp = acpi.info.rsdpSource === acpi.RsdpSource.NONE ? u64.MAX : acpi.info.rsdp;
  h.uefiMap = u64.MAX;
  h.stcFrequency = tsc.frequency();
  h.selnum = 0x40000;
  h.cpuNum = 1;
  h.cpuBsp = 0;
  let features: u64 = 0;
  if (cpu.has(cpu.Feature.VMX)) features |= hip.FEATURE_VMX;
  if (cpu.has(cpu.Feature.SVM)) features |= hip.FEATURE_SVM;
  h.features = features;
  hip.seal(pa);
}

/**
 * Builds the root PD from the first module and enters it; returns only when
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
  const objects = objectSpace();
  rootSpace = user.create(memory.tablePage);
  const hipPage = memory.tablePage();
  const utcb = memory.tablePage();
  if (u64(rootSpace) === 0 || u64(hipPage) === 0 || u64(utcb) === 0)
    panic("root: no memory for the root PD");
  if (!mapSegments(image, m.start)) panic("root: no memory for the root page tables");
  fillHip(hipPage, m);
  if (
    !user.mapPage(rootSpace, virt(HIP_ADDRESS), hipPage, false, false, memory.tablePage) ||
    !user.mapPage(rootSpace, virt(UTCB_ADDRESS), utcb, true, false, memory.tablePage)
  )
    panic("root: no memory for the HIP and UTCB mappings");
  const entry = elf.header(image).entry;
  log(
    `ROOT: image ${m.start}-${m.end} entry ${hex(entry)}, HIP ${hex(HIP_ADDRESS)} UTCB ${hex(UTCB_ADDRESS)}, tables ${rootSpace}`,
  );
  log(
    `ROOT: object space: ${hex(SELNUM - 2)} root object space perms ${hex(capability.perms(objects.lookup(SELNUM - 2)))}; PD, EC, SC and NOVA object space capabilities not yet`,
  );
  exceptions.onUserFault(killed);
  // §9.4 and NOVA's values for the registers the spec leaves open.
  const f = entryFrame;
  f.rip = entry;
  f.cs = u64(gdt.USER_CODE);
  f.rflags = syscall.USER_RFLAGS;
  f.rsp = HIP_ADDRESS;
  f.ss = u64(gdt.USER_DATA);
  f.rdi = u64(magic);
  f.rsi = u64(info);
  f.rcx = entry;
  f.r11 = syscall.USER_RFLAGS;
  writeCr3(u64(rootSpace));
  enterUser(structAddress(f));
}

/** exceptions.ts's user-fault handler: no event portals yet, so the EC dies. */
function killed(f: ExceptionFrame): void {
  log(
    `EC: root EC killed: ${exceptions.mnemonic(f.vector)} at ${hex(f.rip)} rdi ${hex(f.rdi)} rsi ${hex(f.rsi)}`,
  );
  const irets = syscall.iretReturns();
  if (irets !== 0) log(`SYSCALL: ${irets} returns by IRETQ (non-canonical RIP)`);
  // Back to the kernel's own tables: nothing runs in the root space any more.
  writeCr3(u64(space.rootTable()));
  finish();
}
