// The kernel's own address space: page tables built in the dialect, which
// replace the boot loader-era tables of arch/x86_64/start.S.
//
// - A direct map of all RAM the memory map names (available, ACPI) at
//   kmem.DIRECT_MAP: read/write, never executable, global.
// - The image at KERNEL_OFFSET with per-section rights: text read-only and
//   executable, rodata read-only, data and bss writable; neither executable.
// - Kernel stacks in their own region, each with an unmapped guard page
//   below it, so an overflow faults instead of corrupting memory; the IST
//   stacks in .bss get the same (tss.guardPage()).
// - No identity map: once CR3 holds these tables, low memory is reached only
//   through the direct map, and a stray low address faults.
// - The paging controls every CPU sets: NX, WP, SMEP, SMAP, UMIP, global
//   pages (activate) and the PAT (loadPat), whose entries 5 and 6 only host
//   spaces' cache attributes use (space_hst.patBits).

import { EFER_NXE, IA32_EFER, IA32_PAT } from "../abi/msr.ts";
import * as boot from "./boot.ts";
import * as kmem from "./kmem.ts";
import * as ptab from "./ptab.ts";
import * as tss from "./tss.ts";

/** Kernel stacks: one 64 KiB slot per stack, the lowest page of each left unmapped. */
const STACKS: u64 = 0xffff_ffff_c000_0000;
const STACK_SLOT: u64 = 0x1_0000;
export const STACK_PAGES: u64 = 4;

// CPUID bits for the protections (SDM Vol. 2A, CPUID leaf 7 / 0x8000_0001).
const CPUID7_EBX_SMEP: u32 = 1 << 7;
const CPUID7_EBX_SMAP: u32 = 1 << 20;
const CPUID7_ECX_UMIP: u32 = 1 << 2;
const EXT_EDX_NX: u32 = 1 << 20;
const EXT_EDX_1G: u32 = 1 << 26;

// Control-register and EFER bits (SDM Vol. 3A §2.5, §2.2.1).
const CR0_WP: u64 = 1 << 16;
const CR4_PGE: u64 = 1 << 7;
const CR4_UMIP: u64 = 1 << 11;
const CR4_SMEP: u64 = 1 << 20;
const CR4_SMAP: u64 = 1 << 21;

const PAGE: u64 = 0x1000;
const LARGE: u64 = 0x20_0000;

/**
 * Pages for the kernel's tables and first stack while no allocator exists:
 * they live in .bss, so they are identity-mapped now and covered by the
 * direct map later. 128 pages cover the direct map of 64 GiB with 2 MiB pages.
 */
class EarlyPages {
  bytes: Arr<u8, 524288>;
}
layout(EarlyPages, { align: 4096 });
const early = new EarlyPages();
let earlyUsed: u64 = 0;

/** A zeroed page from the early pool (a TableAllocator), or phys(0) when it is used up. */
export function earlyPage(): Phys {
  if (earlyUsed === 128) return phys(0);
  const va = ptrToVirt(arrayPtr(early.bytes)) + earlyUsed * PAGE;
  earlyUsed++;
  return kmem.imageToPhys(va);
}

/** Pages of the early pool handed out so far. */
export function earlyPagesUsed(): u64 {
  return earlyUsed;
}

let root: Phys = phys(0);
let allocateTable: ptab.TableAllocator = noTables;
let stacks: u64 = 0;

function noTables(): Phys {
  return phys(0);
}

/** What the CPU offers, read once; the bits decide what is enabled. */
class Protections {
  nx: bool;
  hugePages: bool;
  smep: bool;
  smap: bool;
  umip: bool;
}
export const protections = new Protections();

function probe(): void {
  const r = array<u32, 4>();
  cpuid(0x8000_0000, 0, r);
  if (r[0] >= 0x8000_0001) {
    cpuid(0x8000_0001, 0, r);
    protections.nx = (r[3] & EXT_EDX_NX) !== 0;
    protections.hugePages = (r[3] & EXT_EDX_1G) !== 0;
  }
  cpuid(0, 0, r);
  if (r[0] >= 7) {
    cpuid(7, 0, r);
    protections.smep = (r[1] & CPUID7_EBX_SMEP) !== 0;
    protections.smap = (r[1] & CPUID7_EBX_SMAP) !== 0;
    protections.umip = (r[2] & CPUID7_ECX_UMIP) !== 0;
  }
}

function noExecute(): u64 {
  return protections.nx ? ptab.NO_EXECUTE : 0;
}

/** Maps [pa, end) at DIRECT_MAP + pa with the largest pages alignment allows. */
function directMap(pa: u64, end: u64): bool {
  const attributes = ptab.WRITABLE | ptab.GLOBAL | noExecute();
  let at = pa & ~(PAGE - 1);
  while (at < end) {
    const va = virt(kmem.DIRECT_MAP + at);
    if ((at & (LARGE - 1)) === 0 && at + LARGE <= end) {
      // A 2 MiB page may already be there when two map entries share it.
      if (ptab.translate(root, va) === ptab.NOT_MAPPED) {
        if (!ptab.map(root, va, phys(at), ptab.ORDER_2M, attributes, allocateTable)) return false;
      }
      at += LARGE;
    } else {
      if (ptab.translate(root, va) === ptab.NOT_MAPPED) {
        if (!ptab.map(root, va, phys(at), ptab.ORDER_4K, attributes, allocateTable)) return false;
      }
      at += PAGE;
    }
  }
  return true;
}

/** Pages of the image left unmapped: the guard pages under the IST stacks. */
function isGuard(va: u64): bool {
  for (let slot: u8 = 1; slot <= 3; slot++) if (u64(tss.guardPage(slot)) === va) return true;
  return false;
}

/** Maps image pages [start, end) (virtual) with `attributes`, except guard pages. */
function mapImage(start: u64, end: u64, attributes: u64): bool {
  for (let va = start & ~(PAGE - 1); va < end; va += PAGE) {
    if (isGuard(va)) continue;
    const pa = kmem.imageToPhys(virt(va));
    if (!ptab.map(root, virt(va), pa, ptab.ORDER_4K, attributes | ptab.GLOBAL, allocateTable))
      return false;
  }
  return true;
}

/**
 * Builds the kernel's tables with page-table pages from `allocate`. Nothing
 * changes for the CPU until activate().
 */
export function build(allocate: ptab.TableAllocator): bool {
  probe();
  // Every x86-64 CPU since the first has it; without it the last user page could execute a
  // SYSCALL whose return RIP is not canonical (space_hst.ts, syscall.S).
  if (!protections.nx) panic("paging: the CPU has no NX (execute disable), which the kernel needs");
  allocateTable = allocate;
  root = allocate();
  if (u64(root) === 0) return false;
  for (let i: usize = 0; i < boot.info.rangeCount; i++) {
    const r = boot.info.ranges[i];
    const ram =
      r.type === boot.MemoryType.AVAILABLE ||
      r.type === boot.MemoryType.ACPI_RECLAIMABLE ||
      r.type === boot.MemoryType.ACPI_NVS;
    if (ram && r.length !== 0 && !directMap(r.base, r.base + r.length)) return false;
  }
  const nx = noExecute();
  return (
    mapImage(u64(linkerSymbol("__text_start")), u64(linkerSymbol("__text_end")), 0) &&
    mapImage(u64(linkerSymbol("__rodata_start")), u64(linkerSymbol("__rodata_end")), nx) &&
    mapImage(
      u64(linkerSymbol("__data_start")),
      u64(linkerSymbol("__bss_end_virt")),
      ptab.WRITABLE | nx,
    )
  );
}

/** Whether frame `pa` is in the direct map (RAM the kernel may read; never device memory). */
export function directMapped(pa: Phys): bool {
  const va = virt(kmem.DIRECT_MAP + (u64(pa) & ~(PAGE - 1)));
  return ptab.translate(root, va) !== ptab.NOT_MAPPED;
}

/** Device registers: one 1 GiB window of 4 KiB uncached mappings, handed out in order. */
const MMIO: u64 = 0xffff_ffff_0000_0000;
const MMIO_SIZE: u64 = 0x4000_0000;
let mmioUsed: u64 = 0;

/**
 * Maps the device registers at [pa, pa + size) uncached (PCD|PWT), writable
 * and not executable, and returns the virtual address of pa, or 0 when the
 * window or the table pages run out.
 */
export function mapMmio(pa: Phys, size: u64, allocate: ptab.TableAllocator): Virt {
  const first = u64(pa) & ~(PAGE - 1);
  const last = (u64(pa) + size + PAGE - 1) & ~(PAGE - 1);
  if (last - first > MMIO_SIZE - mmioUsed) return virt(0);
  const base = MMIO + mmioUsed;
  const attributes = ptab.WRITABLE | ptab.CACHE_DISABLE | ptab.WRITE_THROUGH | noExecute();
  for (let at = first; at < last; at += PAGE) {
    if (!ptab.map(root, virt(base + (at - first)), phys(at), ptab.ORDER_4K, attributes, allocate))
      return virt(0);
  }
  mmioUsed += last - first;
  return virt(base + (u64(pa) - first));
}

/**
 * A new kernel stack of STACK_PAGES pages from `allocatePage`, with an
 * unmapped guard page below it. Returns the stack's top (initial RSP), or 0.
 */
export function newStack(allocatePage: ptab.TableAllocator): Virt {
  const slot = STACKS + stacks * STACK_SLOT;
  for (let i: u64 = 1; i <= STACK_PAGES; i++) {
    const page = allocatePage();
    if (u64(page) === 0) return virt(0);
    const attributes = ptab.WRITABLE | ptab.GLOBAL | noExecute();
    if (!ptab.map(root, virt(slot + i * PAGE), page, ptab.ORDER_4K, attributes, allocateTable))
      return virt(0);
  }
  stacks++;
  return virt(slot + (STACK_PAGES + 1) * PAGE);
}

/** The lowest address of the guard page under the stack whose top is `top`. */
export function guardPage(top: Virt): Virt {
  return virt(u64(top) - (STACK_PAGES + 1) * PAGE);
}

/**
 * Loads the tables and turns on every protection the CPU has: NX, WP (the
 * kernel honours read-only pages), SMEP and SMAP (no user pages executed or
 * touched by the kernel by accident), UMIP (no SGDT/SIDT/... in user mode),
 * global pages. From here on physical memory is reached through the direct map.
 */
export function activate(): void {
  if (protections.nx) wrmsr(IA32_EFER, rdmsr(IA32_EFER) | EFER_NXE);
  writeCr0(readCr0() | CR0_WP);
  let cr4 = readCr4() | CR4_PGE;
  if (protections.smep) cr4 |= CR4_SMEP;
  if (protections.smap) cr4 |= CR4_SMAP;
  if (protections.umip) cr4 |= CR4_UMIP;
  writeCr3(u64(root));
  writeCr4(cr4);
  // Exception and interrupt entries clear AC from now on (arch/x86_64/entry.S entry_clac).
  if (protections.smap) ptrFromVirt<u8>(linkerSymbol("entry_clac")).store(1);
  kmem.useDirectMap();
}

// The PAT MSR (SDM Vol. 3A §13.12.2): entries 0-3 keep their power-on types
// (WB, WT, UC-, UC), so PCD/PWT alone mean what they did for the kernel's
// mappings; 5 becomes WP and 6 WC, for the MAD's cache attributes in host
// spaces (space_hst.patBits).
const PAT_VALUE: u64 = 0x0001_0506_0007_0406;

/**
 * This CPU's PAT as the host spaces' cache attributes need it: the boot CPU's
 * when root.ts configures host spaces, each AP's in smp.apMain. Here, with the
 * other paging controls every CPU sets, so the bring-up need not import the
 * root PD's module (which imports the bring-up for its CPU count).
 */
export function loadPat(): void {
  wrmsr(IA32_PAT, PAT_VALUE);
}

/**
 * Reads the live tables back: true when low memory has no mapping, text is
 * not writable, data is not executable (where the CPU has NX), and the IST
 * stacks' guard pages are unmapped.
 */
export function verify(): bool {
  const low = ptab.translate(root, virt(u64(boot.info.infoStart))) === ptab.NOT_MAPPED;
  const text = ptab.leafEntry(root, linkerSymbol("__text_start"));
  const data = ptab.leafEntry(root, linkerSymbol("__data_start"));
  const textOk = (text & ptab.PRESENT) !== 0 && (text & ptab.WRITABLE) === 0;
  const dataOk = (data & ptab.WRITABLE) !== 0 && (data & ptab.NO_EXECUTE) === noExecute();
  let guards = true;
  for (let slot: u8 = 1; slot <= 3; slot++)
    if (ptab.translate(root, tss.guardPage(slot)) !== ptab.NOT_MAPPED) guards = false;
  return low && textOk && dataOk && guards;
}

export function rootTable(): Phys {
  return root;
}
