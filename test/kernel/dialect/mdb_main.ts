// Host unit test of kernel-ts/mdb.ts (the mapping database) over object and
// PIO spaces; test/kernel/mdb.test.ts builds it with gcc and clang under
// ASan+UBSan and runs `main(mode)`. Mode 0 is the test; modes 1-5 each break
// a rule once and must panic.
//
// The random test keeps a reference model: for every modelled (space,
// selector) the object, the permissions and the parent (space, selector) the
// capability was delegated from. Each delegate, revoke and root insertion is
// applied to both with the semantics of docs/capabilities.md, and after every
// operation the whole model is compared with the spaces: capability words,
// parents, rights never above the parent's, reference counts equal to the
// number of capabilities naming each object, objects destroyed exactly when
// their last capability went, and the I/O bitmaps of the PIO spaces.

import * as capability from "../../../kernel-ts/capability.ts";
import { Perm_obj_sp, Perm_pio } from "../../../abi/perms.ts";
import { SELNUM } from "../../../abi/selectors.ts";
import { Status } from "../../../abi/status.ts";
import { Kind } from "../../../kernel-ts/capability.ts";
import * as kobject from "../../../kernel-ts/kobject.ts";
import { KObject } from "../../../kernel-ts/kobject.ts";
import * as mdb from "../../../kernel-ts/mdb.ts";
import { Space_obj } from "../../../kernel-ts/space_obj.ts";
import { Space_pio } from "../../../kernel-ts/space_pio.ts";
import * as capheap from "./capheap.ts";
import * as random from "./random.ts";

const OPS: u32 = 12_000;
/** Object spaces and modelled selectors per space (two windows of 256). */
const NSP: u32 = 4;
const M: u32 = 512;
/** PIO spaces and modelled ports per space (two windows of 128). */
const NPS: u32 = 3;
const MP: u32 = 256;
const NOBJ: u32 = 256;

class TestObj {
  hdr: Inline<KObject>;
  id: u32;
}

class Stats {
  roots: u32;
  busy: u32;
  delegations: u32;
  delegated: u32;
  revokes: u32;
  revokedCaps: u32;
  selfRevokes: u32;
  badPar: u32;
  pioOps: u32;
  destroyedObjects: u32;
  maxCaps: u32;
  maxDepth: u32;
  checks: u32;
}
const stats = new Stats();

const spaces = array<u64, 4>();
const pios = array<u64, 3>();
/** Test objects: address (0: free), destroy count of the current one. */
const objs = array<u64, 256>();
const destroyed = array<u32, 256>();
/** Model of the object spaces: object id + 1 (0: CAP0), perms, parent key + 1 (0: root). */
const mObj = array<u32, 2048>();
const mPerm = array<u32, 2048>();
const mParent = array<u32, 2048>();
/** Model of the PIO spaces: perms (0 or A), parent key + 1. */
const pPerm = array<u32, 768>();
const pParent = array<u32, 768>();
/** Scratch: marks of a subtree. */
const mark = array<u8, 2048>();
const refCount = array<u64, 256>();

function objSpace(s: u32): Space_obj {
  return structAt<Space_obj>(virt(spaces[s]));
}

function pioSpace(s: u32): Space_pio {
  return structAt<Space_pio>(virt(pios[s]));
}

/** Selector of model index m: 0x180… (crossing the leaf at 0x200) and the last 256. */
function selOf(m: u32): u64 {
  return m < 256 ? 0x180 + u64(m) : SELNUM - 512 + u64(m);
}

/** Port of model index m: 0x3c0… (crossing the leaf at 0x400) and the last 128. */
function portOf(m: u32): u64 {
  return m < 128 ? 0x3c0 + u64(m) : 0x10000 - 256 + u64(m);
}

function destroyTestObj(o: KObject): void {
  const t = structAt<TestObj>(structAddress(o));
  destroyed[t.id]++;
  kobject.freeObject(o, sizeof<TestObj>());
}

const KINDS = array<u32, 6>();

function newObj(id: u32): TestObj {
  const va = kobject.allocObject(sizeof<TestObj>());
  assert(u64(va) !== 0, "test: out of memory");
  const t = structAt<TestObj>(va);
  kobject.initObject(t.hdr, KINDS[usize(random.next() % 6)], destroyTestObj);
  t.id = id;
  objs[id] = u64(va);
  destroyed[id] = 0;
  return t;
}

function randomPerms(kind: u32): u32 {
  const d = capability.definedPerms(kind);
  const p = u32(random.next() & 0x1f) & d;
  return p === 0 ? d : p;
}

// ---- the model ----

/** Marks `root`'s subtree in the object-space model (root included). */
function markSubtree(root: u32): void {
  for (let k: u32 = 0; k < NSP * M; k++) mark[k] = 0;
  mark[root] = 1;
  let changed = true;
  while (changed) {
    changed = false;
    for (let k: u32 = 0; k < NSP * M; k++)
      if (mark[k] === 0 && mObj[k] !== 0 && mParent[k] !== 0 && mark[mParent[k] - 1] === 1) {
        mark[k] = 1;
        changed = true;
      }
  }
}

/** Removes the marked entries (keeping `keep` when it is below NSP*M); returns how many. */
function removeMarked(keep: u32): u32 {
  let n: u32 = 0;
  for (let k: u32 = 0; k < NSP * M; k++)
    if (mark[k] === 1 && k !== keep && mObj[k] !== 0) {
      mObj[k] = 0;
      mPerm[k] = 0;
      mParent[k] = 0;
      n++;
    }
  return n;
}

function modelRevoke(k: u32, self: bool): u32 {
  markSubtree(k);
  return removeMarked(self ? NSP * M : k);
}

function modelDelegateOne(ks: u32, kd: u32, pmm: u32): void {
  if (ks === kd) {
    if (mObj[kd] === 0) return;
    const want = mPerm[kd] & pmm;
    if (want === mPerm[kd]) return;
    modelRevoke(kd, want === 0);
    if (want !== 0) mPerm[kd] = want;
    return;
  }
  if (mObj[kd] !== 0) modelRevoke(kd, true);
  if (mObj[ks] === 0) return;
  const want = mPerm[ks] & pmm;
  if (want === 0) return;
  mObj[kd] = mObj[ks];
  mPerm[kd] = want;
  mParent[kd] = ks + 1;
}

function pioMarkSubtree(root: u32): void {
  for (let k: u32 = 0; k < NPS * MP; k++) mark[k] = 0;
  mark[root] = 1;
  let changed = true;
  while (changed) {
    changed = false;
    for (let k: u32 = 0; k < NPS * MP; k++)
      if (mark[k] === 0 && pPerm[k] !== 0 && pParent[k] !== 0 && mark[pParent[k] - 1] === 1) {
        mark[k] = 1;
        changed = true;
      }
  }
}

function pioModelRevoke(k: u32, self: bool): void {
  pioMarkSubtree(k);
  for (let j: u32 = 0; j < NPS * MP; j++)
    if (mark[j] === 1 && (self || j !== k)) {
      pPerm[j] = 0;
      pParent[j] = 0;
    }
}

function pioModelDelegateOne(ks: u32, kd: u32, pmm: u32): void {
  if (ks === kd) {
    if (pPerm[kd] !== 0 && (pPerm[kd] & pmm) === 0) pioModelRevoke(kd, true);
    return;
  }
  if (pPerm[kd] !== 0) pioModelRevoke(kd, true);
  if (pPerm[ks] === 0 || (pPerm[ks] & pmm) === 0) return;
  pPerm[kd] = pPerm[ks] & pmm;
  pParent[kd] = ks + 1;
}

// ---- comparing ----

/** The node's model key, or NSP*M when the node is not at a modelled selector. */
function keyOf(n: mdb.MdbNode): u32 {
  for (let s: u32 = 0; s < NSP; s++)
    if (structAddress(n.space) === virt(spaces[s])) {
      for (let m: u32 = 0; m < M; m++) if (selOf(m) === n.sel) return s * M + m;
    }
  return NSP * M;
}

function pioKeyOf(n: mdb.MdbNode): u32 {
  for (let s: u32 = 0; s < NPS; s++)
    if (structAddress(n.space) === virt(pios[s])) {
      for (let m: u32 = 0; m < MP; m++) if (portOf(m) === n.sel) return s * MP + m;
    }
  return NPS * MP;
}

function compare(): void {
  for (let i: u32 = 0; i < NOBJ; i++) refCount[i] = 0;
  let caps: u32 = 0;
  let nodesSeen: u32 = 0;
  for (let s: u32 = 0; s < NSP; s++) {
    const sp = objSpace(s);
    for (let m: u32 = 0; m < M; m++) {
      const k = s * M + m;
      const cap = sp.lookup(selOf(m));
      if (mObj[k] === 0) {
        assert(cap === capability.CAP0, "test: a capability the model does not have (a survivor)");
        continue;
      }
      caps++;
      const id = mObj[k] - 1;
      refCount[id]++;
      assert(cap === capability.make(virt(objs[id]), mPerm[k]), "test: capability differs");
      const n = mdb.nodeAt(sp.hdr, selOf(m));
      // A root gets its node when it is first delegated; a delegated capability has one.
      if (n !== null) nodesSeen++;
      if (mParent[k] === 0) {
        if (n !== null) assert(n.parent === null, "test: root with a parent");
        continue;
      }
      assert(n !== null, "test: delegated capability without a node");
      if (n === null) continue;
      const p = n.parent;
      assert(p !== null, "test: delegated capability without a parent");
      if (p === null) continue;
      assert(keyOf(p) === mParent[k] - 1, "test: wrong parent");
      const pk = mParent[k] - 1;
      assert((mPerm[k] & ~mPerm[pk]) === 0, "test: rights increase along a chain");
      const pc = structAt<Space_obj>(structAddress(p.space)).lookup(p.sel);
      assert((capability.perms(cap) & ~capability.perms(pc)) === 0, "test: real rights increase");
    }
  }
  for (let s: u32 = 0; s < NPS; s++) {
    const sp = pioSpace(s);
    for (let m: u32 = 0; m < MP; m++) {
      const k = s * MP + m;
      assert(sp.lookup(portOf(m)) === pPerm[k], "test: PIO capability differs");
      assert(sp.allowed(portOf(m)) === (pPerm[k] !== 0), "test: I/O bitmap differs");
      if (pPerm[k] === 0) continue;
      caps++;
      const n = mdb.nodeAt(sp.hdr, portOf(m));
      assert(n !== null, "test: PIO capability without a node");
      if (n === null) continue;
      nodesSeen++;
      const p = n.parent;
      if (pParent[k] === 0) assert(p === null, "test: PIO root with a parent");
      else if (p !== null) assert(pioKeyOf(p) === pParent[k] - 1, "test: wrong PIO parent");
      else panic("test: delegated PIO capability without a parent");
    }
  }
  assert(u64(nodesSeen) === mdb.nodes(), "test: nodes outside the model");
  if (caps > stats.maxCaps) stats.maxCaps = caps;
  for (let i: u32 = 0; i < NOBJ; i++) {
    if (objs[i] === 0) continue;
    const o = structAt<KObject>(virt(objs[i]));
    if (refCount[i] === 0) {
      // its last capability went: destroyed exactly once, by now
      assert(destroyed[i] === 1, "test: object not destroyed with its last capability");
      objs[i] = 0;
      stats.destroyedObjects++;
      continue;
    }
    assert(destroyed[i] === 0, "test: object destroyed while capabilities name it");
    assert(kobject.refs(o) === refCount[i], "test: reference count differs from the capabilities");
  }
}

function depth(n: mdb.MdbNode): u32 {
  let d: u32 = 0;
  let p = n.parent;
  while (p !== null) {
    d++;
    p = p.parent;
  }
  return d;
}

function fullCheck(): void {
  for (let s: u32 = 0; s < NSP; s++) mdb.check(objSpace(s).hdr);
  for (let s: u32 = 0; s < NPS; s++) mdb.check(pioSpace(s).hdr);
  for (let s: u32 = 0; s < NSP; s++)
    for (let m: u32 = 0; m < M; m++) {
      const n = mdb.nodeAt(objSpace(s).hdr, selOf(m));
      if (n !== null && depth(n) > stats.maxDepth) stats.maxDepth = depth(n);
    }
  stats.checks++;
}

// ---- operations ----

function pickIndex(order: u32, window: u32): u32 {
  return (window << 8) + (u32(random.next() % u64(256 >> order)) << order);
}

function opRoot(): void {
  const s = u32(random.next() % u64(NSP));
  const m = u32(random.next() % u64(M));
  const k = s * M + m;
  if (mObj[k] !== 0) {
    // BAD_CAP: an occupied slot, nothing changes
    const id = mObj[k] - 1;
    const st = mdb.insertRoot(objSpace(s), selOf(m), capability.make(virt(objs[id]), mPerm[k]));
    assert(st === Status.BAD_CAP, "test: root into an occupied slot not BAD_CAP");
    stats.busy++;
    return;
  }
  let id: u32 = NOBJ;
  if (random.next() % 100 < 30) {
    const j = u32(random.next() % u64(NOBJ));
    if (objs[j] !== 0) id = j;
  }
  if (id === NOBJ) {
    for (let j: u32 = 0; j < NOBJ; j++)
      if (objs[j] === 0) {
        id = j;
        break;
      }
    if (id === NOBJ) return;
    newObj(id);
  }
  const o = structAt<KObject>(virt(objs[id]));
  const p = randomPerms(o.kind);
  assert(
    mdb.insertRoot(objSpace(s), selOf(m), capability.make(virt(objs[id]), p)) === Status.SUCCESS,
    "test: root insertion",
  );
  mObj[k] = id + 1;
  mPerm[k] = p;
  mParent[k] = 0;
  stats.roots++;
}

function opDelegate(): void {
  const s1 = u32(random.next() % u64(NSP));
  const s2 = random.next() % 4 === 0 ? s1 : u32(random.next() % u64(NSP));
  const order = random.next() % 3 !== 0 ? u32(0) : u32(1 + (random.next() % 4));
  let ms = pickIndex(order, u32(random.next() % 2));
  // mostly copy a capability that exists, so chains grow deep
  for (let tries: u32 = 0; order === 0 && tries < 16; tries++) {
    const k = u32(random.next() % u64(NSP * M));
    if (mObj[k] !== 0 && k / M === s1) {
      ms = k % M;
      break;
    }
  }
  const md = pickIndex(order, u32(random.next() % 2));
  const pmm = random.next() % 2 === 0 ? u32(0x1f) : u32(random.next() % 32);
  const st = mdb.delegate(objSpace(s1), selOf(ms), objSpace(s2), selOf(md), order, pmm);
  assert(st === Status.SUCCESS, "test: delegation failed");
  for (let i: u32 = 0; i < u32(1) << order; i++)
    modelDelegateOne(s1 * M + ms + i, s2 * M + md + i, pmm);
  stats.delegations++;
  stats.delegated += u32(1) << order;
}

function opRevoke(): void {
  for (let tries: u32 = 0; tries < 32; tries++) {
    const k = u32(random.next() % u64(NSP * M));
    if (mObj[k] === 0) continue;
    const s = k / M;
    const sel = selOf(k % M);
    const self = random.next() % 2 === 0;
    // what must go: the subtree as the model sees it
    markSubtree(k);
    const doomed = array<u32, 2048>();
    let nd: u32 = 0;
    for (let j: u32 = 0; j < NSP * M; j++)
      if (mark[j] === 1 && (self || j !== k)) {
        doomed[nd] = j;
        nd++;
      }
    assert(mdb.revokeObj(objSpace(s), sel, self), "test: revoke of a capability");
    for (let i: u32 = 0; i < nd; i++) {
      const j = doomed[i];
      assert(
        objSpace(j / M).lookup(selOf(j % M)) === capability.CAP0,
        "test: a descendant survived the revocation",
      );
    }
    stats.revokedCaps += modelRevoke(k, self);
    stats.revokes++;
    if (self) stats.selfRevokes++;
    return;
  }
}

function opBadPar(): void {
  const s = objSpace(0);
  const d = objSpace(1);
  const r = random.next() % 3;
  let st: u32;
  if (r === 0)
    st = mdb.delegate(s, selOf(1), d, selOf(0), 1, 0x1f); // misaligned source
  else if (r === 1)
    st = mdb.delegate(s, selOf(0), d, SELNUM, 4, 0x1f); // beyond SELNUM
  else st = mdb.delegate(s, 0, d, 0, 19, 0x1f); // order above 18
  assert(st === Status.BAD_PAR, "test: bad delegation not BAD_PAR");
  stats.badPar++;
}

function opPio(): void {
  const r = random.next() % 100;
  const s1 = u32(random.next() % u64(NPS));
  if (r < 30) {
    const m = u32(random.next() % u64(MP));
    const k = s1 * MP + m;
    const st = mdb.insertRootPio(pioSpace(s1), portOf(m), Perm_pio.A);
    if (pPerm[k] !== 0) assert(st === Status.BAD_CAP, "test: PIO root into an occupied port");
    else {
      assert(st === Status.SUCCESS, "test: PIO root");
      pPerm[k] = Perm_pio.A;
      pParent[k] = 0;
    }
  } else if (r < 80) {
    const s2 = u32(random.next() % u64(NPS));
    const order = random.next() % 2 === 0 ? u32(0) : u32(1 + (random.next() % 4));
    const m = (u32(random.next() % 2) << 7) + (u32(random.next() % u64(128 >> order)) << order);
    const pmm = random.next() % 5 === 0 ? u32(0) : u32(random.next() % 32) | 1;
    const st = mdb.delegatePio(pioSpace(s1), portOf(m), pioSpace(s2), portOf(m), order, pmm);
    assert(st === Status.SUCCESS, "test: PIO delegation");
    for (let i: u32 = 0; i < u32(1) << order; i++)
      pioModelDelegateOne(s1 * MP + m + i, s2 * MP + m + i, pmm);
  } else {
    const m = u32(random.next() % u64(MP));
    const k = s1 * MP + m;
    const self = random.next() % 2 === 0;
    const had = mdb.revokePio(pioSpace(s1), portOf(m), self);
    assert(had === (pPerm[k] !== 0), "test: PIO revoke of CAP0");
    if (had) pioModelRevoke(k, self);
  }
  stats.pioOps++;
}

// ---- directed tests ----

/** Statuses that the hypercall layer will pass on. */
function statuses(): void {
  const a = newObj(NOBJ - 1);
  const cap = capability.make(structAddress(a.hdr), capability.definedPerms(a.hdr.kind));
  const sp = objSpace(0);
  assert(mdb.insertRoot(sp, 5, cap) === Status.SUCCESS, "test: root");
  assert(mdb.insertRoot(sp, 5, cap) === Status.BAD_CAP, "test: occupied BAD_CAP");
  assert(mdb.insertRoot(sp, SELNUM, cap) === Status.BAD_PAR, "test: selector BAD_PAR");
  assert(mdb.delegate(sp, 5, sp, 6, 1, 0x1f) === Status.BAD_PAR, "test: misaligned BAD_PAR");
  assert(mdb.delegate(sp, 0, sp, SELNUM - 8, 4, 0x1f) === Status.BAD_PAR, "test: range BAD_PAR");
  assert(mdb.delegatePio(pioSpace(0), 0x60, pioSpace(1), 0x64, 0, 1) === Status.BAD_PAR, "ssb≠dsb");
  assert(mdb.delegatePio(pioSpace(0), 0, pioSpace(1), 0, 17, 1) === Status.BAD_PAR, "PIO order");
  assert(mdb.insertRootPio(pioSpace(0), 0x10000, 1) === Status.BAD_PAR, "test: port BAD_PAR");
  // MEM_CAP part-way: 16 capabilities into an empty space (roots: no nodes yet); the
  // allocations are the source's node, the copy's node, root, leaf for the first, two nodes
  // each for the next: the third source node fails
  for (let i: u64 = 0; i < 16; i++)
    if (i !== 5) assert(mdb.insertRoot(sp, i, cap) === Status.SUCCESS, "test: roots");
  assert(mdb.nodes() === 0, "test: roots have no node until delegated");
  kobject.failAfter(7);
  assert(mdb.delegate(sp, 0, objSpace(1), 0x1000, 4, 0x1f) === Status.MEM_CAP, "test: MEM_CAP");
  assert(objSpace(1).lookup(0x1000) === cap && objSpace(1).lookup(0x1001) === cap, "partial");
  for (let i: u64 = 2; i < 16; i++) assert(objSpace(1).lookup(0x1000 + i) === 0, "test: partial");
  assert(kobject.refs(a.hdr) === 18 && mdb.nodes() === 4, "test: partial MEM_CAP refs");
  assert(mdb.delegate(sp, 0, objSpace(1), 0x1000, 4, 0x1f) === Status.SUCCESS, "test: retry");
  assert(mdb.nodes() === 32, "test: retry replaced the partial copies");
  kobject.failAfter(1);
  assert(mdb.delegate(sp, 5, objSpace(2), 0x2005, 0, 0x1f) === Status.MEM_CAP, "MEM_CAP node");
  kobject.failAfter(2);
  assert(mdb.delegate(sp, 5, objSpace(2), 0x2005, 0, 0x1f) === Status.MEM_CAP, "MEM_CAP table");
  assert(objSpace(2).lookup(0x2005) === 0 && mdb.nodes() === 32, "test: MEM_CAP left nothing");
  // rights: a child never has more than its parent whatever the mask
  assert(mdb.delegate(objSpace(1), 0x1005, objSpace(2), 0x2005, 0, 0x1) === Status.SUCCESS, "d");
  assert(mdb.delegate(objSpace(2), 0x2005, objSpace(3), 0x3005, 0, 0x1f) === Status.SUCCESS, "d");
  assert(capability.perms(objSpace(3).lookup(0x3005)) === 1, "test: rights raised by a mask");
  // revoking the root takes the chain of three spaces with it, then the object
  assert(mdb.revokeObj(sp, 5, true), "test: revoke root");
  assert(objSpace(3).lookup(0x3005) === 0 && objSpace(2).lookup(0x2005) === 0, "test: chain");
  assert(mdb.nodes() === 30 && objSpace(1).lookup(0x1005) === 0, "test: chain survived");
  assert(destroyed[NOBJ - 1] === 0, "test: object destroyed early");
  for (let i: u64 = 0; i < 16; i++) if (i !== 5) assert(mdb.revokeObj(sp, i, true), "test: revoke");
  assert(mdb.nodes() === 0, "test: revoking the roots left nodes");
  assert(destroyed[NOBJ - 1] === 1, "test: object not destroyed");
  objs[NOBJ - 1] = 0;
  log(
    "mdb: statuses: BAD_CAP (occupied), BAD_PAR (selector, alignment, range, order, PIO ssb≠dsb), MEM_CAP (partial)",
  );
}

/** A space whose last capability goes is destroyed, revoking what was derived from its capabilities. */
function cascade(): void {
  const x = mdb.newObjSpace();
  assert(x !== null, "test: space");
  if (x === null) return;
  // The test holds x until capabilities name it: ctrl_pd only ever works on spaces a
  // capability names, and references both while a range runs (its last unref destroys one).
  kobject.ref(x.hdr);
  const a = newObj(NOBJ - 2);
  const ac = capability.make(structAddress(a.hdr), capability.definedPerms(a.hdr.kind));
  assert(mdb.insertRoot(x, 7, ac) === Status.SUCCESS, "test: root");
  // x's capability 7 goes to space 2; a capability to x itself sits in space 0, copied to 1
  assert(mdb.delegate(x, 7, objSpace(2), 0x77, 0, 0x1f) === Status.SUCCESS, "test: d");
  const xc = capability.make(structAddress(x.hdr), Perm_obj_sp.DEFINED);
  assert(mdb.insertRoot(objSpace(0), 0x500, xc) === Status.SUCCESS, "test: space cap");
  assert(mdb.delegate(objSpace(0), 0x500, objSpace(1), 0x501, 0, 2) === Status.SUCCESS, "test: d");
  kobject.unref(x.hdr);
  assert(kobject.refs(x.hdr) === 2 && kobject.refs(a.hdr) === 2, "test: refs");
  assert(mdb.revokeObj(objSpace(0), 0x500, true), "test: revoke space cap");
  // x died with its last capability; its capability 7 and the copy in space 2 went with it
  assert(objSpace(2).lookup(0x77) === 0, "test: copy of a dead space's capability survived");
  assert(destroyed[NOBJ - 2] === 1 && mdb.nodes() === 0, "test: cascade");
  objs[NOBJ - 2] = 0;
  log("mdb: a space destroyed with its last capability takes its capabilities' descendants along");
}

/** One order-18 delegation: a whole object space with 2^18 capabilities, then revoked at once. */
function whole(): void {
  const x = mdb.newObjSpace();
  const y = mdb.newObjSpace();
  if (x === null || y === null) return;
  kobject.ref(x.hdr);
  kobject.ref(y.hdr);
  const a = newObj(NOBJ - 3);
  kobject.ref(a.hdr);
  const cap = capability.make(structAddress(a.hdr), capability.definedPerms(a.hdr.kind));
  for (let s: u64 = 0; s < SELNUM; s++)
    assert(mdb.insertRoot(x, s, cap) === Status.SUCCESS, "test: fill");
  assert(mdb.delegate(x, 0, y, 0, 18, 0x1f) === Status.SUCCESS, "test: order 18");
  assert(kobject.refs(a.hdr) === 2 * SELNUM + 1 && mdb.nodes() === 2 * SELNUM, "test: 2^19 caps");
  mdb.check(y.hdr);
  kobject.unref(x.hdr); // x's teardown revokes everything in y too
  kobject.reap();
  assert(y.table.used === 0 && y.table.leaves === 0 && mdb.nodes() === 0, "test: y emptied");
  assert(kobject.refs(a.hdr) === 1, "test: refs after teardown");
  kobject.unref(y.hdr);
  kobject.unref(a.hdr);
  kobject.reap();
  objs[NOBJ - 3] = 0;
  log(
    `mdb: order 18: ${SELNUM} capabilities delegated at once, all revoked by the source space's teardown`,
  );
}

function setup(): void {
  KINDS[0] = Kind.PD;
  KINDS[1] = Kind.EC;
  KINDS[2] = Kind.SC;
  KINDS[3] = Kind.PT;
  KINDS[4] = Kind.SM;
  KINDS[5] = Kind.SM_INT;
  capheap.setup();
  for (let s: u32 = 0; s < NSP; s++) {
    const sp = mdb.newObjSpace();
    assert(sp !== null, "test: space");
    if (sp === null) return;
    kobject.ref(sp.hdr); // the test is its PD
    spaces[s] = u64(structAddress(sp.hdr));
  }
  for (let s: u32 = 0; s < NPS; s++) {
    const sp = mdb.newPioSpace();
    assert(sp !== null, "test: pio space");
    if (sp === null) return;
    kobject.ref(sp.hdr);
    pios[s] = u64(structAddress(sp.hdr));
  }
}

function misuse(mode: u32): void {
  const a = newObj(0);
  const sp = objSpace(0);
  if (mode === 1) {
    kobject.unref(a.hdr); // no reference taken
  } else if (mode === 2) {
    capability.make(structAddress(a.hdr) + 8, 1); // not an object's start
  } else if (mode === 3) {
    mdb.insertRoot(sp, 1, capability.make(structAddress(a.hdr), 0x1f)); // PT/EC/SC… lack some
  } else if (mode === 4) {
    const ec = a.hdr;
    ec.kind = Kind.EC;
    mdb.insertRoot(sp, 1, capability.make(structAddress(ec), 0x1));
    mdb.delegate(sp, 1, objSpace(1), 1, 0, 0x1);
    const s1 = objSpace(1);
    const forged = capability.make(structAddress(ec), 0x9);
    s1.table.update(1, forged); // rights the parent lacks
    mdb.check(objSpace(1).hdr);
  } else if (mode === 5) {
    mdb.insertRoot(sp, 1, capability.make(structAddress(a.hdr), 0x1));
    kobject.destroyNow(a.hdr); // a capability still names it
  }
  log(`test: misuse ${mode} was not caught`);
}

export function main(mode: u32): void {
  setup();
  if (mode !== 0) {
    if (mode === 3) {
      // an object whose kind does not define all five bits
      KINDS[0] = Kind.SC;
      KINDS[1] = Kind.SC;
      KINDS[2] = Kind.SC;
      KINDS[3] = Kind.SC;
      KINDS[4] = Kind.SC;
      KINDS[5] = Kind.SC;
    }
    misuse(mode);
    return;
  }
  const base = kobject.liveAllocations();
  const baseObjects = capheap.slabObjects();
  statuses();
  cascade();
  whole();
  assert(kobject.liveAllocations() === base, "test: directed tests leaked allocations");
  assert(capheap.slabObjects() === baseObjects, "test: directed tests leaked slab objects");
  for (let op: u32 = 1; op <= OPS; op++) {
    const r = random.next() % 100;
    if (r < 10) opRoot();
    else if (r < 60) opDelegate();
    else if (r < 73) opRevoke();
    else if (r < 75) opBadPar();
    else opPio();
    compare();
    if (op % 200 === 0) fullCheck();
  }
  log(
    `mdb: ${OPS} random operations: ${stats.roots} roots (${stats.busy} BAD_CAP), ${stats.delegations} delegations of ${stats.delegated} selectors, ${stats.revokes} revocations (${stats.selfRevokes} with the node itself) removing ${stats.revokedCaps} capabilities, ${stats.badPar} BAD_PAR, ${stats.pioOps} PIO operations`,
  );
  log(
    `mdb: model matched after every operation: at most ${stats.maxCaps} capabilities, chains up to ${stats.maxDepth} deep, ${stats.destroyedObjects} objects destroyed with their last capability, ${stats.checks} full checks`,
  );
  // teardown: the test drops its spaces; their teardown revokes everything
  for (let s: u32 = 0; s < NSP; s++) kobject.unref(objSpace(s).hdr);
  for (let s: u32 = 0; s < NPS; s++) kobject.unref(pioSpace(s).hdr);
  kobject.reap();
  for (let k: u32 = 0; k < NSP * M; k++) mObj[k] = 0;
  for (let k: u32 = 0; k < NPS * MP; k++) pPerm[k] = 0;
  let left: u32 = 0;
  for (let i: u32 = 0; i < NOBJ; i++)
    if (objs[i] !== 0) {
      assert(destroyed[i] === 1, "test: object not destroyed at teardown");
      left++;
    }
  assert(mdb.nodes() === 0 && kobject.liveObjects() === 0, "test: nodes or objects left");
  capheap.checkAllBack();
  log(
    `mdb: spaces dropped: their ${left} remaining objects destroyed, every node, table page and object given back`,
  );
}
