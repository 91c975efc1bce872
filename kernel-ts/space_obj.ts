// A PD's object space (nova-abi.md §1.2, §2.3): SELNUM = 0x40000 capability
// selectors, each CAP0 or an object capability (capability.ts).
//
// The selectors live in a CapTable, a sparse two-level radix table that PIO
// spaces (space_pio.ts) use too: a root of leaf pointers, allocated at the
// first insertion, and 4 KiB leaves of 256 slots, allocated when a slot in
// their range is first filled and freed when their last slot empties. A slot
// is 16 bytes: the capability word and the mapping-database node that records
// where it came from (mdb.ts). A root entry is the leaf's address (4 KiB
// aligned) with the number of used slots of that leaf in bits 8:0. The root
// goes when the last leaf does, so an empty table holds no memory.
// An object space with one capability costs its object, an 8 KiB root and one
// leaf; a full one 8 KiB + 1024 × 4 KiB.
//
// Every capability in a slot holds one reference to the object it names:
// insert() takes it, remove() drops it (kobject.ts destroys the object when
// the last one goes).

import { Kind, Status, CAP0, definedPerms, object, perms } from "./capability.ts";
import {
  KObject,
  Destroy,
  allocBytes,
  allocObject,
  freeBytes,
  freeObject,
  initObject,
  ref,
  unref,
} from "./kobject.ts";

/** Object selectors per object space (the HIP's SELNUM). */
export const SELNUM: u64 = 0x40000;
/** Slots per leaf (one 4 KiB page of 16-byte slots). */
export const LEAF_SHIFT: u32 = 8;
export const LEAF_SLOTS: u64 = 256;
export const LEAF_BYTES: usize = 4096;
const COUNT_MASK: u64 = 0xfff;

/** A sparse table of nsel slots (capability word + mdb node). */
export class CapTable {
  /** The root: nsel / 256 entries (leaf address | used slots), or 0 before the first insertion. */
  root: Virt;
  nsel: u64;
  /** Slots holding a capability, and leaves allocated. */
  used: u64;
  leaves: u64;

  init(nsel: u64): void {
    assert(nsel % LEAF_SLOTS === 0 && nsel !== 0, "captable: size not a multiple of a leaf");
    this.nsel = nsel;
  }

  rootBytes(): usize {
    return usize((this.nsel >> LEAF_SHIFT) * 8);
  }

  /** The slot of `sel` (two words: capability, node), or null if its leaf does not exist. */
  slot(sel: u64): Ptr<u64> | null {
    if (sel >= this.nsel || u64(this.root) === 0) return null;
    const e = ptrFromVirt<u64>(this.root).get(usize(sel >> LEAF_SHIFT));
    if (e === 0) return null;
    return ptrFromVirt<u64>(virt(e & ~COUNT_MASK)).add(usize((sel & (LEAF_SLOTS - 1)) * 2));
  }

  /** The capability word at `sel` (CAP0 for an empty slot or one out of range). */
  cap(sel: u64): u64 {
    const s = this.slot(sel);
    return s === null ? CAP0 : s.load();
  }

  /** The mdb node recorded at `sel` (0 for none). */
  node(sel: u64): u64 {
    const s = this.slot(sel);
    return s === null ? 0 : s.get(1);
  }

  /**
   * Makes sure the slot of `sel` exists (allocating the root and the leaf);
   * false when memory is out. `sel` must be in range.
   */
  prepare(sel: u64): bool {
    assert(sel < this.nsel, "captable: selector out of range");
    if (u64(this.root) === 0) {
      const r = allocBytes(this.rootBytes(), 4096);
      if (u64(r) === 0) return false;
      this.root = r;
    }
    const rp = ptrFromVirt<u64>(this.root);
    const i = usize(sel >> LEAF_SHIFT);
    if (rp.get(i) !== 0) return true;
    const leaf = allocBytes(LEAF_BYTES, LEAF_BYTES);
    if (u64(leaf) === 0) return false;
    rp.set(i, u64(leaf));
    this.leaves++;
    return true;
  }

  /** Fills an empty, prepared slot. */
  fill(sel: u64, cap: u64, node: u64): void {
    const s = this.slot(sel);
    assert(s !== null, "captable: fill of a slot that was not prepared");
    if (s === null) return;
    assert(s.load() === CAP0 && s.get(1) === 0, "captable: fill of an occupied slot");
    assert(cap !== CAP0, "captable: fill with CAP0");
    s.store(cap);
    s.set(1, node);
    const rp = ptrFromVirt<u64>(this.root);
    const i = usize(sel >> LEAF_SHIFT);
    rp.set(i, rp.get(i) + 1);
    this.used++;
  }

  /** Replaces the capability word of an occupied slot (rights reduced in place). */
  update(sel: u64, cap: u64): void {
    const s = this.slot(sel);
    assert(s !== null && s.load() !== CAP0 && cap !== CAP0, "captable: update of an empty slot");
    if (s !== null) s.store(cap);
  }

  /** Empties an occupied slot and frees its leaf when that was the last one; returns the old word. */
  clear(sel: u64): u64 {
    const s = this.slot(sel);
    assert(s !== null && s.load() !== CAP0, "captable: clear of an empty slot");
    if (s === null) return CAP0;
    const old = s.load();
    s.store(CAP0);
    s.set(1, 0);
    const rp = ptrFromVirt<u64>(this.root);
    const i = usize(sel >> LEAF_SHIFT);
    const e = rp.get(i) - 1;
    this.used--;
    if ((e & COUNT_MASK) !== 0) {
      rp.set(i, e);
      return old;
    }
    rp.set(i, 0);
    this.leaves--;
    freeBytes(virt(e), LEAF_BYTES, LEAF_BYTES);
    if (this.leaves === 0) {
      freeBytes(this.root, this.rootBytes(), 4096);
      this.root = virt(0);
    }
    return old;
  }

  /** The first occupied selector ≥ `from`, or nsel when none: for teardown walks. */
  nextUsed(from: u64): u64 {
    if (u64(this.root) === 0) return this.nsel;
    const rp = ptrFromVirt<u64>(this.root);
    let sel = from;
    while (sel < this.nsel) {
      const e = rp.get(usize(sel >> LEAF_SHIFT));
      if (e === 0) {
        sel = (sel | (LEAF_SLOTS - 1)) + 1;
        continue;
      }
      const s = ptrFromVirt<u64>(virt(e & ~COUNT_MASK));
      if (s.get(usize((sel & (LEAF_SLOTS - 1)) * 2)) !== CAP0) return sel;
      sel++;
    }
    return this.nsel;
  }

  /** Frees the root; every slot must be empty by now. */
  release(): void {
    assert(this.used === 0 && this.leaves === 0, "captable: released while it holds capabilities");
    if (u64(this.root) !== 0) freeBytes(this.root, this.rootBytes(), 4096);
    this.root = virt(0);
  }

  /** Checks the leaf counts against the slots (stops the kernel on a mismatch); returns used slots. */
  check(): u64 {
    if (u64(this.root) === 0) {
      assert(this.used === 0 && this.leaves === 0, "captable check: counts without a root");
      return 0;
    }
    const rp = ptrFromVirt<u64>(this.root);
    let used: u64 = 0;
    let leaves: u64 = 0;
    for (let i: usize = 0; i < usize(this.nsel >> LEAF_SHIFT); i++) {
      const e = rp.get(i);
      if (e === 0) continue;
      leaves++;
      const s = ptrFromVirt<u64>(virt(e & ~COUNT_MASK));
      let n: u64 = 0;
      for (let k: usize = 0; k < usize(LEAF_SLOTS); k++) {
        const c = s.get(2 * k);
        assert((c === CAP0) === (s.get(2 * k + 1) === 0), "captable check: slot without a node");
        if (c !== CAP0) n++;
      }
      assert(n !== 0 && n === (e & COUNT_MASK), "captable check: leaf count");
      used += n;
    }
    assert(used === this.used && leaves === this.leaves, "captable check: table counts");
    return used;
  }
}

/** A PD's object space: an object itself (kind OBJ_SP), named by space capabilities. */
export class Space_obj {
  hdr: Inline<KObject>;
  table: Inline<CapTable>;

  /**
   * A new, empty object space (no references yet), or null when memory is
   * out. `destroy` tears it down when its last reference goes (mdb.ts passes
   * the one that revokes its capabilities first).
   */
  static create(destroy: Destroy): Space_obj | null {
    const va = allocObject(sizeof<Space_obj>());
    if (u64(va) === 0) return null;
    const s = structAt<Space_obj>(va);
    initObject(s.hdr, Kind.OBJ_SP, destroy);
    s.table.init(SELNUM);
    return s;
  }

  /** The capability at `sel`: CAP0 for an empty slot or a selector ≥ SELNUM. */
  lookup(sel: u64): u64 {
    return this.table.cap(sel);
  }

  /**
   * Puts `cap` into the empty slot `sel`, recording mdb node `node`, and takes
   * a reference to its object. BAD_PAR: selector ≥ SELNUM; BAD_CAP: the slot
   * is not CAP0; MEM_CAP: no memory for the table. A capability whose
   * permissions the object's kind does not define is a kernel bug.
   */
  insert(sel: u64, cap: u64, node: u64): u32 {
    if (sel >= SELNUM) return Status.BAD_PAR;
    if (this.table.cap(sel) !== CAP0) return Status.BAD_CAP;
    const o = structAt<KObject>(object(cap));
    assert(
      (perms(cap) & ~definedPerms(o.kind)) === 0,
      "capability: permissions not defined for the object's kind",
    );
    if (!this.table.prepare(sel)) return Status.MEM_CAP;
    ref(o);
    this.table.fill(sel, cap, node);
    return Status.SUCCESS;
  }

  /** Reduces the rights of the capability at `sel` in place (never to CAP0: remove that). */
  reduce(sel: u64, cap: u64): void {
    assert(object(cap) === object(this.table.cap(sel)), "space_obj: reduce to another object");
    this.table.update(sel, cap);
  }

  /** Empties slot `sel` (which must hold a capability) and drops its object's reference. */
  remove(sel: u64): u64 {
    const old = this.table.clear(sel);
    unref(structAt<KObject>(object(old)));
    return old;
  }

  /** Frees the space's own memory: the mdb's destroy function calls it once every slot is empty. */
  free(): void {
    this.table.release();
    freeObject(this.hdr, sizeof<Space_obj>());
  }
}
