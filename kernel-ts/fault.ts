// Deliberate faults, so tests (test/boot/faults.test.ts) can check each kind
// of report: the kernel command line option `fault=<kind>` makes the kernel
// fault right after CPU setup.
//
//   fault=ud      UD2: #UD, a fault in the kernel's own code
//   fault=pf      a write to an unmapped address: #PF with CR2 and error code
//   fault=df      unbounded recursion into an unmapped guard page below the
//                 boot stack: the #PF cannot push its frame, so the CPU raises
//                 #DF, which runs on its own IST stack and is reported
//   fault=nmi     an NMI the CPU sends itself through its local APIC: the
//                 report runs on the NMI's IST stack
//   fault=assert  a failing assert(): the TypeScript file and line, then a stack walk

import * as cmdline from "./cmdline.ts";

/** Canonical, lower half, beyond the boot identity map (4 GiB): never mapped. */
const UNMAPPED: u64 = 0x0bad_0bad_0000;

/** The boot page tables map 0..1 GiB of physical memory here (arch/x86_64/memory.h). */
const KERNEL_OFFSET: u64 = 0xffff_ffff_8000_0000;
const PAGE_SIZE: u64 = 0x1000;
const PTE_PRESENT: u64 = 1 << 0;
const PTE_WRITE: u64 = 1 << 1;
const PTE_LARGE: u64 = 1 << 7;
/** Bits of a 2 MiB entry a 4 KiB entry keeps: P, R/W, U/S, PWT, PCD, A, D and XD. */
const PTE_INHERIT: u64 = 0x8000_0000_0000_007f & ~PTE_LARGE;
const ADDRESS_MASK: u64 = 0x000f_ffff_ffff_f000;

const IA32_APIC_BASE: u32 = 0x1b;
const APIC_ID: u64 = 0x20;
const APIC_ICR_LOW: u64 = 0x300;
const APIC_ICR_HIGH: u64 = 0x310;
/** ICR: delivery mode NMI (0b100), level assert, physical destination, no shorthand. */
const ICR_NMI: u32 = (4 << 8) | (1 << 14);

class PageTable {
  entries: Arr<u64, 512>;
}
layout(PageTable, { align: 4096, size: 4096 });

/** Replaces the 2 MiB page that holds the guard page when fault=df splits it. */
const splitTable = new PageTable();

function tableAt(pa: u64): Ptr<u64> {
  return ptrFromVirt<u64>(virt(KERNEL_OFFSET + (pa & ADDRESS_MASK)));
}

/**
 * Unmaps the 4 KiB page below the boot stack in the boot page tables, splitting the 2 MiB
 * page that holds it. The tables and the image lie below 1 GiB, reached at KERNEL_OFFSET.
 */
function unmapGuardPage(): Virt {
  const guard = u64(linkerSymbol("boot_stack")) - PAGE_SIZE;
  const pml4 = tableAt(readCr3());
  const pdpt = tableAt(pml4.get((guard >> 39) & 511));
  const pd = tableAt(pdpt.get((guard >> 30) & 511));
  const slot = (guard >> 21) & 511;
  const pde = pd.get(slot);
  assert((pde & PTE_PRESENT) !== 0, "the boot stack is mapped");
  if ((pde & PTE_LARGE) !== 0) {
    const base = pde & ADDRESS_MASK & ~u64(0x1f_ffff);
    for (let i: usize = 0; i < 512; i++)
      splitTable.entries[i] = (base + u64(i) * PAGE_SIZE) | (pde & PTE_INHERIT);
    pd.set(slot, (u64(structAddress(splitTable)) - KERNEL_OFFSET) | PTE_PRESENT | PTE_WRITE);
    splitTable.entries[usize((guard >> 12) & 511)] = 0;
  } else {
    tableAt(pde).set((guard >> 12) & 511, 0);
  }
  invlpg(virt(guard));
  writeCr3(readCr3());
  return virt(guard);
}

/** Recurses until the stack runs into the guard page; `previous` keeps every frame alive. */
function overflow(previous: Ptr<u64>, n: u64): u64 {
  const frame = array<u64, 32>();
  frame[0] = n;
  frame[1] = previous.load();
  if (n === u64.MAX) return frame[1];
  return overflow(arrayPtr(frame), n + 1) + frame[1];
}

function undefinedOpcode(): void {
  ud2();
}

function pageFault(): void {
  ptrFromVirt<u64>(virt(UNMAPPED)).storeVolatile(0x5a5a);
}

function doubleFault(): void {
  const guard = unmapGuardPage();
  log(`FAULT: guard page ${guard} below the boot stack unmapped`);
  const start = array<u64, 1>();
  const result = overflow(arrayPtr(start), 0);
  log(`FAULT: stack overflow returned ${result}`);
}

/** Sends this CPU an NMI: xAPIC registers through the boot identity map of the first 4 GiB. */
function selfNmi(): void {
  const base = rdmsr(IA32_APIC_BASE) & ADDRESS_MASK;
  const id = ptrFromVirt<u32>(virt(base + APIC_ID)).loadVolatile() >> 24;
  ptrFromVirt<u32>(virt(base + APIC_ICR_HIGH)).storeVolatile(id << 24);
  ptrFromVirt<u32>(virt(base + APIC_ICR_LOW)).storeVolatile(ICR_NMI);
  for (let i: u32 = 0; i < 1_000_000; i++) pause();
}

function failedAssertion(value: u32): void {
  assert(value === 0, `deliberate failure (fault=assert), value ${value}`);
}

/** Raises the fault `fault=<kind>` asks for, if any; returns only when there is none. */
export function fromCmdline(): void {
  if (!cmdline.has("fault")) return;
  if (cmdline.is("fault", "ud")) {
    log(`FAULT: deliberate #UD (fault=ud)`);
    undefinedOpcode();
  } else if (cmdline.is("fault", "pf")) {
    log(`FAULT: deliberate #PF at ${hex(UNMAPPED)} (fault=pf)`);
    pageFault();
  } else if (cmdline.is("fault", "df")) {
    log(`FAULT: deliberate #DF by kernel stack overflow (fault=df)`);
    doubleFault();
  } else if (cmdline.is("fault", "nmi")) {
    log(`FAULT: deliberate NMI to this CPU (fault=nmi)`);
    selfNmi();
  } else if (cmdline.is("fault", "assert")) {
    log(`FAULT: deliberate assertion failure (fault=assert)`);
    failedAssertion(1);
  } else {
    log(`FAULT: fault= takes ud, pf, df, nmi or assert; ignored`);
    return;
  }
  panic("the deliberate fault did not stop the kernel");
}
