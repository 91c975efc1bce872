// The application processors (APs): every enabled CPU the MADT names is
// started with INIT-SIPI-SIPI (Intel SDM Vol. 3A §8.4.4.1, MP spec B.4),
// one at a time, through the real-mode trampoline of
// arch/x86_64/trampoline.S. Each AP gets its own GDT, TSS, IST stacks and
// guarded kernel stack, loads the shared IDT, sets up its FPU, local APIC,
// SYSCALL and PAT like the boot CPU, reports in, and enters its scheduler's
// idle loop once boot is over. docs/smp.md.

import { EFER_LME, EFER_NXE, IA32_EFER } from "../abi/msr.ts";
import * as boot from "./boot.ts";
import * as ec from "./ec.ts";
import * as exceptions from "./exceptions.ts";
import * as ipi from "./ipi.ts";
import * as klock from "./klock.ts";
import * as sc from "./sc.ts";
import * as syscall from "./syscall.ts";
import * as tlb from "./tlb.ts";
import * as cmdline from "./cmdline.ts";
import * as fpu from "./fpu.ts";
import * as svm from "./svm.ts";
import * as vmx from "./vmx.ts";
import * as gdt from "./gdt.ts";
import * as idt from "./idt.ts";
import * as kmem from "./kmem.ts";
import * as lapic from "./lapic.ts";
import * as madt from "./madt.ts";
import * as memory from "./memory.ts";
import * as percpu from "./percpu.ts";
import * as ptab from "./ptab.ts";
import * as space from "./space_kernel.ts";
import * as tsc from "./tsc.ts";
import * as tss from "./tss.ts";

/**
 * Where the trampoline is copied, with its three page-table pages above it.
 * A SIPI vector names a page below 1 MiB; memory.ts keeps all of it out of
 * the allocator. 0x1000 is the lowest page that is not the real-mode IVT/BIOS
 * data, and it is below everything the boot loaders put there: QEMU's
 * multiboot v1 info, command lines and memory map start at 0x9000, GRUB
 * places its info at 0x10000 or above. placeTrampoline() still checks the
 * memory map, the info structure and the modules, and leaves the APs off
 * rather than overwrite anything.
 */
const TRAMPOLINE: u64 = 0x1000;
const PAGE: u64 = 0x1000;
/** The code page, then the trampoline's PML4, PDPT and PD. */
const TRAMPOLINE_PAGES: u64 = 4;

// SDM Vol. 3A §8.4.4.1: 10 ms after INIT, 200 µs between the SIPIs.
const INIT_DELAY_NS: u64 = 10_000_000;
const SIPI_DELAY_NS: u64 = 200_000;
/** How long a CPU gets to report in after its second SIPI (generous: emulators are slow). */
const ANSWER_NS: u64 = 500_000_000;

/** trampoline.S's data block (ap_trampoline_data), filled in for one CPU at a time. */
class TrampolineData {
  /** 1: the block may be claimed (the AP exchanges it with 0). */
  go: Atomic<u32>;
  cpu: u32;
  /** The trampoline's PML4, physical, below 1 MiB. */
  tables: u32;
  /** EFER bits the AP sets besides: LME, and NXE as on the boot CPU. */
  efer: u32;
  kernelCr3: u64;
  stack: u64;
}
layout(TrampolineData, {
  size: 32,
  offsets: { go: 0, cpu: 4, tables: 8, efer: 12, kernelCr3: 16, stack: 24 },
});

/** An AP's descriptor tables (more than a slab object can hold: the TSS has its I/O bitmap). */
class CpuTables {
  tss: Inline<tss.Tss>;
  gdt: Inline<gdt.Gdt>;
}
/** Pages (as a buddy order) for CpuTables. */
const TABLES_ORDER: u32 = 2;

class CpuRecord {
  /** The APIC id the MADT names. */
  apicId: u32;
  /** The APIC id and CPU index the CPU read through its own GS (percpu.ts), written before `online`. */
  reportedId: u32;
  reportedIndex: u32;
  /** Whether the CPU's GS reached a fresh copy of the per-CPU data (percpu.install). */
  freshPerCpu: bool;
  /** The CPU's copy of the per-CPU data. */
  perCpu: Virt;
  /** The top of its guarded kernel stack. */
  stackTop: Virt;
  /** Set by the CPU itself once it is set up and idling. */
  online: Atomic<u32>;
  tables: CpuTables;
}

class CpuList {
  count: usize;
  list: Arr<Inline<CpuRecord>, 256>;
}
/** CPU 0 is the boot CPU; CPUs 1… are the APs that came up, in MADT order. */
const cpus = new CpuList();

class Booting {
  /** Set by release(): the APs may leave their halt loop and run their schedulers. */
  done: Atomic<u32>;
}
const booting = new Booting();

/**
 * Boot is over (init.ts, before the root EC runs): every AP leaves its halt
 * loop (woken by a RESCHEDULE IPI) and waits for the kernel lock, which it
 * gets once the boot CPU first leaves for ring 3.
 */
export function release(): void {
  booting.done.store(1);
  for (let c: u32 = 1; c < count(); c++) ipi.send(c, ipi.VECTOR_RESCHEDULE);
}

/** CPUs online (HIP CPUNUM): their numbers are 0..count()-1. */
export function count(): u32 {
  return u32(cpus.count);
}

function overlaps(a: u64, aEnd: u64, b: u64, bEnd: u64): bool {
  return a < bEnd && b < aEnd;
}

/** Whether [TRAMPOLINE, + pages) is usable RAM that holds nothing the boot loader left. */
function trampolineFree(): bool {
  const end = TRAMPOLINE + TRAMPOLINE_PAGES * PAGE;
  let ram = false;
  for (let i: usize = 0; i < boot.info.rangeCount; i++) {
    const r = boot.info.ranges[i];
    if (r.type === boot.MemoryType.AVAILABLE && r.base <= TRAMPOLINE && r.base + r.length >= end)
      ram = true;
  }
  if (!ram) return false;
  if (overlaps(TRAMPOLINE, end, u64(boot.info.infoStart), u64(boot.info.infoEnd))) return false;
  for (let i: usize = 0; i < boot.info.moduleCount; i++) {
    const m = boot.info.modules[i];
    if (overlaps(TRAMPOLINE, end, u64(m.start), u64(m.end))) return false;
  }
  return true;
}

function page(n: u64): Ptr<u64> {
  return ptrFromVirt<u64>(kmem.toVirt(phys(TRAMPOLINE + n * PAGE)));
}

/**
 * Copies the trampoline and builds its page tables: the low 2 MiB
 * identity-mapped (one large page: the code runs there while CR0.PG goes
 * on) and the kernel half of the kernel's PML4, which ap_high needs until it
 * loads the kernel's own CR3. Returns the data block, or null.
 */
function placeTrampoline(): TrampolineData | null {
  const start = linkerSymbol("ap_trampoline_start");
  const size = linkerSymbol("ap_trampoline_end") - start;
  if (size > PAGE || !trampolineFree()) return null;
  const from = ptrFromVirt<u8>(start);
  const to = ptrCast<u8>(page(0));
  for (let i: usize = 0; i < size; i++) to.set(i, from.get(i));
  const pml4 = page(1);
  const pdpt = page(2);
  const pd = page(3);
  const kernel = ptrFromVirt<u64>(kmem.toVirt(space.rootTable()));
  for (let i: usize = 0; i < 512; i++) {
    pml4.set(i, i >= 256 ? kernel.get(i) : 0);
    pdpt.set(i, 0);
    pd.set(i, 0);
  }
  pml4.set(0, (TRAMPOLINE + 2 * PAGE) | ptab.PRESENT | ptab.WRITABLE);
  pdpt.set(0, (TRAMPOLINE + 3 * PAGE) | ptab.PRESENT | ptab.WRITABLE);
  pd.set(0, ptab.PRESENT | ptab.WRITABLE | ptab.LARGE);
  const data = structAt<TrampolineData>(
    kmem.toVirt(phys(TRAMPOLINE + (linkerSymbol("ap_trampoline_data") - start))),
  );
  data.go.store(0);
  data.tables = u32(TRAMPOLINE + PAGE);
  data.efer = u32(EFER_LME | (rdmsr(IA32_EFER) & EFER_NXE));
  data.kernelCr3 = u64(space.rootTable());
  return data;
}

/** A new guarded kernel stack's top, or 0. */
function stack(): Virt {
  return space.newStack(memory.tablePage);
}

/** Zeroed CpuTables with the TSS's IST stacks filled in, or null when memory runs out. */
function newTables(): CpuTables | null {
  const pa = memory.allocKernel(TABLES_ORDER);
  if (u64(pa) === 0) return null; // buddy.ts NONE
  const words = ptrFromVirt<u64>(kmem.toVirt(pa));
  for (let i: usize = 0; i < usize(PAGE / 8) << usize(TABLES_ORDER); i++) words.set(i, 0);
  const t = structAt<CpuTables>(kmem.toVirt(pa));
  const doubleFault = stack();
  const nmi = stack();
  const machineCheck = stack();
  if (u64(doubleFault) === 0 || u64(nmi) === 0 || u64(machineCheck) === 0) return null;
  tss.buildFor(t.tss, doubleFault, nmi, machineCheck);
  return t;
}

function delay(ns: u64): void {
  const end = rdtsc() + tsc.ticks(ns);
  while (rdtsc() < end) pause();
}

/** Waits up to `ns` for CPU `c` to report in. */
function answered(c: CpuRecord, ns: u64): bool {
  const end = rdtsc() + tsc.ticks(ns);
  while (c.online.load() === 0) {
    if (rdtsc() >= end) return false;
    pause();
  }
  return true;
}

enum Start {
  ONLINE,
  SILENT,
  /** Memory ran out, or a CPU claimed the trampoline and never arrived: start no more. */
  STOP,
}

/** Starts the CPU with `apicId` as CPU cpus.count; it counts once it has reported in. */
function start(data: TrampolineData, apicId: u32, silent: bool): Start {
  const index = cpus.count;
  const c = cpus.list[index];
  c.apicId = apicId;
  c.online.store(0);
  const tables = newTables();
  const top = stack();
  c.perCpu = percpu.newArea();
  if (
    tables === null ||
    u64(top) === 0 ||
    u64(c.perCpu) === 0 ||
    !svm.prepareCpu(u32(index)) ||
    !vmx.prepareCpu(u32(index))
  ) {
    log(`SMP: no memory for CPU ${index}'s stacks and tables, no more CPUs started`);
    return Start.STOP;
  }
  c.tables = tables;
  c.stackTop = top;
  exceptions.addStack(top - space.STACK_PAGES * PAGE, top);
  ipi.setApicId(u32(index), apicId);
  data.cpu = u32(index);
  data.stack = u64(top);
  data.go.store(1); // last: the block is complete before any CPU can claim it
  lapic.sendIpi(apicId, lapic.DELIVERY_INIT);
  delay(INIT_DELAY_NS);
  const sipi = lapic.DELIVERY_STARTUP | u32(TRAMPOLINE >> 12);
  if (!silent) lapic.sendIpi(apicId, sipi);
  delay(SIPI_DELAY_NS);
  if (!silent && c.online.load() === 0) lapic.sendIpi(apicId, sipi);
  if (!answered(c, ANSWER_NS)) {
    // Unclaimed: a late SIPI finds go = 0 and parks. Claimed: it is on its way; give it once more.
    if (data.go.exchange(0) !== 0) {
      log(`SMP: CPU ${index} APIC id ${apicId} did not start`);
      return Start.SILENT;
    }
    if (!answered(c, ANSWER_NS)) {
      log(
        `SMP: CPU ${index} APIC id ${apicId} took the trampoline and did not arrive, no more CPUs started`,
      );
      return Start.STOP;
    }
  }
  cpus.count++;
  log(`SMP: CPU ${c.reportedIndex} APIC id ${c.reportedId} online`);
  if (!c.freshPerCpu || usize(c.reportedIndex) !== index)
    log(`SMP: CPU ${index} did not reach its own per-CPU data through GS`);
  return Start.ONLINE;
}

/**
 * Brings every enabled MADT CPU online (the boot CPU is CPU 0) and logs one
 * line per CPU, the summary and the time it took (docs/boot-log.md). Needs the kernel's page
 * tables, the local APIC (lapic.init) and the calibrated TSC.
 */
export function init(bootTsc: u64): void {
  const begin = rdtsc();
  const self = lapic.id();
  // Test hook (test/boot/smp.test.ts): `smpsilent=<APIC id>` sends that CPU INIT but no SIPI,
  // so it stays in wait-for-SIPI like a CPU that never answers.
  const silent = cmdline.number("smpsilent", u64.MAX);
  percpu.setLocalApicId(self);
  const bsp = cpus.list[0];
  bsp.apicId = self;
  bsp.reportedId = percpu.localApicId();
  bsp.reportedIndex = percpu.cpuIndex.get();
  bsp.online.store(1);
  ipi.setApicId(0, self);
  cpus.count = 1;
  const data = madt.info.cpuCount > 1 ? placeTrampoline() : null;
  if (madt.info.cpuCount > 1 && data === null)
    log(`SMP: no room for the AP trampoline at ${hex(TRAMPOLINE)}, boot CPU only`);
  for (let i: usize = 0; data !== null && i < madt.info.cpuCount; i++) {
    const m = madt.info.cpus[i];
    if (m.apicId === self) continue;
    if (!m.enabled) {
      log(`SMP: APIC id ${m.apicId} disabled in the MADT, skipped`);
      continue;
    }
    if (!lapic.state.x2apic && m.apicId > 0xff) {
      log(`SMP: APIC id ${m.apicId} not reachable in xAPIC mode, skipped`);
      continue;
    }
    if (start(data, m.apicId, u64(m.apicId) === silent) === Start.STOP) break;
  }
  const enabled = madt.info.enabledCount > 0 ? madt.info.enabledCount : 1;
  log(`SMP: ${cpus.count} of ${enabled} CPUs online (${lapic.state.x2apic ? "x2APIC" : "xAPIC"})`);
  const now = rdtsc();
  log(
    `SMP: bring-up ${tsc.ms(now - begin)} ms, ${now - begin} TSC ticks; all online ${now - bootTsc} TSC ticks after init.main`,
  );
  klock.setOnline(u32(cpus.count));
  ipi.setOnline(u32(cpus.count));
}

/**
 * An AP's first code in the dialect (trampoline.S ap_high), on its kernel
 * stack with the kernel's page tables: its own GDT and TSS, the shared IDT,
 * the kernel's paging protections and PCIDs, FPU, local APIC, SYSCALL and
 * PAT as on the boot CPU. Then it reports in, waits for the kernel lock and
 * runs its scheduler's idle loop.
 */
export function apMain(index: u32): never {
  const c = cpus.list[usize(index)];
  gdt.install(c.tables.gdt, c.tables.tss);
  // Its own GS before anything uses per-CPU data, after gdt.install (loading GS rewrites the
  // base); the boot CPU logs what the CPU read there.
  c.freshPerCpu = percpu.install(c.perCpu, index);
  tss.setCurrent(c.tables.tss);
  idt.load();
  space.activate();
  tlb.initCpu();
  fpu.initAp();
  lapic.enableLocal();
  syscall.enable();
  svm.initCpu();
  vmx.initCpu();
  space.loadPat();
  ec.initCpu(c.stackTop);
  sc.initCpu();
  percpu.setLocalApicId(lapic.id());
  c.reportedIndex = percpu.cpuIndex.get();
  c.reportedId = percpu.localApicId();
  c.online.store(1);
  // Halted until boot is over (release()): a CPU spinning for the kernel lock meanwhile would
  // take host time from the boot CPU and the APs still starting, which an emulator with many
  // CPUs on few host cores cannot spare.
  while (booting.done.load() === 0) {
    sti();
    hlt();
    cli();
  }
  wedgeIfAsked(index);
  ec.idleFirst();
}

/**
 * Test hooks (test/boot/smp.test.ts): `wedge=<cpu>` makes that AP keep the
 * kernel lock forever once it first has it, `wedgefast=<cpu>` stay in a fast
 * path forever (its reading flag up, klock.ts), so the watchdog must name it.
 * Here, where the APs start, rather than in watchdog.ts, which the lock and
 * the shootdowns call while they wait.
 */
function wedgeIfAsked(cpu: u32): void {
  if (cmdline.number("wedge", u64.MAX) === u64(cpu)) {
    klock.enter();
    wedged();
  }
  if (cmdline.number("wedgefast", u64.MAX) === u64(cpu)) {
    // Until it gets in, it answers shootdowns as a CPU waiting for the lock would: a slow path
    // in the kernel meanwhile may be waiting for exactly that.
    while (!klock.enterFast()) {
      tlb.answer();
      pause();
    }
    wedged();
  }
}

function wedged(): void {
  for (;;) pause();
}
