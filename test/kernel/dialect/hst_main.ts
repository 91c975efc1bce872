// Host unit test of host and MSR spaces (kernel-ts/space_hst.ts,
// space_msr.ts) with the mapping database (mdb.ts); test/kernel/hst.test.ts
// builds it with gcc and clang under ASan+UBSan and runs `main(mode)`. Mode
// 0 is the test; modes 1-2 break a rule once and must panic.
//
// Page tables come from the same counted allocator as everything else
// ("physical" = host address, as kmem.toVirt() is the identity on the host),
// so "every byte back" covers them too. The TLB hook records which pages were
// invalidated in which space.
//
// The random test keeps a reference model: for every modelled (space,
// selector) of four host spaces and three MSR spaces the capability word
// (frame | cache attribute | perms, or the MSR perms), the parent it was
// delegated from (none for a root from a NOVA space) and, for host spaces, a
// kernel page mapped without a capability. After every operation the model is
// compared with the spaces (words, parents, rights never above the parent's),
// with the page tables (every PTE the capability implies, kernel pages, and
// nothing else), and every PTE that changed or went must have been
// invalidated in its space.

import { Perm_mem, Perm_msr } from "../../../abi/perms.ts";
import { Status } from "../../../abi/status.ts";
import * as capability from "../../../kernel-ts/capability.ts";
import * as kobject from "../../../kernel-ts/kobject.ts";
import { KObject } from "../../../kernel-ts/kobject.ts";
import * as mdb from "../../../kernel-ts/mdb.ts";
import * as ptab from "../../../kernel-ts/ptab.ts";
import * as hst from "../../../kernel-ts/space_hst.ts";
import { GST_SELECTORS, HST_SELECTORS, Space_hst, memCap } from "../../../kernel-ts/space_hst.ts";
import * as msr from "../../../kernel-ts/space_msr.ts";
import { Space_msr } from "../../../kernel-ts/space_msr.ts";
import * as capheap from "./capheap.ts";
import * as random from "./random.ts";

const OPS: u32 = 6000;
/** Host spaces and modelled pages per space (two windows of 128). */
const NSP: u32 = 4;
const M: u32 = 256;
/** MSR spaces and modelled MSRs per space (two windows of 64). */
const NMS: u32 = 3;
const MM: u32 = 128;
/** Model keys: host keys first, then MSR keys. */
const HKEYS: u32 = NSP * M;
const KEYS: u32 = NSP * M + NMS * MM;
const NONE: u32 = 0xffff_ffff;

/** Physical pages: 0x200 protected, 0x300…0x30f kernel-owned, ≥ 2^24 beyond the limit. */
const PROTECTED_PAGE: u64 = 0x200;
const OWNED_FIRST: u64 = 0x300;
const OWNED_END: u64 = 0x310;
const PHYS_BITS: u64 = 36;
/** Kernel pages (UTCBs) mapped by mapKernelPage: frames from here on. */
const KERNEL_FRAME: u64 = 0x7_0000;

class Stats {
  novaDelegations: u32;
  delegations: u32;
  reductions: u32;
  revokes: u32;
  kernelPages: u32;
  msrOps: u32;
  badPar: u32;
  flushes: u64;
  maxCaps: u32;
  checks: u32;
}
const stats = new Stats();

const hspaces = array<u64, 4>();
const mspaces = array<u64, 3>();
let novaHst: u64 = 0;
let novaMsr: u64 = 0;
let kernelRoot: Phys = phys(0);

/** Model: capability word (0: CAP0), parent key + 1 (0: root), kernel page frame (0: none). */
const mWord = array<u64, 1408>();
const mParent = array<u32, 1408>();
const mKernel = array<u64, 1408>();
/** PTEs expected before the operation, and TLB invalidations seen during it. */
const before = array<u64, 1024>();
const flushed = array<u32, 1024>();
const mark = array<u8, 1408>();

function hspace(s: u32): Space_hst {
  return structAt<Space_hst>(virt(hspaces[s]));
}

function mspace(s: u32): Space_msr {
  return structAt<Space_msr>(virt(mspaces[s]));
}

/** Host selector of model index m: 0x1f0… (crossing a leaf and a page table at 0x200) and the top 128. */
function hselOf(m: u32): u64 {
  return m < 128 ? 0x1f0 + u64(m) : HST_SELECTORS - 256 + u64(m);
}

/** MSR of model index m: 0x160…0x19f (SYSENTER) and 0xc0000060…0xc000009f (EFER, STAR…). */
function msrOf(m: u32): u64 {
  return m < 64 ? 0x160 + u64(m) : 0xc000_0060 + u64(m - 64);
}

function isHost(k: u32): bool {
  return k < HKEYS;
}

function spaceOf(k: u32): KObject {
  if (isHost(k)) return hspace(k / M).hdr;
  return mspace((k - HKEYS) / MM).hdr;
}

/** The table selector of key k. */
function selOf(k: u32): u64 {
  if (isHost(k)) return hselOf(k % M);
  return msr.index(msrOf((k - HKEYS) % MM));
}

function keyOfNode(n: mdb.MdbNode): u32 {
  for (let k: u32 = 0; k < KEYS; k++)
    if (structAddress(n.space) === structAddress(spaceOf(k)) && n.sel === selOf(k)) return k;
  return NONE;
}

// ---- the kernel's hooks ----

function tableAlloc(): Phys {
  return phys(u64(kobject.allocBytes(4096, 4096)));
}

function tableFree(pa: Phys): void {
  kobject.freeBytes(virt(u64(pa)), 4096, 4096);
}

function flush(sp: Space_hst, va: Virt): void {
  stats.flushes++;
  const root = sp.root;
  const sel = u64(va) >> 12;
  for (let s: u32 = 0; s < NSP; s++) {
    if (hspaces[s] === 0 || hspace(s).root !== root) continue;
    for (let m: u32 = 0; m < M; m++) if (hselOf(m) === sel) flushed[s * M + m]++;
  }
}

function owned(pa: u64): bool {
  const page = pa >> 12;
  return page >= OWNED_FIRST && page < OWNED_END;
}

function configure(): void {
  kernelRoot = tableAlloc();
  // Kernel-half entries a new host space must share (never followed by the test).
  const k = ptrFromVirt<u64>(virt(u64(kernelRoot)));
  k.set(256, 0x1234_5000 | ptab.PRESENT);
  k.set(511, 0x5678_9000 | ptab.PRESENT);
  hst.configure(
    kernelRoot,
    true,
    tableAlloc,
    tableFree,
    flush,
    mdb.destroyHstSpace,
    mdb.revokeHst,
    owned,
  );
  hst.setPhysLimit(u64(1) << PHYS_BITS);
  assert(hst.protect(PROTECTED_PAGE << 12, (PROTECTED_PAGE + 1) << 12), "test: protect");
}

function modelProtected(page: u64): bool {
  return (
    page === PROTECTED_PAGE ||
    (page >= OWNED_FIRST && page < OWNED_END) ||
    page >= u64(1) << (PHYS_BITS - 12)
  );
}

function newHst(): Space_hst {
  const s = Space_hst.create();
  assert(s !== null, "test: out of memory");
  if (s === null) panic("unreachable");
  kobject.ref(s.hdr);
  return s;
}

function newMsr(nova: bool): Space_msr {
  const s = mdb.newMsrSpace(nova);
  assert(s !== null, "test: out of memory");
  if (s === null) panic("unreachable");
  kobject.ref(s.hdr);
  return s;
}

// ---- the model ----

function markSubtree(root: u32): void {
  for (let k: u32 = 0; k < KEYS; k++) mark[k] = 0;
  mark[root] = 1;
  let changed = true;
  while (changed) {
    changed = false;
    for (let k: u32 = 0; k < KEYS; k++)
      if (mark[k] === 0 && mWord[k] !== 0 && mParent[k] !== 0 && mark[mParent[k] - 1] === 1) {
        mark[k] = 1;
        changed = true;
      }
  }
}

function modelRevoke(k: u32, self: bool): void {
  markSubtree(k);
  for (let j: u32 = 0; j < KEYS; j++)
    if (mark[j] === 1 && (self || j !== k)) {
      mWord[j] = 0;
      mParent[j] = 0;
    }
}

/** The word `w` with its permissions ANDed with pmm (0 when none remain). */
function reduced(w: u64, pmm: u32): u64 {
  return capability.reduce(w, pmm);
}

/** One delegation in the model: `from` the source word (NOVA: computed), `ks` its key or NONE. */
function modelDelegateOne(ks: u32, nova: u64, kd: u32, pmm: u32): void {
  if (ks === kd) {
    if (mWord[kd] === 0) return;
    const want = reduced(mWord[kd], pmm);
    if (want === mWord[kd]) return;
    modelRevoke(kd, want === 0);
    if (want !== 0) mWord[kd] = want;
    return;
  }
  if (mWord[kd] !== 0) modelRevoke(kd, true);
  const w = ks === NONE ? nova : mWord[ks];
  if (w === 0) return;
  const want = reduced(w, pmm);
  if (want === 0) return;
  mWord[kd] = want;
  mParent[kd] = ks === NONE ? 0 : ks + 1;
  mKernel[kd] = 0;
}

/** The PTE the model implies for host key k (0: not present). */
function expectedPte(k: u32): u64 {
  const w = mWord[k];
  if (w === 0) {
    if (mKernel[k] === 0) return 0;
    return mKernel[k] | ptab.PRESENT | ptab.USER | ptab.WRITABLE | ptab.NO_EXECUTE;
  }
  let e = u64(hst.memFrame(w)) | ptab.PRESENT | ptab.USER | hst.patBits(hst.memCa(w));
  if ((w & u64(Perm_mem.W)) !== 0) e |= ptab.WRITABLE;
  // The last user page is never executable (space_hst.ts: the SYSRET guard).
  if ((w & u64(Perm_mem.XU | Perm_mem.XS)) === 0 || selOf(k) === HST_SELECTORS - 1)
    e |= ptab.NO_EXECUTE;
  return e;
}

/** Attribute bits the test compares (accessed/dirty never set on the host). */
const PTE_BITS: u64 = 0x800f_ffff_ffff_f09f;

function snapshot(): void {
  for (let k: u32 = 0; k < HKEYS; k++) {
    before[k] = expectedPte(k);
    flushed[k] = 0;
  }
}

function compare(): void {
  let caps: u32 = 0;
  for (let k: u32 = 0; k < KEYS; k++) {
    const sp = spaceOf(k);
    const sel = selOf(k);
    let word: u64;
    if (isHost(k)) {
      const h = hspace(k / M);
      word = h.lookup(sel);
      const pte = ptab.leafEntry(h.root, virt(sel << 12)) & PTE_BITS;
      const want = expectedPte(k);
      assert(pte === want, "test: page-table entry differs from the model");
      if (before[k] !== 0 && before[k] !== want)
        assert(flushed[k] !== 0, "test: a changed or removed PTE was not invalidated");
    } else {
      word = u64(mspace((k - HKEYS) / MM).lookup(sel));
    }
    assert(word === mWord[k], "test: capability differs from the model");
    if (word === 0) continue;
    caps++;
    const n = mdb.nodeAt(sp, sel);
    if (mParent[k] === 0) {
      assert(n === null || n.parent === null, "test: root with a parent");
      continue;
    }
    assert(n !== null, "test: delegated capability without a node");
    if (n === null) continue;
    const p = n.parent;
    assert(p !== null && keyOfNode(p) === mParent[k] - 1, "test: wrong parent");
    const pk = mParent[k] - 1;
    assert(
      (capability.perms(word) & ~capability.perms(mWord[pk])) === 0,
      "test: rights increase along a chain",
    );
  }
  let used: u64 = 0;
  for (let s: u32 = 0; s < NSP; s++) used += hspace(s).table.used;
  for (let s: u32 = 0; s < NMS; s++) used += mspace(s).table.used;
  assert(used === u64(caps), "test: capabilities outside the model");
  if (caps > stats.maxCaps) stats.maxCaps = caps;
}

function fullCheck(): void {
  for (let s: u32 = 0; s < NSP; s++) mdb.check(hspace(s).hdr);
  for (let s: u32 = 0; s < NMS; s++) mdb.check(mspace(s).hdr);
  stats.checks++;
}

// ---- random operations ----

function pick(n: u32): u32 {
  return u32(random.next() % u64(n));
}

/** An aligned model index for 2^order entries in one of two windows of `half`. */
function pickIndex(order: u32, half: u32): u32 {
  return pick(2) * half + (pick(half >> order) << order);
}

function randomPmm(): u32 {
  return pick(4) === 0 ? 0x1f : pick(32);
}

/** A physical base page for the NOVA host space, aligned to 2^order, near the special pages. */
function novaBase(order: u32): u64 {
  const size = u64(1) << order;
  const r = pick(4);
  let p: u64 = 0x1f0 + u64(pick(32));
  if (r === 1) p = OWNED_FIRST - 8 + u64(pick(32));
  if (r === 2) p = (u64(1) << (PHYS_BITS - 12)) - 8 + u64(pick(16));
  return p & ~(size - 1);
}

function opNovaHst(): void {
  const order = pick(4);
  const kd = pick(NSP) * M + pickIndex(order, 128);
  const page = novaBase(order);
  const pmm = randomPmm();
  const ca = pick(hst.Ca.COUNT);
  const d = hspace(kd / M);
  const st = mdb.delegateHst(
    structAt<Space_hst>(virt(novaHst)),
    page,
    d,
    hselOf(kd % M),
    order,
    pmm,
    ca,
  );
  assert(st === Status.SUCCESS, "test: delegation from the NOVA host space failed");
  for (let i: u32 = 0; i < u32(1) << order; i++) {
    const p = page + u64(i);
    const w = modelProtected(p) ? 0 : memCap(phys(p << 12), ca, Perm_mem.DEFINED);
    modelDelegateOne(NONE, w, kd + i, pmm);
  }
  stats.novaDelegations++;
}

function opHst(): void {
  const order = pick(4);
  const ks = pick(NSP) * M + pickIndex(order, 128);
  // One in five in place: rights reduced (children revoked first) or revoked by pmm 0.
  const kd = pick(5) === 0 ? ks : pick(NSP) * M + pickIndex(order, 128);
  const pmm = randomPmm();
  const st = mdb.delegateHst(
    hspace(ks / M),
    hselOf(ks % M),
    hspace(kd / M),
    hselOf(kd % M),
    order,
    pmm,
    pick(8),
  );
  assert(st === Status.SUCCESS, "test: host delegation failed");
  for (let i: u32 = 0; i < u32(1) << order; i++) modelDelegateOne(ks + i, 0, kd + i, pmm);
  if (ks === kd) stats.reductions++;
  else stats.delegations++;
}

function opRevoke(): void {
  const k = pick(KEYS);
  if (isHost(k)) {
    const h = hspace(k / M);
    mdb.delegateHst(h, selOf(k), h, selOf(k), 0, 0, 0);
  } else {
    const m = mspace((k - HKEYS) / MM);
    const port = msrOf((k - HKEYS) % MM);
    assert(mdb.delegateMsr(m, port, m, port, 0, 0) === Status.SUCCESS, "test: MSR revoke");
  }
  modelDelegateOne(k, 0, k, 0);
  stats.revokes++;
}

function opKernelPage(): void {
  const k = pick(HKEYS);
  const frame = KERNEL_FRAME + (u64(k) << 12);
  assert(hspace(k / M).mapKernelPage(virt(selOf(k) << 12), phys(frame), true), "test: kernel page");
  if (mWord[k] !== 0) modelRevoke(k, true);
  mKernel[k] = frame;
  stats.kernelPages++;
}

function opMsr(): void {
  const order = pick(4);
  const fromNova = pick(3) === 0;
  const base = pickIndex(order, 64);
  const s = pick(NMS);
  const from = pick(NMS);
  const src = fromNova ? structAt<Space_msr>(virt(novaMsr)) : mspace(from);
  const pmm = randomPmm();
  const m = msrOf(base);
  const st = mdb.delegateMsr(src, m, mspace(s), m, order, pmm);
  assert(st === Status.SUCCESS, "test: MSR delegation failed");
  const kd = HKEYS + s * MM + base;
  const ks = fromNova ? NONE : HKEYS + from * MM + base;
  for (let i: u32 = 0; i < u32(1) << order; i++) {
    const nova = u64(msr.novaPerms(msrOf(base + i)));
    modelDelegateOne(ks === NONE ? NONE : ks + i, nova, kd + i, pmm);
  }
  stats.msrOps++;
}

function opBadPar(): void {
  const h = hspace(0);
  const m = mspace(0);
  assert(mdb.delegateHst(h, 1, h, 0, 1, 0x1f, 0) === Status.BAD_PAR, "test: misaligned ssb");
  assert(mdb.delegateHst(h, 0, h, HST_SELECTORS, 0, 0x1f, 0) === Status.BAD_PAR, "test: dsb");
  assert(mdb.delegateHst(h, HST_SELECTORS - 4, h, 0, 3, 0x1f, 0) === Status.BAD_PAR, "test: end");
  assert(mdb.delegateMsr(m, 0x174, m, 0x175, 0, 0x1f) === Status.BAD_PAR, "test: MSR ssb != dsb");
  assert(mdb.delegateMsr(m, 0x2000, m, 0x2000, 0, 0x1f) === Status.BAD_PAR, "test: MSR window");
  assert(mdb.delegateMsr(m, 0, m, 0, 14, 0x1f) === Status.BAD_PAR, "test: MSR order 14");
  assert(
    mdb.delegateMsr(m, 0xc000_2000, m, 0xc000_2000, 0, 0x1f) === Status.BAD_PAR,
    "test: MSR high window end",
  );
  assert(mdb.delegateMsr(m, 0x174, m, 0x174, 3, 0x1f) === Status.BAD_PAR, "test: MSR alignment");
  stats.badPar++;
}

// ---- directed tests ----

function fresh(): void {
  const s = newHst();
  assert(s.lookup(0) === 0 && s.lookup(HST_SELECTORS - 1) === 0, "test: fresh host space");
  assert(s.lookup(HST_SELECTORS) === 0 && s.table.used === 0, "test: beyond the space");
  assert(u64(s.table.root) === 0, "test: an empty host space has no capability table");
  const r = ptrFromVirt<u64>(virt(u64(s.root)));
  const k = ptrFromVirt<u64>(virt(u64(kernelRoot)));
  for (let i: usize = 0; i < 512; i++)
    assert(r.get(i) === (i < 256 ? 0 : k.get(i)), "test: PML4 is not the kernel's half");
  const nova = structAt<Space_hst>(virt(novaHst));
  assert(nova.lookup(0x1234) === memCap(phys(0x123_4000), hst.Ca.WB, 0xf), "test: NOVA page");
  assert(nova.lookup(PROTECTED_PAGE) === 0 && nova.lookup(OWNED_FIRST) === 0, "test: protected");
  assert(nova.lookup(u64(1) << (PHYS_BITS - 12)) === 0, "test: beyond the physical limit");
  // Each cache attribute and permission mix into the page tables (PAT entries of root.ts).
  for (let ca: u32 = 0; ca < hst.Ca.COUNT; ca++)
    for (let p: u32 = 1; p <= 0xf; p++) {
      assert(
        mdb.delegateHst(nova, 0x1000 + u64(p), s, 0x10, 0, p, ca) === Status.SUCCESS,
        "test: delegation",
      );
      const e = ptab.leafEntry(s.root, virt(0x10_000));
      assert((e & 0xf_ffff_ffff_f000) === (0x1000 + u64(p)) << 12, "test: frame");
      assert(((e & ptab.WRITABLE) !== 0) === ((p & Perm_mem.W) !== 0), "test: W");
      assert(((e & ptab.NO_EXECUTE) === 0) === ((p & 0xc) !== 0), "test: X = XU | XS");
      assert(
        (e & (ptab.PAT_4K | ptab.CACHE_DISABLE | ptab.WRITE_THROUGH)) === hst.patBits(ca),
        "test: CA",
      );
      assert(
        (e & ptab.USER) !== 0 && s.lookup(0x10) === memCap(phys((0x1000 + u64(p)) << 12), ca, p),
        "test: cap",
      );
    }
  // The last page of the user half takes every permission but never executes: a SYSCALL in its
  // last two bytes would return to a non-canonical RIP.
  const last = HST_SELECTORS - 1;
  assert(
    mdb.delegateHst(nova, 0x1234, s, last, 0, 0xf, hst.Ca.WB) === Status.SUCCESS,
    "test: last",
  );
  const e = ptab.leafEntry(s.root, virt(last << 12));
  assert(
    (e & ptab.NO_EXECUTE) !== 0 &&
      (e & ptab.WRITABLE) !== 0 &&
      s.lookup(last) === memCap(phys(0x123_4000), hst.Ca.WB, 0xf),
    "test: the last user page is mapped with all of its capability's permissions but execute",
  );
  log(
    `hst: a fresh host space is CAP0 at all 2^35 selectors; NOVA host space computed; PTEs for 5 cache attributes x 15 permission sets; the last user page never executable`,
  );
  kobject.unref(s.hdr);
  kobject.reap();
}

/**
 * A guest space (create_pd OP 3): 2^36 selectors, nested tables of its own (no kernel half),
 * every entry USER, X as the capability says (the host's last-page rule is not a guest's),
 * only ever a destination; revocation unmaps; all memory back.
 */
function guestSpace(): void {
  const g = Space_hst.createGuest();
  assert(g !== null, "test: guest space");
  if (g === null) return;
  kobject.ref(g.hdr);
  const nova = structAt<Space_hst>(virt(novaHst));
  const top = GST_SELECTORS - 1;
  const hostLast = HST_SELECTORS - 1;
  const rwx = u32(Perm_mem.R | Perm_mem.W | Perm_mem.XU);
  assert(
    g.hdr.kind === capability.Kind.GST_SP && g.selectors() === GST_SELECTORS,
    "test: a guest space has kind GST_SP and 2^36 selectors",
  );
  assert(
    mdb.delegateHst(nova, 0x1234, g, top, 0, rwx, hst.Ca.WB) === Status.SUCCESS &&
      mdb.delegateHst(nova, 0x1235, g, hostLast, 0, rwx, hst.Ca.UC) === Status.SUCCESS &&
      mdb.delegateHst(nova, 0x1236, g, 0, 0, u32(Perm_mem.R), hst.Ca.WB) === Status.SUCCESS,
    "test: delegations into a guest space",
  );
  assert(
    mdb.delegateHst(nova, 0x1234, g, GST_SELECTORS, 0, rwx, hst.Ca.WB) === Status.BAD_PAR &&
      mdb.delegateHst(nova, HST_SELECTORS, g, 0x10, 0, rwx, hst.Ca.WB) === Status.BAD_PAR,
    "test: a guest space ends at 2^36, its host source at 2^35",
  );
  const eTop = ptab.leafEntry(g.root, virt(top << 12));
  const eLast = ptab.leafEntry(g.root, virt(hostLast << 12));
  const eZero = ptab.leafEntry(g.root, virt(0));
  assert(
    (eTop & 0xf_ffff_ffff_f000) === 0x123_4000 &&
      (eTop & (ptab.USER | ptab.WRITABLE)) === (ptab.USER | ptab.WRITABLE) &&
      (eTop & ptab.NO_EXECUTE) === 0,
    "test: the top guest page is mapped user, writable, executable",
  );
  assert(
    (eLast & ptab.NO_EXECUTE) === 0 &&
      (eLast & ptab.WRITABLE) !== 0 &&
      (eLast & (ptab.PAT_4K | ptab.CACHE_DISABLE | ptab.WRITE_THROUGH)) === hst.patBits(hst.Ca.UC),
    "test: the host's last-page rule does not apply to a guest space; its cache attribute does",
  );
  assert(
    (eZero & ptab.USER) !== 0 && (eZero & ptab.WRITABLE) === 0 && (eZero & ptab.NO_EXECUTE) !== 0,
    "test: a read-only guest page is user, not writable, not executable",
  );
  const r = ptrFromVirt<u64>(virt(u64(g.root)));
  for (let i: usize = 256; i < 511; i++)
    assert(r.get(i) === 0, "test: a guest space's PML4 holds no kernel half");
  assert(mdb.check(g.hdr) === 3, "test: the mapping database covers the guest space");
  assert(
    mdb.delegateHst(nova, 0x1234, g, top, 0, 0, hst.Ca.WB) === Status.SUCCESS &&
      ptab.leafEntry(g.root, virt(top << 12)) === 0,
    "test: a null delegation unmaps the guest page",
  );
  log(
    `hst: a guest space has 2^36 selectors and nested tables of its own: USER entries, X as delegated, the cache attribute's PAT bits`,
  );
  kobject.unref(g.hdr);
  kobject.reap();
}

/** DMA space selectors in this test: a 39-bit space (3-level VT-d tables). */
const DMA_SELECTORS: u64 = u64(1) << 27;

/**
 * A DMA space (create_pd OP 4): the selectors it was made with, second-level tables whose
 * leaves hold only the frame, read (present) and W (no USER, NX or cache bits), the table under
 * PML4 entry 0 from the start (a 3-level IOMMU starts there, a 4-level one at the PML4), every
 * insert and removal reported to the flush hook (the IOTLB), all memory back.
 */
function dmaSpace(): void {
  const d = Space_hst.createDma(DMA_SELECTORS);
  assert(d !== null, "test: DMA space");
  if (d === null) return;
  kobject.ref(d.hdr);
  const nova = structAt<Space_hst>(virt(novaHst));
  const rwx = u32(Perm_mem.R | Perm_mem.W | Perm_mem.XU);
  assert(
    d.hdr.kind === capability.Kind.DMA_SP && d.dma() && d.selectors() === DMA_SELECTORS,
    "test: a DMA space has kind DMA_SP and the selectors it was made with",
  );
  const low = ptrFromVirt<u64>(virt(u64(d.root))).get(0);
  assert(
    d.dmaRoot(4) === d.root && u64(d.dmaRoot(3)) === (low & 0xf_ffff_ffff_f000) && low !== 0,
    "test: 4 levels start at the PML4, 3 at the table under its entry 0",
  );
  const flushes = stats.flushes;
  assert(
    mdb.delegateHst(nova, 0x1234, d, DMA_SELECTORS - 1, 0, rwx, hst.Ca.UC) === Status.SUCCESS &&
      mdb.delegateHst(nova, 0x1235, d, 0, 0, u32(Perm_mem.R), hst.Ca.WB) === Status.SUCCESS,
    "test: delegations into a DMA space",
  );
  assert(stats.flushes === flushes + 2, "test: inserts into a DMA space are reported");
  assert(
    mdb.delegateHst(nova, 0x1234, d, DMA_SELECTORS, 0, rwx, hst.Ca.WB) === Status.BAD_PAR,
    "test: a DMA space ends at its selector count",
  );
  const eTop = ptab.leafEntry(d.root, virt((DMA_SELECTORS - 1) << 12));
  const eZero = ptab.leafEntry(d.root, virt(0));
  assert(
    eTop === (0x123_4000 | ptab.PRESENT | ptab.WRITABLE),
    "test: a read/write DMA page is frame | read | write, nothing else",
  );
  assert(eZero === (0x123_5000 | ptab.PRESENT), "test: a read-only DMA page is frame | read");
  assert(mdb.check(d.hdr) === 2, "test: the mapping database covers the DMA space");
  assert(
    mdb.delegateHst(nova, 0x1234, d, DMA_SELECTORS - 1, 0, 0, hst.Ca.WB) === Status.SUCCESS &&
      ptab.leafEntry(d.root, virt((DMA_SELECTORS - 1) << 12)) === 0 &&
      stats.flushes === flushes + 3,
    "test: a null delegation unmaps the DMA page and reports it",
  );
  log(
    `hst: a DMA space has the selectors it was made with and IOMMU tables: read/write bits only, 3- and 4-level roots, every change reported`,
  );
  kobject.unref(d.hdr);
  kobject.reap();
  amdFormat();
}

/** AMD-Vi's I/O page-table entries (amdvi.ts): read and write in bits 61 and 62. */
const AMD_IR: u64 = u64(1) << 61;
const AMD_IW: u64 = u64(1) << 62;

/** An AMD-Vi table entry at `level`: the next level in bits 11:9 and IR/IW. */
function amdTable(level: u32): u64 {
  return ptab.PRESENT | (u64(level) << 9) | AMD_IR | AMD_IW;
}

/**
 * A DMA space in AMD-Vi's format (setDmaFormat): every table entry names the next level and has
 * IR/IW, a leaf IR and IW as the capability says, nothing of the x86 bits.
 */
function amdFormat(): void {
  hst.setDmaFormat(AMD_IR, AMD_IW, amdTable);
  const d = Space_hst.createDma(DMA_SELECTORS << 9);
  assert(d !== null, "test: AMD-Vi DMA space");
  if (d === null) return;
  kobject.ref(d.hdr);
  const nova = structAt<Space_hst>(virt(novaHst));
  assert(
    mdb.delegateHst(nova, 0x1234, d, 0x12345, 0, u32(Perm_mem.R), hst.Ca.WB) === Status.SUCCESS &&
      mdb.delegateHst(nova, 0x1235, d, 0x12346, 0, u32(Perm_mem.R | Perm_mem.W), hst.Ca.WB) ===
        Status.SUCCESS,
    "test: delegations into an AMD-Vi DMA space",
  );
  const address: u64 = 0xf_ffff_ffff_f000;
  let table = u64(d.root);
  for (let level: u32 = 3; level > 0; level--) {
    const index = (u64(0x12345) >> (9 * u64(level))) & 511;
    const e = ptrFromVirt<u64>(virt(table)).get(usize(index));
    assert((e & ~address) === amdTable(level), "test: an AMD-Vi table entry names its next level");
    table = e & address;
  }
  assert(
    ptab.leafEntry(d.root, virt(u64(0x12345) << 12)) === (0x123_4000 | ptab.PRESENT | AMD_IR) &&
      ptab.leafEntry(d.root, virt(u64(0x12346) << 12)) ===
        (0x123_5000 | ptab.PRESENT | AMD_IR | AMD_IW),
    "test: AMD-Vi leaves: IR, and IW with W",
  );
  assert(mdb.check(d.hdr) === 2, "test: the mapping database covers the AMD-Vi DMA space");
  log(`hst: AMD-Vi DMA space: table entries name the next level with IR/IW, leaves IR and IW`);
  kobject.unref(d.hdr);
  kobject.reap();
  hst.setDmaFormat(0, ptab.WRITABLE, ptab.x86Table);
}

/** Delegation onto a kernel page replaces it; the kernel page itself delegates as CAP0. */
function kernelPages(): void {
  const a = newHst();
  const b = newHst();
  const nova = structAt<Space_hst>(virt(novaHst));
  assert(mdb.delegateHst(nova, 0x500, a, 0x20, 0, 0x3, 0) === Status.SUCCESS, "test: delegate");
  assert(mdb.delegateHst(a, 0x20, b, 0x30, 0, 0x3, 0) === Status.SUCCESS, "test: child");
  assert(a.mapKernelPage(virt(0x20_000), phys(0x777_000), true), "test: UTCB");
  assert(
    a.lookup(0x20) === 0 && b.lookup(0x30) === 0,
    "test: UTCB replaced the capability and its child",
  );
  assert(ptab.translate(a.root, virt(0x20_000)) === 0x777_000, "test: UTCB mapped");
  assert(ptab.leafEntry(b.root, virt(0x30_000)) === 0, "test: child unmapped");
  assert(
    mdb.delegateHst(a, 0x20, b, 0x30, 0, 0x1f, 0) === Status.SUCCESS && b.lookup(0x30) === 0,
    "test: kernel page delegates as CAP0",
  );
  assert(ptab.leafEntry(b.root, virt(0x30_000)) === 0, "test: nothing mapped from a kernel page");
  // unmapKernelPage removes only the kernel page it names, never a capability's page.
  a.unmapKernelPage(virt(0x20_000), phys(0x778_000));
  assert(ptab.translate(a.root, virt(0x20_000)) === 0x777_000, "test: other frame kept");
  a.unmapKernelPage(virt(0x20_000), phys(0x777_000));
  assert(ptab.leafEntry(a.root, virt(0x20_000)) === 0, "test: kernel page unmapped");
  assert(a.mapKernelPage(virt(0x21_000), phys(0x779_000), true), "test: second UTCB");
  assert(mdb.delegateHst(nova, 0x501, a, 0x21, 0, 0x3, 0) === Status.SUCCESS, "test: over it");
  a.unmapKernelPage(virt(0x21_000), phys(0x779_000));
  assert(ptab.translate(a.root, virt(0x21_000)) === 0x501_000, "test: capability's page kept");
  // Partial MEM_CAP: entries before the failing one delegated, it CAP0, later ones unchanged.
  assert(mdb.delegateHst(nova, 0x600, b, 0x40, 3, 0x3, 0) === Status.SUCCESS, "test: old range");
  assert(
    mdb.delegateHst(nova, 0x1000, a, 0x1000, 3, 0x3, 0) === Status.SUCCESS,
    "test: source range",
  );
  kobject.failAfter(3);
  const st = mdb.delegateHst(a, 0x1000, b, 0x40, 3, 0x1, 0);
  assert(st === Status.MEM_CAP, "test: MEM_CAP expected");
  let delegated: u32 = 0;
  for (let i: u64 = 0; i < 8; i++) {
    const w = b.lookup(0x40 + i);
    if (hst.memFrame(w) === phys((0x1000 + i) << 12)) delegated++;
    else if (w === 0) assert(delegated === u32(i), "test: CAP0 only at the failing entry");
    else assert(hst.memFrame(w) === phys((0x600 + i) << 12), "test: later entries unchanged");
  }
  assert(delegated >= 1 && delegated < 8, "test: partial delegation");
  log(
    `hst: kernel pages replace capabilities (children revoked) and delegate as CAP0; partial MEM_CAP after ${delegated} of 8 pages`,
  );
  // A space destroyed with its last reference revokes what was delegated from it, everywhere.
  assert(mdb.delegateHst(a, 0x1000, b, 0x80, 3, 0x1f, 0) === Status.SUCCESS, "test: children");
  kobject.unref(a.hdr);
  kobject.reap();
  for (let i: u64 = 0; i < 8; i++) {
    assert(b.lookup(0x80 + i) === 0, "test: child survived its space");
    assert(ptab.leafEntry(b.root, virt((0x80 + i) << 12)) === 0, "test: child still mapped");
  }
  kobject.unref(b.hdr);
  kobject.reap();
}

/** 2^20 pages from the NOVA host space, and back. */
function order20(): void {
  const s = newHst();
  const nova = structAt<Space_hst>(virt(novaHst));
  const base = u64(1) << 20;
  assert(mdb.delegateHst(nova, 0, s, base, 20, 0x3, 0) === Status.SUCCESS, "test: order 20");
  const expected = (u64(1) << 20) - 1 - (OWNED_END - OWNED_FIRST);
  assert(s.table.used === expected, "test: order 20 count");
  assert(mdb.nodes() === 0, "test: node-less roots need no mdb nodes");
  assert(ptab.translate(s.root, virt((base + 0x1234) << 12)) === 0x123_4000, "test: mapped");
  const bytes = kobject.liveBytes();
  // Half of it revoked in place (pmm 0), the rest by an order-31 delegation of nothing: the
  // NOVA host space beyond physical memory onto [0, 2^31) of the space.
  const half = base + (u64(1) << 19);
  assert(mdb.delegateHst(s, half, s, half, 19, 0, 0) === Status.SUCCESS, "test: revoke in place");
  assert(
    s.table.used === expected - (u64(1) << 19),
    "test: the upper half (no protected page there) revoked",
  );
  assert(
    mdb.delegateHst(nova, u64(1) << 31, s, 0, 31, 0x1f, 0) === Status.SUCCESS,
    "test: order 31 of nothing",
  );
  assert(s.table.used === 0 && ptab.leafEntry(s.root, virt(base << 12)) === 0, "test: revoked");
  log(
    `hst: order 20: ${expected} pages delegated from the NOVA host space (${bytes >> 20} MiB of tables), then revoked`,
  );
  kobject.unref(s.hdr);
  kobject.reap();
}

function msrDirected(): void {
  const nova = structAt<Space_msr>(virt(novaMsr));
  const a = newMsr(false);
  assert(nova.lookup(msr.index(0x277)) === u32(Perm_msr.R | Perm_msr.W), "test: PAT RW");
  assert(nova.lookup(msr.index(0x10)) === u32(Perm_msr.R), "test: TSC R");
  assert(nova.lookup(msr.index(0x49)) === u32(Perm_msr.W), "test: PRED_CMD W");
  assert(nova.lookup(msr.index(0x1b)) === 0, "test: APIC_BASE CAP0");
  assert(
    msr.index(0x2000) === msr.NO_SLOT && msr.index(0xbfff_ffff) === msr.NO_SLOT,
    "test: windows",
  );
  assert(
    mdb.delegateMsr(nova, 0xc000_0000, a, 0xc000_0000, 13, 0x1f) === Status.SUCCESS,
    "test: window",
  );
  assert(
    a.lookup(msr.index(0xc000_0080)) === 3 && a.lookup(msr.index(0xc000_0081)) === 1,
    "test: EFER, STAR",
  );
  assert(a.table.used === 8, "test: the high window's eight NOVA MSRs");
  log(
    `hst: MSR spaces: NOVA MSR space per the table, windows 0x0-0x1fff and 0xc0000000-0xc0001fff, BAD_PAR outside`,
  );
  kobject.unref(a.hdr);
  kobject.reap();
}

function misuse(mode: u32): void {
  if (mode === 1) memCap(phys(0x1000), hst.Ca.WB, 0x10);
  if (mode === 2) newMsr(false).insert(0, 0x4, 0);
}

export function main(mode: u32): void {
  capheap.setup();
  configure();
  const base = kobject.liveAllocations();
  const novaH = Space_hst.createNova();
  assert(novaH !== null, "test: NOVA host space");
  if (novaH === null) return;
  kobject.ref(novaH.hdr);
  novaHst = u64(structAddress(novaH));
  novaMsr = u64(structAddress(newMsr(true)));
  if (mode !== 0) {
    misuse(mode);
    return;
  }
  fresh();
  guestSpace();
  dmaSpace();
  kernelPages();
  order20();
  msrDirected();
  for (let s: u32 = 0; s < NSP; s++) hspaces[s] = u64(structAddress(newHst()));
  for (let s: u32 = 0; s < NMS; s++) mspaces[s] = u64(structAddress(newMsr(false)));
  for (let op: u32 = 1; op <= OPS; op++) {
    snapshot();
    const r = pick(100);
    if (r < 25) opNovaHst();
    else if (r < 55) opHst();
    else if (r < 70) opRevoke();
    else if (r < 74) opKernelPage();
    else if (r < 97) opMsr();
    else opBadPar();
    compare();
    if (op % 200 === 0) fullCheck();
  }
  log(
    `hst: ${OPS} random operations: ${stats.novaDelegations} from the NOVA host space, ${stats.delegations} host delegations, ${stats.reductions} in place, ${stats.revokes} revocations, ${stats.kernelPages} kernel pages, ${stats.msrOps} MSR delegations, ${stats.badPar} BAD_PAR rounds, ${stats.flushes} TLB invalidations`,
  );
  log(
    `hst: model matched after every operation: at most ${stats.maxCaps} capabilities, ${stats.checks} full checks`,
  );
  for (let s: u32 = 0; s < NSP; s++) kobject.unref(hspace(s).hdr);
  for (let s: u32 = 0; s < NMS; s++) kobject.unref(mspace(s).hdr);
  kobject.reap();
  kobject.unref(novaH.hdr);
  kobject.unref(structAt<Space_msr>(virt(novaMsr)).hdr);
  kobject.reap();
  assert(kobject.liveAllocations() === base, "test: allocations left");
  tableFree(kernelRoot);
  capheap.checkAllBack();
  log(`hst: spaces dropped: every capability, node, page table and object given back`);
}
