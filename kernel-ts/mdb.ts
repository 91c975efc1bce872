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

import { Kind, Status, CAP0, definedPerms, object, perms, reduce } from "./capability.ts";
import { KObject, allocBytes, freeBytes, reap } from "./kobject.ts";
import { Space_obj, SELNUM } from "./space_obj.ts";
import { Space_pio, PORTS } from "./space_pio.ts";

/** The largest delegation order (2^18 selectors: a whole object space). */
export const MAX_ORDER: u32 = 18;

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

/** The capability word in the node's slot. */
function capOf(n: MdbNode): u64 {
  if (n.space.kind === Kind.PIO_SP) return asPioSpace(n.space).table.cap(n.sel);
  return asObjSpace(n.space).table.cap(n.sel);
}

/** Removes every capability of a dying space with everything derived from it, then frees it. */
function teardown(space: KObject): void {
  const table = space.kind === Kind.PIO_SP ? asPioSpace(space).table : asObjSpace(space).table;
  let sel = table.nextUsed(0);
  while (sel < table.nsel) {
    revokeSubtree(node(table.node(sel)), true);
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

// ---- nodes ----

function node(w: u64): MdbNode {
  assert(w !== 0, "mdb: capability without a node");
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
  if (n.space.kind === Kind.PIO_SP) asPioSpace(n.space).remove(n.sel);
  else asObjSpace(n.space).remove(n.sel);
  counters.revoked++;
  freeNode(n);
}

function slotNode(space: KObject, sel: u64): u64 {
  if (space.kind === Kind.PIO_SP) return asPioSpace(space).table.node(sel);
  return asObjSpace(space).table.node(sel);
}

/** The node of the capability at `sel` in `space`, or null for CAP0. */
export function nodeAt(space: KObject, sel: u64): MdbNode | null {
  const w = slotNode(space, sel);
  return w === 0 ? null : node(w);
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
  const n = nodeAt(space.hdr, sel);
  if (n === null) return false;
  revoke(n, self);
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
 * `cap` into the empty slot `sel`, with no parent. BAD_PAR, BAD_CAP or
 * MEM_CAP as Space_obj.insert(); the slot is unchanged then.
 */
export function insertRoot(space: Space_obj, sel: u64, cap: u64): u32 {
  if (sel >= SELNUM) return Status.BAD_PAR;
  if (space.lookup(sel) !== CAP0) return Status.BAD_CAP;
  const n = newNode(space.hdr, sel);
  if (n === null) return Status.MEM_CAP;
  const st = space.insert(sel, cap, u64(structAddress(n)));
  if (st !== Status.SUCCESS) freeNode(n);
  return st;
}

/** A root PIO capability: `perms` for `port` (BAD_PAR, BAD_CAP, MEM_CAP as Space_pio.insert()). */
export function insertRootPio(space: Space_pio, port: u64, perms: u32): u32 {
  if (port >= PORTS) return Status.BAD_PAR;
  if (space.lookup(port) !== 0) return Status.BAD_CAP;
  const n = newNode(space.hdr, port);
  if (n === null) return Status.MEM_CAP;
  const st = space.insert(port, perms, u64(structAddress(n)));
  if (st !== Status.SUCCESS) freeNode(n);
  return st;
}

// ---- delegation ----

/** The nova-abi.md §4.8 range checks; SUCCESS when the ranges are valid. */
function checkRange(ssb: u64, dsb: u64, order: u32, nsel: u64): u32 {
  if (order > MAX_ORDER) return Status.BAD_PAR;
  const size = u64(1) << order;
  if (size > nsel) return Status.BAD_PAR;
  if ((ssb & (size - 1)) !== 0 || (dsb & (size - 1)) !== 0) return Status.BAD_PAR;
  if (ssb > nsel - size || dsb > nsel - size) return Status.BAD_PAR;
  return Status.SUCCESS;
}

/** Delegates 2^order slots one by one (ascending), stopping at the first failure. */
function delegateRange(src: KObject, ssb: u64, dst: KObject, dsb: u64, order: u32, pmm: u32): u32 {
  let result: u32 = Status.SUCCESS;
  const size = u64(1) << order;
  for (let i: u64 = 0; i < size; i++) {
    result = delegateOne(src, ssb + i, dst, dsb + i, pmm);
    if (result !== Status.SUCCESS) break;
  }
  reap();
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
  return delegateRange(src.hdr, ssb, dst.hdr, dsb, order, pmm);
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
  const st = checkRange(ssb, dsb, order, PORTS);
  if (st !== Status.SUCCESS) return st;
  return delegateRange(src.hdr, ssb, dst.hdr, dsb, order, pmm);
}

function delegateOne(src: KObject, s: u64, dst: KObject, d: u64, pmm: u32): u32 {
  const old = nodeAt(dst, d);
  if (src === dst && s === d) {
    if (old === null) return Status.SUCCESS;
    const cap = capOf(old);
    const want = reduce(cap, pmm);
    if (want === cap) return Status.SUCCESS;
    revokeSubtree(old, want === CAP0);
    if (want !== CAP0) {
      if (dst.kind === Kind.PIO_SP) {
        // Perm_pio has a single bit: a reduction that keeps any keeps it all.
        panic("mdb: PIO capability reduced to a non-empty subset");
      }
      asObjSpace(dst).reduce(d, want);
    }
    return Status.SUCCESS;
  }
  if (old !== null) revokeSubtree(old, true);
  const from = nodeAt(src, s);
  if (from === null) return Status.SUCCESS;
  const want = reduce(capOf(from), pmm);
  if (want === CAP0) return Status.SUCCESS;
  const n = newNode(dst, d);
  if (n === null) return Status.MEM_CAP;
  let st: u32;
  if (dst.kind === Kind.PIO_SP) st = asPioSpace(dst).insert(d, perms(want), u64(structAddress(n)));
  else st = asObjSpace(dst).insert(d, want, u64(structAddress(n)));
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
 * on a violation): each slot's node names that space and selector; its
 * parent's slot still holds the parent; a child names the parent's object
 * with no right the parent lacks; the sibling links are consistent; every
 * child points back. Returns the number of capabilities checked.
 */
export function check(space: KObject): u64 {
  const pio = space.kind === Kind.PIO_SP;
  const table = pio ? asPioSpace(space).table : asObjSpace(space).table;
  table.check();
  let count: u64 = 0;
  let sel = table.nextUsed(0);
  while (sel < table.nsel) {
    const n = node(table.node(sel));
    assert(n.space === space && n.sel === sel, "mdb: node does not match its slot");
    const cap = table.cap(sel);
    if (!pio) {
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
