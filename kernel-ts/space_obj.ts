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

import { SELNUM } from "../abi/selectors.ts";
import { Status } from "../abi/status.ts";
import { Kind, CAP0, definedPerms, object, perms } from "./capability.ts";
import {
  KObject,
  Destroy,
  allocBytes,
  allocObject,
  freeBytes,
  freeObject,
  initObject,
  refUncontended,
  unrefUncontended,
} from "./kobject.ts";

/** Slots per leaf (one 4 KiB page of 16-byte slots). */
export const LEAF_SHIFT: u32 = 8;
export const LEAF_SLOTS: u64 = 256;
export const LEAF_BYTES: usize = 4096;
const COUNT_MASK: u64 = 0xfff;
/** Directories below the root: 512 entries (one 4 KiB page). */
const DIR_SHIFT: u32 = 9;
const DIR_ENTRIES: u64 = 512;
/** The largest root (entries) before a table gets another directory level. */
const ROOT_MAX: u64 = 1024;

/** A sparse table of nsel slots (capability word + mdb node). */
export class CapTable {
  /** The root directory (leaf or directory address | count per entry), or 0 when empty. */
  root: Virt;
  nsel: u64;
  /** Slots holding a capability, leaves and lower directories allocated. */
  used: u64;
  leaves: u64;
  dirs: u64;
  /**
   * Directory levels: 1 when the root indexes leaves directly (object, PIO and
   * MSR spaces: at most 1024 root entries); host spaces (2^35 selectors) have
   * a 512-entry root over two levels of 512-entry directories.
   */
  levels: u32;
  /** Non-zero root entries (the root is freed with the last). */
  rootUsed: u64;

  init(nsel: u64): void {
    assert(nsel % LEAF_SLOTS === 0 && nsel !== 0, "captable: size not a multiple of a leaf");
    this.nsel = nsel;
    this.levels = 1;
    while (nsel >> u64(LEAF_SHIFT + DIR_SHIFT * (this.levels - 1)) > ROOT_MAX) this.levels++;
  }

  rootBytes(): usize {
    return usize((this.nsel >> u64(this.shift(this.levels - 1))) * 8);
  }

  /** The selector bits below the entries of a directory at `level` (0: entries are leaves). */
  shift(level: u32): u32 {
    return LEAF_SHIFT + DIR_SHIFT * level;
  }

  /** The index of `sel`'s entry in its directory at `level`. */
  index(sel: u64, level: u32): usize {
    const i = sel >> u64(this.shift(level));
    return usize(level === this.levels - 1 ? i : i & (DIR_ENTRIES - 1));
  }

  /** The entry for `sel` in its directory at `level`, or null when a directory above is missing. */
  entry(sel: u64, level: u32): Ptr<u64> | null {
    if (sel >= this.nsel || u64(this.root) === 0) return null;
    let dir = this.root;
    for (let l = this.levels - 1; l > level; l--) {
      const e = ptrFromVirt<u64>(dir).get(this.index(sel, l));
      if (e === 0) return null;
      dir = virt(e & ~COUNT_MASK);
    }
    return ptrFromVirt<u64>(dir).add(this.index(sel, level));
  }

  /** The directory at `level` holding `sel`'s path gained (delta > 0) or lost an entry: its count. */
  count(sel: u64, level: u32, delta: i32): void {
    if (level === this.levels - 1) {
      this.rootUsed = delta > 0 ? this.rootUsed + 1 : this.rootUsed - 1;
      return;
    }
    const p = this.entry(sel, level + 1);
    assert(p !== null, "captable: count of a missing directory");
    if (p !== null) p.store(delta > 0 ? p.load() + 1 : p.load() - 1);
  }

  /** Adds `delta` to the used-slot count kept in the entry that names `sel`'s leaf. */
  leafCount(sel: u64, delta: i32): void {
    const p = this.levels === 1 ? this.rootEntry(sel) : this.entry(sel, 0);
    if (p !== null) p.store(delta > 0 ? p.load() + 1 : p.load() - 1);
  }

  /** The slot of `sel` (two words: capability, node), or null if its leaf does not exist. */
  slot(sel: u64): Ptr<u64> | null {
    if (this.levels === 1) return sel < this.nsel ? this.leafSlot(sel) : null;
    const p = this.entry(sel, 0);
    if (p === null) return null;
    const e = p.load();
    if (e === 0) return null;
    return ptrFromVirt<u64>(virt(e & ~COUNT_MASK)).add(usize((sel & (LEAF_SLOTS - 1)) * 2));
  }

  /**
   * One-level tables (object, PIO and MSR spaces: the root names the leaves): the root entry
   * of `sel`'s leaf (its address | its used slots), null without a root. `sel` < nsel.
   */
  rootEntry(sel: u64): Ptr<u64> | null {
    if (u64(this.root) === 0) return null;
    return ptrFromVirt<u64>(this.root).add(usize(sel >> u64(LEAF_SHIFT)));
  }

  /** One-level tables: the slot of `sel` < nsel, or null if its leaf does not exist. */
  leafSlot(sel: u64): Ptr<u64> | null {
    if (u64(this.root) === 0) return null;
    const leaf = ptrFromVirt<u64>(this.root).get(usize(sel >> u64(LEAF_SHIFT))) & ~COUNT_MASK;
    if (leaf === 0) return null;
    return ptrFromVirt<u64>(virt(leaf)).add(usize((sel & (LEAF_SLOTS - 1)) * 2));
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

  /** Replaces the node word of an occupied slot. */
  setNode(sel: u64, node: u64): void {
    const s = this.slot(sel);
    assert(s !== null && s.load() !== CAP0, "captable: node for an empty slot");
    if (s !== null) s.set(1, node);
  }

  /**
   * Makes sure the slot of `sel` exists (allocating the root, directories and
   * the leaf); false when memory is out (nothing allocated stays then). `sel`
   * must be in range.
   */
  prepare(sel: u64): bool {
    assert(sel < this.nsel, "captable: selector out of range");
    if (u64(this.root) === 0) {
      const r = allocBytes(this.rootBytes(), 4096);
      if (u64(r) === 0) return false;
      this.root = r;
    }
    for (let l = this.levels - 1; ; l--) {
      const p = this.entry(sel, l);
      assert(p !== null, "captable: directory missing while preparing");
      if (p === null) return false;
      if (p.load() === 0) {
        const page = allocBytes(LEAF_BYTES, LEAF_BYTES);
        if (u64(page) === 0) {
          this.trim(sel);
          return false;
        }
        p.store(u64(page));
        if (l === 0) this.leaves++;
        else this.dirs++;
        this.count(sel, l, 1);
      }
      if (l === 0) return true;
    }
  }

  /** Frees the leaf and directories on `sel`'s path that are empty now, bottom up. */
  trim(sel: u64): void {
    for (let l: u32 = 0; l < this.levels; l++) {
      const p = this.entry(sel, l);
      if (p === null) continue;
      const e = p.load();
      if (e === 0) continue;
      if ((e & COUNT_MASK) !== 0) break;
      p.store(0);
      freeBytes(virt(e), LEAF_BYTES, LEAF_BYTES);
      if (l === 0) this.leaves--;
      else this.dirs--;
      this.count(sel, l, -1);
    }
    if (this.rootUsed === 0 && u64(this.root) !== 0) {
      freeBytes(this.root, this.rootBytes(), 4096);
      this.root = virt(0);
    }
  }

  /** Fills an empty, prepared slot. */
  fill(sel: u64, cap: u64, node: u64): void {
    const s = this.slot(sel);
    assert(s !== null, "captable: fill of a slot that was not prepared");
    if (s !== null) this.fillSlot(s, sel, cap, node);
  }

  /** fill() of `s`, the slot of `sel` its caller has looked up already. */
  fillSlot(s: Ptr<u64>, sel: u64, cap: u64, node: u64): void {
    assert(s.load() === CAP0 && s.get(1) === 0, "captable: fill of an occupied slot");
    assert(cap !== CAP0, "captable: fill with CAP0");
    s.store(cap);
    s.set(1, node);
    this.leafCount(sel, 1);
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
    this.used--;
    this.leafCount(sel, -1);
    this.trim(sel);
    return old;
  }

  /** `sel` if its slot is occupied, else a larger selector to look at next (skipping empty tables). */
  step(sel: u64): u64 {
    let dir = this.root;
    for (let l = this.levels - 1; ; l--) {
      const e = ptrFromVirt<u64>(dir).get(this.index(sel, l));
      if (e === 0) return (sel | ((u64(1) << u64(this.shift(l))) - 1)) + 1;
      if (l === 0) {
        const s = ptrFromVirt<u64>(virt(e & ~COUNT_MASK));
        return s.get(usize((sel & (LEAF_SLOTS - 1)) * 2)) !== CAP0 ? sel : sel + 1;
      }
      dir = virt(e & ~COUNT_MASK);
    }
  }

  /** The first occupied selector ≥ `from`, or nsel when none: for teardown walks. */
  nextUsed(from: u64): u64 {
    let sel = from;
    while (sel < this.nsel && u64(this.root) !== 0) {
      const next = this.step(sel);
      if (next === sel) return sel;
      sel = next;
    }
    return this.nsel;
  }

  /** Frees the root; every slot must be empty by now. */
  release(): void {
    assert(
      this.used === 0 && this.leaves === 0 && this.dirs === 0,
      "captable: released while it holds capabilities",
    );
    if (u64(this.root) !== 0) freeBytes(this.root, this.rootBytes(), 4096);
    this.root = virt(0);
  }

  /** Checks the counts against the slots (stops the kernel on a mismatch); returns used slots. */
  check(): u64 {
    if (u64(this.root) === 0) {
      assert(
        this.used === 0 && this.leaves === 0 && this.dirs === 0,
        "captable check: counts without a root",
      );
      return 0;
    }
    const c = scratchCounts;
    c.used = 0;
    c.leaves = 0;
    c.dirs = 0;
    const entries = usize(this.nsel >> u64(this.shift(this.levels - 1)));
    const n = checkDir(this.root, this.levels - 1, entries, c);
    assert(n !== 0 && n === this.rootUsed, "captable check: root count");
    assert(
      c.used === this.used && c.leaves === this.leaves && c.dirs === this.dirs,
      "captable check: table counts",
    );
    return c.used;
  }
}

class TableCounts {
  used: u64;
  leaves: u64;
  dirs: u64;
}

/** check()'s tallies (one CPU checks at a time; a static, so a check allocates nothing). */
const scratchCounts = new TableCounts();

/** Checks one directory and what is below it; returns its non-zero entries. */
function checkDir(dir: Virt, level: u32, entries: usize, c: TableCounts): u64 {
  const d = ptrFromVirt<u64>(dir);
  let nonzero: u64 = 0;
  for (let i: usize = 0; i < entries; i++) {
    const e = d.get(i);
    if (e === 0) continue;
    nonzero++;
    const below = virt(e & ~COUNT_MASK);
    let n: u64 = 0;
    if (level === 0) {
      c.leaves++;
      const s = ptrFromVirt<u64>(below);
      for (let k: usize = 0; k < usize(LEAF_SLOTS); k++) {
        const w = s.get(2 * k);
        assert((w === CAP0) === (s.get(2 * k + 1) === 0), "captable check: slot without a node");
        if (w !== CAP0) n++;
      }
      c.used += n;
    } else {
      c.dirs++;
      n = checkDir(below, level - 1, usize(DIR_ENTRIES), c);
    }
    assert(n !== 0 && n === (e & COUNT_MASK), "captable check: entry count");
  }
  return nonzero;
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
    assert(s.table.levels === 1, "space_obj: lookup and insert assume a one-level table");
    return s;
  }

  /**
   * The capability at `sel`: CAP0 for an empty slot or a selector ≥ SELNUM. Every hypercall's
   * lookup, so it goes straight to the one-level geometry (create asserts it) instead of
   * CapTable.slot's test for it.
   */
  lookup(sel: u64): u64 {
    if (sel >= SELNUM) return CAP0;
    const s = this.table.leafSlot(sel);
    return s === null ? CAP0 : s.load();
  }

  /**
   * Puts `cap` into the empty slot `sel`, recording mdb node `node`, and takes
   * a reference to its object. BAD_PAR: selector ≥ SELNUM; BAD_CAP: the slot
   * is not CAP0; MEM_CAP: no memory for the table. A capability whose
   * permissions the object's kind does not define is a kernel bug.
   */
  insert(sel: u64, cap: u64, node: u64): u32 {
    if (sel >= SELNUM) return Status.BAD_PAR;
    const o = structAt<KObject>(object(cap));
    assert(
      (perms(cap) & ~definedPerms(o.kind)) === 0,
      "capability: permissions not defined for the object's kind",
    );
    // The common case, the leaf there already: one walk to the slot, which fillSlot fills.
    let s = this.table.leafSlot(sel);
    if (s !== null && s.load() !== CAP0) return Status.BAD_CAP;
    if (s === null) {
      if (!this.table.prepare(sel)) return Status.MEM_CAP;
      s = this.table.leafSlot(sel);
      assert(s !== null, "space_obj: slot missing after prepare");
      if (s === null) return Status.MEM_CAP;
    }
    // Capability tables change only on the slow path: no other CPU changes a count meanwhile.
    refUncontended(o);
    this.table.fillSlot(s, sel, cap, node);
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
    unrefUncontended(structAt<KObject>(object(old)));
    return old;
  }

  /** Frees the space's own memory: the mdb's destroy function calls it once every slot is empty. */
  free(): void {
    this.table.release();
    freeObject(this.hdr, sizeof<Space_obj>());
  }
}
