// The first code in the dialect: called by arch/x86_64/start.S in 64-bit
// mode on the boot stack, with the boot loader's magic and info pointer.
// Each line it logs is one fact, in the format of docs/boot-log.md.

import * as acpi from "./acpi.ts";
import * as boot from "./boot.ts";
import * as cmdline from "./cmdline.ts";
import * as console from "./console.ts";
import * as cpu from "./cpu.ts";
import * as ec from "./ec.ts";
import * as event from "./event.ts";
import * as exceptions from "./exceptions.ts";
import * as fault from "./fault.ts";
import * as fpu from "./fpu.ts";
import * as svm from "./svm.ts";
import * as vmx from "./vmx.ts";
import * as insn from "./insn_length.ts";
import * as gdt from "./gdt.ts";
import * as idt from "./idt.ts";
import * as interrupts from "./interrupts.ts";
import * as ipi from "./ipi.ts";
import * as klock from "./klock.ts";
import * as ioapic from "./ioapic.ts";
import * as lapic from "./lapic.ts";
import * as memory from "./memory.ts";
import * as mdb from "./mdb.ts";
import * as multiboot from "./multiboot.ts";
import * as pd from "./pd.ts";
import * as pdEnd from "./pd_end.ts";
import * as pic from "./pic.ts";
import * as power from "./power.ts";
import * as root from "./root.ts";
import * as sc from "./sc.ts";
import * as percpu from "./percpu.ts";
import * as smp from "./smp.ts";
import * as space from "./space_kernel.ts";
import * as syscall from "./syscall.ts";
import * as timer from "./timer.ts";
import * as tlb from "./tlb.ts";
import * as tsc from "./tsc.ts";
import * as tss from "./tss.ts";
import * as vcpu from "./vcpu.ts";
import * as watchdog from "./watchdog.ts";
import * as iommu from "./iommu.ts";

const COM1: u16 = 0x3f8;
const MIB: u64 = 1024 * 1024;

function logMemoryMap(): void {
  for (let i: usize = 0; i < boot.info.rangeCount; i++) {
    const r = boot.info.ranges[i];
    log(`MEM: range ${hex(r.base)}-${hex(r.base + r.length)} type ${r.type}`);
  }
  if (boot.info.rangesDropped !== 0)
    log(`MEM: ${boot.info.rangesDropped} more ranges ignored (table full)`);
  log(`Memory: ${boot.usableBytes() / MIB} MiB usable (multiboot v${boot.info.loader})`);
}

function logModules(): void {
  for (let i: usize = 0; i < boot.info.moduleCount; i++) {
    const m = boot.info.modules[i];
    log(`MOD: ${i} ${m.start}-${m.end} "${m.cmdline}"`);
  }
  if (boot.info.modulesDropped !== 0) log(`MOD: ${boot.info.modulesDropped} more modules ignored`);
}

/** The TSC when the dialect code started, for the boot time in the log. */
let bootTsc: u64 = 0;
/** The boot loader's EAX and EBX: the root EC's RDI and RSI (nova-abi.md §9.4). */
let bootMagic: u32 = 0;
let bootInfo: Phys = phys(0);
/** The top of the guarded kernel stack: TSS.RSP0 and the hypercall stack. */
let kernelStackTop: Virt = virt(0);

export function main(magic: u32, info: Phys): void {
  bootTsc = rdtsc();
  bootMagic = magic;
  bootInfo = info;
  // COM1 first, so that even a bad command line can be reported.
  console.init(COM1);
  // Then our GDT, TSS and IDT, so any fault from here on is reported (docs/panic.md).
  gdt.init();
  idt.init();
  if (!multiboot.parse(magic, info)) {
    log(`NOVA: unknown boot loader magic ${hex(magic)}, halting`);
    power.halt();
  }
  cmdline.init(boot.info.cmdline);
  const port = cmdline.number("serial", u64(COM1));
  if (port !== u64(COM1) && port <= u64(u16.MAX)) console.init(u16(port));
  log(`NOVA microhypervisor (TypeScript dialect build)`);
  log(`BOOT: multiboot${boot.info.loader === 2 ? "2" : ""} cmdline "${boot.info.cmdline}"`);
  cpu.identify();
  fpu.init();
  logMemoryMap();
  logModules();
  memory.init();
  if (u64(boot.info.rsdp) !== 0) log(`ACPI: RSDP copy from the boot loader at ${boot.info.rsdp}`);
  acpi.init();
  enterKernelSpace();
}

function onOff(b: bool): str {
  return b ? "on" : "off";
}

/** Moves to the kernel's own page tables and a guarded stack; continues in running(). */
function enterKernelSpace(): never {
  if (!space.build(space.earlyPage)) panic("no memory for the kernel page tables");
  const top = space.newStack(space.earlyPage);
  if (u64(top) === 0) panic("no memory for the kernel stack");
  exceptions.addStack(top - space.STACK_PAGES * 4096, top);
  space.activate();
  if (!space.verify()) panic("the kernel page tables do not say what they were built to say");
  const p = space.protections;
  log(
    `PAGING: kernel tables at ${space.rootTable()}, ${space.earlyPagesUsed()} early pages; NX ${onOff(p.nx)} SMEP ${onOff(p.smep)} SMAP ${onOff(p.smap)} UMIP ${onOff(p.umip)} WP on`,
  );
  log(
    `PAGING: identity map removed, text read-only, data not executable, IST guard pages unmapped`,
  );
  log(`PAGING: kernel stack top ${top}, guard page at ${space.guardPage(top)}`);
  kernelStackTop = top;
  switchStack(top, running);
}

/** The PICs out of the way, the local APIC and the I/O APICs up, the TSC measured. */
function interruptsAndTime(): void {
  pic.disable();
  if (!lapic.init(!cmdline.has("nox2apic"), memory.tablePage)) panic("cannot map the local APIC");
  const mode = lapic.state.x2apic ? "x2APIC" : "xAPIC";
  log(
    `LAPIC: ${mode} mode, id ${lapic.id()} version ${hex(lapic.version())}, timer ${lapic.timerMode()}`,
  );
  ioapic.init(memory.tablePage);
  tsc.init();
  log(`TSC: ${tsc.frequency() / 1_000_000} MHz from ${tsc.frequencySource()}`);
  lapic.calibrate();
  timer.init();
  interrupts.register(lapic.VECTOR_ERROR, lapic.errorInterrupt);
}

/** The rest of boot, on the guarded kernel stack. */
function running(): never {
  // Per-CPU data through GS from here on (nothing used any before); the copy is reached through
  // the direct map, which is live only now.
  const area = percpu.newArea();
  if (u64(area) === 0 || !percpu.install(area, 0)) panic("no per-CPU data for the boot CPU");
  tss.setCurrent(tss.bootTss);
  // The boot CPU holds the kernel lock for all of boot: the APs wait for it before they run
  // their idle loops, and get it when the root EC first leaves for ring 3.
  klock.init();
  klock.enter();
  tlb.init();
  tlb.initCpu();
  memory.startHeap();
  interruptsAndTime();
  log(`TLB: PCIDs ${onOff(tlb.pcids())}`);
  ipi.init();
  watchdog.init();
  syscall.init();
  // After the SYSCALL MSRs: the host state SVM and VMX restore after each guest run is taken now.
  vcpu.init();
  insn.configure(space.directMapped);
  if (!svm.prepareCpu(0) || !vmx.prepareCpu(0)) panic("no memory for the boot CPU's SVM/VMX areas");
  svm.initCpu();
  vmx.initCpu();
  event.init(root.whenRootGone);
  pd.onEnd(pdEnd.endEcs);
  mdb.onLongWalk(klock.yieldIfWanted);
  ec.initCpu(kernelStackTop);
  smp.init(bootTsc);
  sc.createIdles(smp.count());
  fault.fromCmdline();
  if (cmdline.has("timertest") && !timer.selfTest()) panic("the timer self-test failed");
  if (cmdline.has("irqtest") && !ioapic.selfTest(tsc.ticks(1_000_000)))
    panic("the interrupt routing self-test failed");
  if (cmdline.has("reboot")) power.reboot();
  sc.setTicksPerMs(tsc.ticks(1_000_000));
  exceptions.onUser(event.userFault, event.userInterrupted, ec.dropIfDestroyed);
  watchdog.arm();
  smp.release();
  // With a root image this enters ring 3 and finish() runs after the root EC is gone.
  root.start(bootMagic, bootInfo, finish);
  finish();
}

/** The end of the boot log and the success exit (after the root EC, if there was one). */
function finish(): never {
  console.reportMbuf();
  iommu.report();
  const elapsed = rdtsc() - bootTsc;
  log(`BOOT: ${tsc.ms(elapsed)} ms, ${elapsed} TSC ticks from init.main to here`);
  log(`Boot complete`);
  power.exit(power.EXIT_SUCCESS);
}
