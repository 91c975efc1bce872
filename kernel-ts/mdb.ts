// The mapping database: beyond NOVA 24.08, which copies capabilities without
// recording where they came from, every capability in an object or PIO space
// has a node here naming its space and selector and its parent, the
// capability it was delegated from (null for a root: one an object's creation
// put there). Nodes form one tree per root; a child's rights are its parent's
// ANDed with the delegation's mask, so rights never increase along a chain,
// and a capability never outlives its parent: removing one removes everything
// derived from it, in every space. docs/capabilities.md has the semantics.
//
// Revocation walks a subtree without recursion (first child down, then back up
// through the parent links), so the kernel stack stays flat however deep the
// delegation chains are. Objects whose last capability goes are destroyed by
// kobject.reap() at the end of each operation.

import { PIO_PORTS, SELNUM } from "../abi/selectors.ts";
import { Status } from "../abi/status.ts";
import { Kind, CAP0, definedPerms, object, perms, reduce } from "./capability.ts";
import { KObject, allocBytes, freeBytes, reap, ref, unref } from "./kobject.ts";
import { CapTable, Space_obj } from "./space_obj.ts";
import { Space_pio } from "./space_pio.ts";
import { Space_hst, memCap, memFrame, novaPages } from "./space_hst.ts";
import * as msr from "./space_msr.ts";
import { Space_msr } from "./space_msr.ts";

/**
 * The node word of a root capability: one an object's creation put into an
 * object space (insertRoot), or one delegated from a computed NOVA space
 * (host or MSR, whose capabilities are not stored). No node is allocated
 * until the capability gets a child (ensureNode): creating an object costs
 * no node, and a large range from the NOVA host space costs 16 bytes of slot
 * per page and no node.
 */
const NODELESS: u64 = 1;

export class MdbNode {
  /** The space whose slot holds this capability (a Space_obj or a Space_pio). */
  space: KObject;
  sel: u64;
  parent: MdbNode | null;
  /** First child; children are a doubly linked sibling list. */
  child: MdbNode | null;
  next: MdbNode | null;
  prev: MdbNode | null;
}

class Counters {
  nodes: u64;
  delegated: u64;
  revoked: u64;
}

const counters = new Counters();

/** Nodes in existence (one per capability in an object or PIO space). */
export function nodes(): u64 {
  return counters.nodes;
}

/** Capabilities removed by revocation so far (for statistics). */
export function revokedCount(): u64 {
  return counters.revoked;
}

// ---- spaces ----

/** A new object space with the mdb's teardown, or null when memory is out. */
export function newObjSpace(): Space_obj | null {
  return Space_obj.create(destroyObjSpace);
}

/** A new PIO space with the mdb's teardown, or null when memory is out. */
export function newPioSpace(): Space_pio | null {
  return Space_pio.create(destroyPioSpace);
}

function asObjSpace(o: KObject): Space_obj {
  assert(o.kind === Kind.OBJ_SP, "mdb: node in a space that is not an object space");
  return structAt<Space_obj>(structAddress(o));
}

function asPioSpace(o: KObject): Space_pio {
  assert(o.kind === Kind.PIO_SP, "mdb: node in a space that is not a PIO space");
  return structAt<Space_pio>(structAddress(o));
}

/** Whether `o` is a host, guest or DMA space (memory capabilities, page tables). */
function isMemSpace(o: KObject): bool {
  return o.kind === Kind.HST_SP || o.kind === Kind.GST_SP || o.kind === Kind.DMA_SP;
}

/** A host, guest or DMA space: all are Space_hst objects (space_hst.ts). */
function asHstSpace(o: KObject): Space_hst {
  assert(isMemSpace(o), "mdb: node in a space that is not a memory space");
  return structAt<Space_hst>(structAddress(o));
}

function asMsrSpace(o: KObject): Space_msr {
  assert(o.kind === Kind.MSR_SP, "mdb: node in a space that is not an MSR space");
  return structAt<Space_msr>(structAddress(o));
}

/** The capability table of a space of any kind. */
function tableOf(space: KObject): CapTable {
  if (space.kind === Kind.PIO_SP) return asPioSpace(space).table;
  if (isMemSpace(space)) return asHstSpace(space).table;
  if (space.kind === Kind.MSR_SP) return asMsrSpace(space).table;
  return asObjSpace(space).table;
}

/** Whether `space` is a computed NOVA space (host or MSR): capabilities not stored. */
function computed(space: KObject): bool {
  if (space.kind === Kind.HST_SP) return asHstSpace(space).nova;
  if (space.kind === Kind.MSR_SP) return asMsrSpace(space).nova;
  return false;
}

/** The capability word in the node's slot. */
function capOf(n: MdbNode): u64 {
  return tableOf(n.space).cap(n.sel);
}

/** Empties an occupied slot in a space of any kind (unmapping a page, closing a port). */
function removeSlot(space: KObject, sel: u64): void {
  if (space.kind === Kind.PIO_SP) asPioSpace(space).remove(sel);
  else if (isMemSpace(space)) asHstSpace(space).remove(sel);
  else if (space.kind === Kind.MSR_SP) asMsrSpace(space).remove(sel);
  else asObjSpace(space).remove(sel);
  counters.revoked++;
}

/** Puts `cap` into the empty slot `sel` (BAD_CAP, MEM_CAP as each space's insert). */
function insertSlot(space: KObject, sel: u64, cap: u64, n: u64): u32 {
  if (space.kind === Kind.PIO_SP) return asPioSpace(space).insert(sel, perms(cap), n);
  if (isMemSpace(space)) return asHstSpace(space).insert(sel, cap, n);
  if (space.kind === Kind.MSR_SP) return asMsrSpace(space).insert(sel, perms(cap), n);
  return asObjSpace(space).insert(sel, cap, n);
}

/** Reduces the capability at `sel` in place to `cap` (a non-empty subset of its rights). */
function reduceSlot(space: KObject, sel: u64, cap: u64): void {
  if (space.kind === Kind.OBJ_SP) asObjSpace(space).reduce(sel, cap);
  else if (isMemSpace(space)) asHstSpace(space).reduce(sel, cap);
  else if (space.kind === Kind.MSR_SP) asMsrSpace(space).reduce(sel, cap);
  // Perm_pio has a single bit: a reduction that keeps any keeps it all.
  else panic("mdb: PIO capability reduced to a non-empty subset");
}

/** Removes the capability at `sel` with everything derived from it (nothing for CAP0). */
function clearSlot(space: KObject, sel: u64): void {
  const w = slotNode(space, sel);
  if (w === NODELESS) removeSlot(space, sel);
  else if (w !== 0) revokeSubtree(node(w), true);
}

/** Slots between two looks at whether another CPU waits for the lock (the pause hook). */
const SLOTS_PER_LOOK: u64 = 64;

/**
 * Long walks let other CPUs in between slots through a hook, klock.yieldIfWanted in the kernel
 * (init.ts), none in the host tests, which build this file without the kernel lock.
 */
class Pause {
  set: bool;
  fn: () => void;
  /**
   * Whether a teardown may pause: only in the reap at the end of a ctrl_pd range
   * (delegateRange), where nothing is half done. Other reaps run inside operations that are (a
   * UTCB mapped over a page in the middle of create_ec), or on paths not looked at for it (the
   * scheduler's, the idle loop's). Held only while the lock is: a pause clears it meanwhile, so
   * other CPUs never see it set.
   */
  inTeardown: bool;
}
const pause = new Pause();

/** Installs what long walks call between slots (init.ts: klock.yieldIfWanted). */
export function onLongWalk(fn: () => void): void {
  pause.fn = fn;
  pause.set = true;
}

function pauseHere(): void {
  if (pause.set) pause.fn();
}

/** A pause in a teardown, where inTeardown allows one. */
function pauseInTeardown(): void {
  if (!pause.inTeardown) return;
  pause.inTeardown = false;
  pauseHere();
  pause.inTeardown = true;
}

/**
 * Removes every capability of a dying space with everything derived from it, then frees it.
 * A space can hold millions, so every SLOTS_PER_LOOK slots the lock goes to another CPU that
 * waits for it, where Pause.inTeardown allows: nothing names the space any more, and each slot
 * is removed whole (another CPU may meanwhile revoke capabilities derived from the rest).
 */
function teardown(space: KObject): void {
  const table = tableOf(space);
  let sel = table.nextUsed(0);
  let n: u64 = 0;
  while (sel < table.nsel) {
    clearSlot(space, sel);
    n++;
    if (n % SLOTS_PER_LOOK === 0) pauseInTeardown();
    sel = table.nextUsed(sel + 1);
  }
}

function destroyObjSpace(o: KObject): void {
  teardown(o);
  asObjSpace(o).free();
}

function destroyPioSpace(o: KObject): void {
  teardown(o);
  asPioSpace(o).free();
}

/** The destroy function of host spaces (space_hst.configure()). */
export function destroyHstSpace(o: KObject): void {
  teardown(o);
  asHstSpace(o).free();
}

function destroyMsrSpace(o: KObject): void {
  teardown(o);
  asMsrSpace(o).free();
}

/** A new MSR space (`nova`: the computed NOVA MSR space) with the mdb's teardown, or null. */
export function newMsrSpace(nova: bool): Space_msr | null {
  return Space_msr.create(destroyMsrSpace, nova);
}

/** Revokes the capability at `sel` of a host space with everything derived (space_hst hook). */
export function revokeHst(s: Space_hst, sel: u64): void {
  clearSlot(s.hdr, sel);
  reap();
}

// ---- nodes ----

function node(w: u64): MdbNode {
  assert(w !== 0 && w !== NODELESS, "mdb: capability without a node");
  return structAt<MdbNode>(virt(w));
}

function newNode(space: KObject, sel: u64): MdbNode | null {
  const va = allocBytes(sizeof<MdbNode>(), alignof<MdbNode>());
  if (u64(va) === 0) return null;
  const n = structAt<MdbNode>(va);
  n.space = space;
  n.sel = sel;
  counters.nodes++;
  return n;
}

function freeNode(n: MdbNode): void {
  counters.nodes--;
  freeBytes(structAddress(n), sizeof<MdbNode>(), alignof<MdbNode>());
}

function link(n: MdbNode, parent: MdbNode): void {
  n.parent = parent;
  n.next = parent.child;
  n.prev = null;
  if (parent.child !== null) parent.child.prev = n;
  parent.child = n;
}

function unlink(n: MdbNode): void {
  const p = n.parent;
  if (n.prev !== null) n.prev.next = n.next;
  else if (p !== null) p.child = n.next;
  if (n.next !== null) n.next.prev = n.prev;
  n.parent = null;
  n.next = null;
  n.prev = null;
}

/** Removes a node without children: its slot becomes CAP0 (dropping the object's reference). */
function removeLeaf(n: MdbNode): void {
  assert(n.child === null, "mdb: removal of a node that has children");
  assert(slotNode(n.space, n.sel) === u64(structAddress(n)), "mdb: node does not match its slot");
  unlink(n);
  removeSlot(n.space, n.sel);
  freeNode(n);
}

function slotNode(space: KObject, sel: u64): u64 {
  return tableOf(space).node(sel);
}

/** The node of the capability at `sel` in `space`, or null for CAP0 (and a node-less root). */
export function nodeAt(space: KObject, sel: u64): MdbNode | null {
  const w = slotNode(space, sel);
  return w === 0 || w === NODELESS ? null : node(w);
}

/** The node of the capability at `sel`, allocated for a node-less root; null for CAP0 or no memory. */
function ensureNode(space: KObject, sel: u64): MdbNode | null {
  const w = slotNode(space, sel);
  if (w !== NODELESS) return w === 0 ? null : node(w);
  const n = newNode(space, sel);
  if (n !== null) tableOf(space).setNode(sel, u64(structAddress(n)));
  return n;
}

// ---- revocation ----

/**
 * Removes every capability derived from `n`, in every space, and `n` itself
 * when `self`. Objects whose last capability went are destroyed before this
 * returns. Cost: O(nodes removed), no recursion.
 */
export function revoke(n: MdbNode, self: bool): void {
  revokeSubtree(n, self);
  reap();
}

function revokeSubtree(n: MdbNode, self: bool): void {
  let cur = n;
  for (;;) {
    while (cur.child !== null) cur = cur.child;
    if (cur === n) break;
    const up = cur.parent;
    removeLeaf(cur);
    if (up === null) break;
    cur = up;
  }
  if (self) removeLeaf(n);
}

/** revoke() of the capability at `sel` in an object space; false if the slot is CAP0. */
export function revokeObj(space: Space_obj, sel: u64, self: bool): bool {
  const w = slotNode(space.hdr, sel);
  if (w === 0) return false;
  // A root never delegated has nothing derived from it.
  if (w === NODELESS) {
    if (self) removeSlot(space.hdr, sel);
    reap();
    return true;
  }
  revoke(node(w), self);
  return true;
}

/** revoke() of the capability of `port` in a PIO space; false if the port is CAP0. */
export function revokePio(space: Space_pio, port: u64, self: bool): bool {
  const n = nodeAt(space.hdr, port);
  if (n === null) return false;
  revoke(n, self);
  return true;
}

// ---- roots ----

/**
 * A root capability (what create_* or the boot code puts into a space):
 * `cap` into the empty slot `sel`, with no parent and, until it is first
 * delegated, no node (NODELESS). BAD_PAR, BAD_CAP or MEM_CAP as
 * Space_obj.insert(); the slot is unchanged then.
 */
export function insertRoot(space: Space_obj, sel: u64, cap: u64): u32 {
  return space.insert(sel, cap, NODELESS);
}

/** A root PIO capability: `perms` for `port` (BAD_PAR, BAD_CAP, MEM_CAP as Space_pio.insert()). */
export function insertRootPio(space: Space_pio, port: u64, perms: u32): u32 {
  if (port >= PIO_PORTS) return Status.BAD_PAR;
  if (space.lookup(port) !== 0) return Status.BAD_CAP;
  const n = newNode(space.hdr, port);
  if (n === null) return Status.MEM_CAP;
  const st = space.insert(port, perms, u64(structAddress(n)));
  if (st !== Status.SUCCESS) freeNode(n);
  return st;
}

/**
 * A root memory capability (the root PD's ELF pages): `cap` into the empty
 * slot `sel` of a host space, node-less until it is delegated. BAD_PAR,
 * BAD_CAP, MEM_CAP as Space_hst.insert().
 */
export function insertRootHst(space: Space_hst, sel: u64, cap: u64): u32 {
  return space.insert(sel, cap, NODELESS);
}

// ---- delegation ----

/** The nova-abi.md §4.8 range checks; SUCCESS when the ranges are valid. */
function checkRange(ssb: u64, dsb: u64, order: u32, nsel: u64): u32 {
  if (order >= 64) return Status.BAD_PAR;
  const size = u64(1) << order;
  if (size > nsel) return Status.BAD_PAR;
  if ((ssb & (size - 1)) !== 0 || (dsb & (size - 1)) !== 0) return Status.BAD_PAR;
  if (ssb > nsel - size || dsb > nsel - size) return Status.BAD_PAR;
  return Status.SUCCESS;
}

/**
 * The first selector in [from, end) at which `src` may hold a capability (end
 * if none): a stored table skips its empty subtrees, the NOVA host space
 * everything beyond physical memory.
 */
function nextSource(src: KObject, from: u64, end: u64): u64 {
  let next = from;
  if (!computed(src)) next = tableOf(src).nextUsed(from);
  else if (src.kind === Kind.HST_SP && from >= novaPages()) next = end;
  return next < end ? next : end;
}

/** Revokes every capability in [from, end) of `dst` with everything derived from it. */
function clearRange(dst: KObject, from: u64, end: u64): void {
  const table = tableOf(dst);
  let sel = table.nextUsed(from);
  let n: u64 = 0;
  while (sel < end) {
    clearSlot(dst, sel);
    n++;
    if (n % SLOTS_PER_LOOK === 0) pauseHere();
    sel = table.nextUsed(sel + 1);
  }
}

/**
 * Delegates 2^order slots one by one (ascending), stopping at the first
 * failure. Where the source holds nothing, the destination's capabilities
 * are revoked in one sweep over its used slots: the same result as one by
 * one (a revocation never creates a capability, so the source stays empty
 * there), but a large, mostly empty range costs what it holds, not its size.
 *
 * A range can take seconds (2^24 pages), so every SLOTS_PER_LOOK slots the
 * lock goes to another CPU that waits for it (the pause hook). Each
 * slot's delegation is whole, and the next one reads its slots afresh, so
 * the range is delegated as if slot after slot, with other hypercalls in
 * between: what the interface promises (§4.8 "as if one after another").
 * Both spaces are referenced meanwhile: another CPU may revoke their last
 * capabilities, and they then go when the range is done.
 */
function delegateRange(
  src: KObject,
  ssb: u64,
  dst: KObject,
  dsb: u64,
  order: u32,
  pmm: u32,
  ca: u32,
): u32 {
  let result: u32 = Status.SUCCESS;
  const size = u64(1) << order;
  ref(src);
  ref(dst);
  let i: u64 = 0;
  while (i < size) {
    const gap = nextSource(src, ssb + i, ssb + size) - ssb;
    if (gap > i) {
      clearRange(dst, dsb + i, dsb + gap);
      i = gap;
      continue;
    }
    result = delegateOne(src, ssb + i, dst, dsb + i, pmm, ca);
    if (result !== Status.SUCCESS) break;
    i++;
    if (i % SLOTS_PER_LOOK === 0) pauseHere();
  }
  unref(src);
  unref(dst);
  // What the range dropped goes now: spaces among it may hold millions of capabilities.
  pause.inTeardown = true;
  reap();
  pause.inTeardown = false;
  return result;
}

/**
 * ctrl_pd between object spaces (nova-abi.md §4.8), with the mapping database:
 * for each i in 0 … 2^order − 1, in ascending order, as if one after another,
 * the capability at dst[dsb + i] (and everything derived from it) is revoked,
 * then src[ssb + i], as it is at that moment, is copied there with its
 * permissions ANDed with `pmm`, as a child of the source; a CAP0 source or an
 * empty result leaves the destination CAP0. Delegating a slot onto itself
 * reduces it in place (its children are revoked first, since they might hold
 * rights it loses). TAKE on `src` and GRANT on `dst` are the caller's checks.
 *
 * BAD_PAR: a base not a multiple of 2^order, a range beyond SELNUM, an order
 * above 18 (nothing changes). MEM_CAP: out of memory part-way; entries before
 * the failing one were delegated, the failing one is CAP0, later ones are
 * unchanged.
 */
export function delegate(
  src: Space_obj,
  ssb: u64,
  dst: Space_obj,
  dsb: u64,
  order: u32,
  pmm: u32,
): u32 {
  const st = checkRange(ssb, dsb, order, SELNUM);
  if (st !== Status.SUCCESS) return st;
  return delegateRange(src.hdr, ssb, dst.hdr, dsb, order, pmm, 0);
}

/**
 * ctrl_pd between PIO spaces: ports [base, base + 2^order), the same rules as
 * delegate(). nova-abi.md §4.8 requires ssb = dsb for PIO (BAD_PAR otherwise).
 */
export function delegatePio(
  src: Space_pio,
  ssb: u64,
  dst: Space_pio,
  dsb: u64,
  order: u32,
  pmm: u32,
): u32 {
  if (ssb !== dsb) return Status.BAD_PAR;
  const st = checkRange(ssb, dsb, order, PIO_PORTS);
  if (st !== Status.SUCCESS) return st;
  return delegateRange(src.hdr, ssb, dst.hdr, dsb, order, pmm, 0);
}

/**
 * ctrl_pd from a host space into a host, guest or DMA space: pages [ssb, ssb + 2^order) to [dsb, …), the
 * same rules as delegate(). From the NOVA host space the source selectors are
 * physical pages and the copies get cache attribute `ca` (the MAD, checked by
 * the caller); otherwise `ca` is ignored and the source's attribute is kept.
 */
export function delegateHst(
  src: Space_hst,
  ssb: u64,
  dst: Space_hst,
  dsb: u64,
  order: u32,
  pmm: u32,
  ca: u32,
): u32 {
  // Each range against its own space: a host space has 2^35 selectors, a guest space 2^36, a
  // DMA space what the IOMMU translates.
  let st = checkRange(ssb, ssb, order, src.selectors());
  if (st === Status.SUCCESS) st = checkRange(dsb, dsb, order, dst.selectors());
  if (st !== Status.SUCCESS) return st;
  if (dst.nova) return Status.BAD_CAP;
  return delegateRange(src.hdr, ssb, dst.hdr, dsb, order, pmm, ca);
}

/**
 * ctrl_pd between MSR spaces: MSRs [base, base + 2^order), ssb = dsb, the
 * whole range inside one window (0x0…0x1fff or 0xc0000000…0xc0001fff; §12.9:
 * BAD_PAR otherwise), the same rules as delegate().
 */
export function delegateMsr(
  src: Space_msr,
  ssb: u64,
  dst: Space_msr,
  dsb: u64,
  order: u32,
  pmm: u32,
): u32 {
  if (ssb !== dsb || order >= 64) return Status.BAD_PAR;
  const size = u64(1) << order;
  if (size > msr.WINDOW || (ssb & (size - 1)) !== 0) return Status.BAD_PAR;
  const slot = msr.index(ssb);
  if (slot === msr.NO_SLOT) return Status.BAD_PAR;
  if (dst.nova) return Status.BAD_CAP;
  return delegateRange(src.hdr, slot, dst.hdr, slot, order, pmm, 0);
}

/** The capability a computed NOVA space holds at `s` (its MAD's attribute `ca` for memory). */
function computedCap(src: KObject, s: u64, ca: u32): u64 {
  if (src.kind === Kind.MSR_SP) return u64(asMsrSpace(src).lookup(s));
  const c = asHstSpace(src).lookup(s);
  return c === CAP0 ? CAP0 : memCap(memFrame(c), ca, perms(c));
}

function delegateOne(src: KObject, s: u64, dst: KObject, d: u64, pmm: u32, ca: u32): u32 {
  if (src === dst && s === d) {
    const w = slotNode(dst, d);
    if (w === 0) return Status.SUCCESS;
    const cap = tableOf(dst).cap(d);
    const want = reduce(cap, pmm);
    if (want === cap) return Status.SUCCESS;
    if (w === NODELESS) {
      if (want === CAP0) removeSlot(dst, d);
      else reduceSlot(dst, d, want);
      return Status.SUCCESS;
    }
    revokeSubtree(node(w), want === CAP0);
    if (want !== CAP0) reduceSlot(dst, d, want);
    return Status.SUCCESS;
  }
  clearSlot(dst, d);
  if (computed(src)) {
    // A root: nobody can take back what the NOVA spaces hand out (§9.3).
    const root = reduce(computedCap(src, s, ca), pmm);
    if (root === CAP0) return Status.SUCCESS;
    return insertSlot(dst, d, root, NODELESS);
  }
  if (slotNode(src, s) === 0) return Status.SUCCESS;
  const want = reduce(tableOf(src).cap(s), pmm);
  if (want === CAP0) return Status.SUCCESS;
  const from = ensureNode(src, s);
  if (from === null) return Status.MEM_CAP;
  const n = newNode(dst, d);
  if (n === null) return Status.MEM_CAP;
  const st = insertSlot(dst, d, want, u64(structAddress(n)));
  if (st !== Status.SUCCESS) {
    freeNode(n);
    return st;
  }
  link(n, from);
  counters.delegated++;
  return Status.SUCCESS;
}

// ---- checking ----

/**
 * Checks every capability of a space against the database (stops the kernel
 * on a violation): a host space's page tables map each page as its
 * capability says; each slot's node names that space and selector; its
 * parent's slot still holds the parent; a child names the parent's object
 * with no right the parent lacks; the sibling links are consistent; every
 * child points back. Returns the number of capabilities checked.
 */
export function check(space: KObject): u64 {
  const objects = space.kind === Kind.OBJ_SP;
  const table = tableOf(space);
  table.check();
  let count: u64 = 0;
  let sel = table.nextUsed(0);
  while (sel < table.nsel) {
    if (isMemSpace(space))
      assert(
        asHstSpace(space).mapped(sel, table.cap(sel)),
        "mdb: page tables differ from a capability",
      );
    if (table.node(sel) === NODELESS) {
      count++;
      sel = table.nextUsed(sel + 1);
      continue;
    }
    const n = node(table.node(sel));
    assert(n.space === space && n.sel === sel, "mdb: node does not match its slot");
    const cap = table.cap(sel);
    if (objects) {
      const o = structAt<KObject>(object(cap));
      assert(o.dead === 0, "mdb: capability to a destroyed object");
      assert(
        (perms(cap) & ~definedPerms(o.kind)) === 0,
        "mdb: permissions outside the kind's mask",
      );
    }
    const p = n.parent;
    if (p !== null) {
      assert(slotNode(p.space, p.sel) === u64(structAddress(p)), "mdb: parent not in its slot");
      const pc = capOf(p);
      assert(object(pc) === object(cap), "mdb: child names another object than its parent");
      assert((perms(cap) & ~perms(pc)) === 0, "mdb: rights increase along a chain");
      if (n.prev === null) assert(p.child === n, "mdb: first child not linked from its parent");
    } else {
      assert(n.prev === null && n.next === null, "mdb: root with siblings");
    }
    if (n.prev !== null) assert(n.prev.next === n && n.prev.parent === p, "mdb: sibling links");
    if (n.next !== null) assert(n.next.prev === n && n.next.parent === p, "mdb: sibling links");
    let c = n.child;
    while (c !== null) {
      assert(c.parent === n, "mdb: child does not point back to its parent");
      c = c.next;
    }
    count++;
    sel = table.nextUsed(sel + 1);
  }
  return count;
}
