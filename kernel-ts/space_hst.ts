// A PD's host space (nova-abi.md §1.2, §2): selector N = host virtual page N
// (HVA >> 12), 2^35 selectors for the 47-bit user half, each CAP0 or a
// memory capability: one 4 KiB frame with R/W/XU/XS and the cache attribute
// of the MAD it was first delegated with (§10.4). The capabilities and their
// mapping-database nodes live in a CapTable (space_obj.ts, three directory
// levels here); the page tables the CPU walks (space_user.ts's layout: the
// lower half the user's, the upper half the kernel's) follow every change of
// a slot, so the two never disagree.
//
// Capability → PTE: every capability is present, and present implies
// readable (x86 cannot express write-only or execute-only); W sets WRITABLE;
// XU or XS clears NO_EXECUTE (one execute bit in host tables, §2.2); the
// cache attribute selects a PAT entry (patBits below, the PAT MSR the kernel
// programs in space_kernel.ts).
//
// The last page of the user half is never executable, whatever the capability
// says: a SYSCALL in its last two bytes would return to 2^47, which is not
// canonical, and syscall.S returns by SYSRETQ without testing (the kernel
// needs NX, space_kernel.ts).
//
// Kernel-owned pages (UTCB, HIP) are mapped in the page tables only, with no
// capability in the slot, so they delegate as CAP0 (§4.8) and revoking the
// slot's capability never unmaps them; mapKernelPage() replaces (revokes)
// whatever capability was at their address first.
//
// A guest space (§1.2, create_pd OP 3) is the same object with `guest` set
// and kind GST_SP: selector N = guest-physical page N, 2^36 of them (48-bit
// guest-physical addresses, §13.11), and its tables are the ones a vCPU's
// guest-physical accesses go through. On AMD SVM they are nested page tables
// (NPT: the long-mode format; every nested access counts as a user access,
// so every entry has USER). On Intel VMX they are EPT tables (setGuestEpt):
// a leaf has read (bit 0, where the long-mode format has present), write
// (1), execute (2) and the memory type of the capability's cache attribute
// (5:3); an intermediate entry allows all three, which is what the
// long-mode table bits 0–2 (present, writable, user) say in EPT terms; the
// CPU sets accessed and dirty in bits 8 and 9 where EPT has them. They hold
// no kernel half and no kernel pages, the last-page rule does not apply, and
// no CPU loads them into CR3. A GST space is only ever a destination of
// ctrl_pd (pd.ts).
//
// A DMA space (§1.2, create_pd OP 4, only with an IOMMU) is the same object
// with kind DMA_SP: selector N = device-virtual page N, as many as the
// IOMMUs' address width allows (iommu.ts decides, docs/iommu.md), and its
// tables are the ones the IOMMU walks: VT-d's second-level tables (bit 0
// read, bit 1 write, bit 7 a large page, the long-mode layout otherwise) or
// AMD-Vi's I/O page tables (the same layout with the next level in bits 11:9
// of a table entry, read and write in bits 61 and 62), as setDmaFormat says.
// Present implies readable here too; W sets the write bit; nothing else goes
// into a leaf. The table under PML4 entry 0 exists from the start, so an IOMMU that
// walks 3 levels (39-bit) starts there and one that walks 4 at the PML4
// (dmaRoot). `domain` is the IOMMU's domain id for it.
//
// The NOVA host space (§9.3) is one object with `nova` set: its capabilities
// are computed (selector = physical page, all of R/W/XU/XS except protected
// memory, §9.6), never stored, and it has no page tables.
//
// Everything kernel-specific comes through configure() (page-table pages,
// the kernel's half, NX, TLB invalidation, the mdb's teardown and revoke), so
// this module builds on the host for tests as well.

import { Perm_mem } from "../abi/perms.ts";
import { Status } from "../abi/status.ts";
import { Kind, CAP0 } from "./capability.ts";
import { KObject, Destroy, allocObject, freeObject, initObject } from "./kobject.ts";
import * as kmem from "./kmem.ts";
import * as ptab from "./ptab.ts";
import { CapTable } from "./space_obj.ts";
import { CpuSet } from "./cpuset.ts";

/** Host space selectors: pages of the 2^47-byte user half (§9.7, H = 47). */
export const HST_SELECTORS: u64 = u64(1) << 35;
/** Guest space selectors: pages of a 48-bit guest-physical address space (§13.11). */
export const GST_SELECTORS: u64 = u64(1) << 36;
const PAGE_SHIFT: u64 = 12;
/** The last page of the user half: never executable (file comment). */
const LAST_USER_PAGE: u64 = HST_SELECTORS - 1;

/** MAD cache attributes (§10.4, bits 2:0); 5…7 are invalid. */
export enum Ca {
  WB = 0,
  WT = 1,
  WC = 2,
  UC = 3,
  WP = 4,
  COUNT = 5,
}
/** The largest memory-encryption key id (HIP KIMAX): no memory encryption here. */
export const KIMAX: u32 = 0;

/** A memory capability word: frame | cache attribute << 5 | R/W/XU/XS. */
const CA_SHIFT: u64 = 5;
const CA_MASK: u64 = 7;
const FRAME: u64 = 0x000f_ffff_ffff_f000;
/** Page-table entry address bits and the user half's PML4 entries. */
const ENTRY_ADDRESS: u64 = 0x000f_ffff_ffff_f000;
const USER_ENTRIES: usize = 256;
const KERNEL_HALF: usize = 256;
const ENTRIES: usize = 512;

export function memCap(pa: Phys, ca: u32, perms: u32): u64 {
  assert(
    perms !== 0 && (perms & ~u32(Perm_mem.DEFINED)) === 0 && ca < Ca.COUNT,
    "space_hst: invalid memory capability",
  );
  return (u64(pa) & FRAME) | (u64(ca) << CA_SHIFT) | u64(perms);
}

export function memFrame(cap: u64): Phys {
  return phys(cap & FRAME);
}

export function memCa(cap: u64): u32 {
  return u32((cap >> CA_SHIFT) & CA_MASK);
}

/**
 * PAT/PCD/PWT bits of a 4 KiB PTE for a cache attribute, with the PAT the
 * kernel programs (space_kernel.ts loadPat): entries 0-3 are the power-on
 * WB, WT, UC-, UC (so PCD/PWT alone mean what they always did), 5 is WP and
 * 6 is WC.
 */
export function patBits(ca: u32): u64 {
  switch (ca) {
    case Ca.WT:
      return ptab.WRITE_THROUGH;
    case Ca.WC:
      return ptab.PAT_4K | ptab.CACHE_DISABLE;
    case Ca.UC:
      return ptab.CACHE_DISABLE | ptab.WRITE_THROUGH;
    case Ca.WP:
      return ptab.PAT_4K | ptab.WRITE_THROUGH;
    default:
      return 0;
  }
}

/** Gives back a page-table page. */
export type TableFree = (pa: Phys) => void;
/** The entry for `va` in `s` changed: no CPU may use the old one after the hypercall (tlb.ts). */
export type Flush = (s: Space_hst, va: Virt) => void;
/** Revokes the capability at `sel` of a host space with everything derived from it (mdb.ts). */
export type Revoke = (s: Space_hst, sel: u64) => void;
/** Whether a physical address is memory the kernel allocates from (never delegable). */
export type Owned = (pa: u64) => bool;

const MAX_PROTECTED: usize = 32;

class Platform {
  kernelRoot: Phys;
  nx: bool;
  alloc: ptab.TableAllocator;
  free: TableFree;
  flush: Flush;
  destroy: Destroy;
  revoke: Revoke;
  owned: Owned;
  ready: bool;
  /** §9.6 protected physical ranges [start, end), and the end of addressable memory. */
  starts: Arr<u64, 32>;
  ends: Arr<u64, 32>;
  count: usize;
  physLimit: u64;
}

const platform = new Platform();

/**
 * A DMA space's entries beyond the address and bit 0 (present): a readable leaf's, W's, and
 * the intermediate entries'. VT-d's second-level format unless the IOMMU driver says otherwise
 * (setDmaFormat) before the first DMA space.
 */
class DmaFormat {
  read: u64;
  write: u64;
  table: ptab.TableBits;
}
const dmaFormat = new DmaFormat();

export function setDmaFormat(read: u64, write: u64, table: ptab.TableBits): void {
  dmaFormat.read = read;
  dmaFormat.write = write;
  dmaFormat.table = table;
}

/** Guest spaces are EPT tables (Intel VMX) rather than nested page tables (AMD SVM). */
class GuestFormat {
  ept: bool;
}
const guestFormat = new GuestFormat();

/** EPT leaf bits (SDM Vol. 3, Table 29-6): write, execute, memory type; accessed and dirty. */
const EPT_WRITE: u64 = 1 << 1;
const EPT_EXECUTE: u64 = 1 << 2;
const EPT_TYPE_SHIFT: u64 = 3;
const EPT_ACCESSED_DIRTY: u64 = (1 << 8) | (1 << 9);

/** Makes guest spaces EPT tables (vmx.ts, before the first guest space). */
export function setGuestEpt(): void {
  guestFormat.ept = true;
}

/** The EPT memory type of a cache attribute (SDM Vol. 3, 12.3: UC 0, WC 1, WT 4, WP 5, WB 6). */
function eptType(ca: u32): u64 {
  switch (ca) {
    case Ca.UC:
      return 0;
    case Ca.WC:
      return 1;
    case Ca.WT:
      return 4;
    case Ca.WP:
      return 5;
    default:
      return 6;
  }
}

/** An EPT leaf's bits but the address and read (PRESENT) for memory capability `cap`. */
function eptAttributes(cap: u64): u64 {
  let a = eptType(memCa(cap)) << EPT_TYPE_SHIFT;
  if ((cap & u64(Perm_mem.W)) !== 0) a |= EPT_WRITE;
  if ((cap & u64(Perm_mem.XU | Perm_mem.XS)) !== 0) a |= EPT_EXECUTE;
  return a;
}

/** What host spaces need from the kernel (or a host test). */
export function configure(
  kernelRoot: Phys,
  nx: bool,
  alloc: ptab.TableAllocator,
  free: TableFree,
  flush: Flush,
  destroy: Destroy,
  revoke: Revoke,
  owned: Owned,
): void {
  const p = platform;
  p.kernelRoot = kernelRoot;
  p.nx = nx;
  p.alloc = alloc;
  p.free = free;
  p.flush = flush;
  p.destroy = destroy;
  p.revoke = revoke;
  p.owned = owned;
  p.physLimit = u64.MAX;
  p.count = 0;
  p.ready = true;
  setDmaFormat(0, ptab.WRITABLE, ptab.x86Table);
}

/** Physical memory from `limit` on is never delegable (§9.6: ≥ 2^min(phys bits, 47)). */
export function setPhysLimit(limit: u64): void {
  platform.physLimit = limit;
}

/** Makes [start, end) protected memory (§9.6); false when the table of ranges is full. */
export function protect(start: u64, end: u64): bool {
  const p = platform;
  if (p.count === MAX_PROTECTED) return false;
  p.starts[p.count] = start & ~u64(0xfff);
  p.ends[p.count] = end;
  p.count++;
  return true;
}

/** The NOVA host space's end: pages from here on are beyond physical memory (CAP0). */
export function novaPages(): u64 {
  const pages = platform.physLimit >> PAGE_SHIFT;
  return pages < HST_SELECTORS ? pages : HST_SELECTORS;
}

/** Whether the physical page `page` is protected memory. */
export function isProtected(page: u64): bool {
  const p = platform;
  if (page >= HST_SELECTORS || page << PAGE_SHIFT >= p.physLimit) return true;
  const pa = page << PAGE_SHIFT;
  for (let i: usize = 0; i < p.count; i++) if (pa >= p.starts[i] && pa < p.ends[i]) return true;
  return p.owned(pa);
}

/**
 * The PTE attributes of memory capability `cap` at `sel` of a host space, or of a guest space
 * (`guest`: the last-page rule is the host's) (present, user; see the file comment).
 */
function attributes(cap: u64, sel: u64, guest: bool, dma: bool): u64 {
  if (dma) return dmaFormat.read | ((cap & u64(Perm_mem.W)) !== 0 ? dmaFormat.write : 0);
  if (guest && guestFormat.ept) return eptAttributes(cap);
  let a = ptab.USER | patBits(memCa(cap));
  if ((cap & u64(Perm_mem.W)) !== 0) a |= ptab.WRITABLE;
  const x = (cap & u64(Perm_mem.XU | Perm_mem.XS)) !== 0 && (guest || sel !== LAST_USER_PAGE);
  if (!x && platform.nx) a |= ptab.NO_EXECUTE;
  return a;
}

function va(sel: u64): Virt {
  return virt(sel << PAGE_SHIFT);
}

export class Space_hst {
  hdr: Inline<KObject>;
  table: Inline<CapTable>;
  /** The PML4 (what CR3 loads), phys(0) for the NOVA host space. */
  root: Phys;
  /** The NOVA host space: capabilities computed, no tables. */
  nova: bool;
  /** TLB bookkeeping (tlb.ts): CPUs that may hold its translations, CPUs that must flush its PCID first. */
  used: Inline<CpuSet>;
  stale: Inline<CpuSet>;
  pcid: u32;
  /** On tlb.ts's list of spaces with changes not yet shot down. */
  dirty: bool;
  nextDirty: Space_hst | null;
  /** A DMA space's IOMMU domain id (iommu.ts). */
  domain: u32;
  /** A guest space: entries changed so far (tlb.ts), and the PD it was created for (pd.ts serial). */
  flushes: u64;
  owner: u64;

  /** A new, empty host space (no references yet) with its PML4, or null when memory is out. */
  static create(): Space_hst | null {
    const s = withTables(Kind.HST_SP, HST_SELECTORS);
    if (s === null) return null;
    const from = ptrFromVirt<u64>(kmem.toVirt(platform.kernelRoot));
    const to = ptrFromVirt<u64>(kmem.toVirt(s.root));
    for (let i = KERNEL_HALF; i < ENTRIES; i++) to.set(i, from.get(i));
    return s;
  }

  /** A new, empty guest space (no references yet) with its nested PML4, or null when memory is out. */
  static createGuest(): Space_hst | null {
    return withTables(Kind.GST_SP, GST_SELECTORS);
  }

  /**
   * A new, empty DMA space (no references yet) with `selectors` pages and
   * the table under PML4 entry 0 (file comment), or null when memory is out.
   */
  static createDma(selectors: u64): Space_hst | null {
    const s = withTables(Kind.DMA_SP, selectors);
    if (s === null) return null;
    const low = platform.alloc();
    if (u64(low) === 0) {
      freeObject(s.hdr, sizeof<Space_hst>());
      platform.free(s.root);
      return null;
    }
    ptrFromVirt<u64>(kmem.toVirt(s.root)).store(u64(low) | dmaFormat.table(3));
    return s;
  }

  /** A DMA space (kind DMA_SP): IOMMU tables (file comment). */
  dma(): bool {
    return this.hdr.kind === Kind.DMA_SP;
  }

  /** The table an IOMMU walking `levels` levels (3 or 4) starts at (a DMA space). */
  dmaRoot(levels: u32): Phys {
    if (levels === 4) return this.root;
    return phys(ptrFromVirt<u64>(kmem.toVirt(this.root)).load() & ENTRY_ADDRESS);
  }

  /** A guest space (kind GST_SP): nested page tables, 2^36 selectors (file comment). */
  guest(): bool {
    return this.hdr.kind === Kind.GST_SP;
  }

  /** Selectors of this space: 2^35 for a host space, 2^36 for a guest space. */
  selectors(): u64 {
    return this.table.nsel;
  }

  /** The NOVA host space (§9.3), or null when memory is out. */
  static createNova(): Space_hst | null {
    const va = allocObject(sizeof<Space_hst>());
    if (u64(va) === 0) return null;
    const s = structAt<Space_hst>(va);
    initObject(s.hdr, Kind.HST_SP, platform.destroy);
    s.table.init(HST_SELECTORS);
    s.nova = true;
    return s;
  }

  /** The capability at `sel`: CAP0 for an empty slot, a kernel page or a selector ≥ 2^35. */
  lookup(sel: u64): u64 {
    if (!this.nova) return this.table.cap(sel);
    if (isProtected(sel)) return CAP0;
    return memCap(phys(sel << PAGE_SHIFT), Ca.WB, Perm_mem.DEFINED);
  }

  /**
   * Puts the memory capability `cap` into the empty slot `sel` with mdb node
   * `node` and maps the page. BAD_PAR: selector ≥ selectors(); BAD_CAP: occupied;
   * MEM_CAP: no memory for the table or a page-table page (nothing changes).
   */
  insert(sel: u64, cap: u64, node: u64): u32 {
    assert(!this.nova, "space_hst: insert into the NOVA host space");
    if (sel >= this.selectors()) return Status.BAD_PAR;
    if (this.table.cap(sel) !== CAP0) return Status.BAD_CAP;
    if (!this.table.prepare(sel)) return Status.MEM_CAP;
    // A kernel page may be mapped here (no capability): its TLB entry must go. A page that
    // was not present needs no invalidation (no TLB entry is made for a faulting walk).
    const before = ptab.leafEntry(this.root, va(sel));
    if (!mapPage(this, sel, cap, platform.alloc)) {
      this.table.trim(sel);
      return Status.MEM_CAP;
    }
    this.table.fill(sel, cap, node);
    // An IOMMU may cache not-present entries (VT-d caching mode) or not snoop the CPU's caches:
    // a DMA space reports every change.
    if (before !== 0 || this.dma()) platform.flush(this, va(sel));
    return Status.SUCCESS;
  }

  /** Reduces the capability at `sel` in place (never to CAP0) and its PTE with it. */
  reduce(sel: u64, cap: u64): void {
    assert(memFrame(cap) === memFrame(this.table.cap(sel)), "space_hst: reduce to another frame");
    this.table.update(sel, cap);
    // The walk exists (the page is mapped), so no table is allocated and map cannot fail.
    assert(mapPage(this, sel, cap, noTable), "space_hst: remap of a mapped page failed");
    platform.flush(this, va(sel));
  }

  /** Empties slot `sel` (which must hold a capability), unmaps the page and invalidates the TLB. */
  remove(sel: u64): u64 {
    const old = this.table.clear(sel);
    ptab.unmap(this.root, va(sel), ptab.ORDER_4K);
    platform.flush(this, va(sel));
    return old;
  }

  /**
   * Maps the kernel-owned page `pa` (a UTCB) at `va`, user-accessible,
   * writable if `writable`, never executable, after revoking the capability
   * that was there (with everything derived from it). It has no capability:
   * delegating it gives CAP0. False when a page-table page cannot be
   * allocated (the old capability is gone then too).
   */
  mapKernelPage(va: Virt, pa: Phys, writable: bool): bool {
    assert(
      !this.nova && this.hdr.kind === Kind.HST_SP && (u64(va) & 0xfff) === 0,
      "space_hst: kernel page not mappable here",
    );
    const sel = u64(va) >> PAGE_SHIFT;
    if (sel >= HST_SELECTORS) return false;
    platform.revoke(this, sel);
    let a = ptab.USER;
    if (writable) a |= ptab.WRITABLE;
    if (platform.nx) a |= ptab.NO_EXECUTE;
    if (!ptab.map(this.root, va, pa, ptab.ORDER_4K, a, platform.alloc)) return false;
    platform.flush(this, va);
    return true;
  }

  /**
   * Unmaps the kernel-owned page `pa` at `va` (mapped by mapKernelPage) and
   * invalidates the TLB. Nothing happens when the slot has gained a
   * capability since (insert replaced the kernel page) or `va` maps another
   * page: that mapping is no longer the kernel's to remove.
   */
  unmapKernelPage(va: Virt, pa: Phys): void {
    assert(!this.nova && (u64(va) & 0xfff) === 0, "space_hst: kernel page not mappable here");
    const sel = u64(va) >> PAGE_SHIFT;
    if (sel >= HST_SELECTORS || this.table.cap(sel) !== CAP0) return;
    if (ptab.translate(this.root, va) !== u64(pa)) return;
    ptab.unmap(this.root, va, ptab.ORDER_4K);
    platform.flush(this, va);
  }

  /** Whether the page tables map `sel` exactly as its capability `cap` says (mdb.check). */
  mapped(sel: u64, cap: u64): bool {
    if (this.nova) return true;
    const e = ptab.leafEntry(this.root, va(sel));
    const want = u64(memFrame(cap)) | ptab.PRESENT | attributes(cap, sel, this.guest(), this.dma());
    const set = this.guest() && guestFormat.ept ? EPT_ACCESSED_DIRTY : ptab.ACCESSED | ptab.DIRTY;
    return (e & ~set) === want;
  }

  /** Frees the tables and the object once every slot is empty (the mdb's destroy function). */
  free(): void {
    this.table.release();
    if (u64(this.root) !== 0) {
      const pml4 = ptrFromVirt<u64>(kmem.toVirt(this.root));
      // A guest or DMA space's tables span the whole PML4; a host space's kernel half is shared.
      const own = this.hdr.kind === Kind.HST_SP ? USER_ENTRIES : ENTRIES;
      for (let i: usize = 0; i < own; i++) freeTables(pml4.get(i), 3);
      platform.free(this.root);
    }
    freeObject(this.hdr, sizeof<Space_hst>());
  }
}

/** A new host, guest or DMA space with an empty PML4 (create, createGuest, createDma), or null. */
function withTables(kind: u32, selectors: u64): Space_hst | null {
  assert(platform.ready, "space_hst: not configured");
  const root = platform.alloc();
  if (u64(root) === 0) return null;
  const va = allocObject(sizeof<Space_hst>());
  if (u64(va) === 0) {
    platform.free(root);
    return null;
  }
  const s = structAt<Space_hst>(va);
  initObject(s.hdr, kind, platform.destroy);
  s.table.init(selectors);
  s.root = root;
  return s;
}

/** Maps the page of capability `cap` at `sel` of `s` as its kind wants (file comment). */
function mapPage(s: Space_hst, sel: u64, cap: u64, allocate: ptab.TableAllocator): bool {
  const a = attributes(cap, sel, s.guest(), s.dma());
  const entry = u64(memFrame(cap)) | ptab.PRESENT | a;
  if (s.dma()) return ptab.mapEntry(s.root, va(sel), entry, dmaFormat.table, allocate);
  if (s.guest() && guestFormat.ept)
    return ptab.mapEntry(s.root, va(sel), entry, ptab.x86Table, allocate);
  return ptab.map(s.root, va(sel), memFrame(cap), ptab.ORDER_4K, a, allocate);
}

function noTable(): Phys {
  return phys(0);
}

/** Frees the table an entry at `level` (3 = PML4) names and the tables below it. */
function freeTables(entry: u64, level: u32): void {
  if ((entry & ptab.PRESENT) === 0 || level === 0 || (entry & ptab.LARGE) !== 0) return;
  const table = phys(entry & ENTRY_ADDRESS);
  if (level > 1) {
    const t = ptrFromVirt<u64>(kmem.toVirt(table));
    for (let i: usize = 0; i < ENTRIES; i++) freeTables(t.get(i), level - 1);
  }
  platform.free(table);
}
