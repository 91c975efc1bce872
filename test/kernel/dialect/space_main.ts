// Host unit test of kernel-ts/space_obj.ts (the object space and its sparse
// radix table) and kernel-ts/space_pio.ts (ports and the I/O bitmap), without
// the mapping database (slots get made-up node words); test/kernel/space.test.ts
// builds it with gcc and clang under ASan+UBSan and runs `main(mode)`. Mode 0
// is the test; modes 1-4 each misuse a space once and must panic.

import * as capability from "../../../kernel-ts/capability.ts";
import { Perm_pio } from "../../../abi/perms.ts";
import { PIO_PORTS, SELNUM } from "../../../abi/selectors.ts";
import { Status } from "../../../abi/status.ts";
import { Kind } from "../../../kernel-ts/capability.ts";
import * as kobject from "../../../kernel-ts/kobject.ts";
import { KObject } from "../../../kernel-ts/kobject.ts";
import { Space_obj } from "../../../kernel-ts/space_obj.ts";
import { Space_pio } from "../../../kernel-ts/space_pio.ts";
import * as capheap from "./capheap.ts";
import * as random from "./random.ts";

const OPS: u32 = 40_000;
/** The random test's selectors: 8 windows of 512 spread over the space (crossing leaves). */
const WINDOWS: u64 = 8;
const WINDOW: u64 = 512;

class TestObj {
  hdr: Inline<KObject>;
  id: u32;
}

class Counts {
  destroyed: u32;
}
const counts = new Counts();

/** Expected capability per modelled selector. */
const model = array<u64, 4096>();

function destroyTestObj(o: KObject): void {
  counts.destroyed++;
  kobject.freeObject(o, sizeof<TestObj>());
}

function newObj(kind: u32): TestObj {
  const va = kobject.allocObject(sizeof<TestObj>());
  assert(u64(va) !== 0, "test: out of memory");
  const t = structAt<TestObj>(va);
  kobject.initObject(t.hdr, kind, destroyTestObj);
  return t;
}

/** A space's destroy when the test drops it: it must be empty by then. */
function destroySpace(o: KObject): void {
  structAt<Space_obj>(structAddress(o)).free();
}

function destroyPio(o: KObject): void {
  structAt<Space_pio>(structAddress(o)).free();
}

function selOf(m: u64): u64 {
  const w = m / WINDOW;
  // windows at 0, then spread up to the last selectors (SELNUM - WINDOW)
  const base = w === WINDOWS - 1 ? SELNUM - WINDOW : w * 0x7f00 + 0x80;
  return base + (m % WINDOW);
}

function objSpaceTest(): void {
  const sp = Space_obj.create(destroySpace);
  assert(sp !== null, "test: space");
  if (sp === null) return;
  kobject.ref(sp.hdr);
  assert(kobject.liveAllocations() === 1, "test: a fresh space holds only its object");
  for (let s: u64 = 0; s < SELNUM; s++)
    assert(sp.lookup(s) === capability.CAP0, "test: fresh space not empty");
  assert(sp.lookup(SELNUM) === 0 && sp.lookup(u64.MAX) === 0, "test: out of range not CAP0");
  log(`space: a fresh object space is CAP0 at all ${SELNUM} selectors and holds no table`);

  const a = newObj(Kind.SM);
  const cap = capability.make(structAddress(a.hdr), 0x3);
  assert(sp.insert(0, cap, 1) === Status.SUCCESS, "test: insert 0");
  assert(sp.insert(SELNUM - 1, cap, 1) === Status.SUCCESS, "test: insert top");
  assert(sp.table.leaves === 2 && kobject.liveAllocations() === 5, "test: root and two leaves");
  assert(sp.insert(0, capability.make(structAddress(a.hdr), 0x1), 1) === Status.BAD_CAP, "BAD_CAP");
  assert(sp.insert(SELNUM, cap, 1) === Status.BAD_PAR, "test: BAD_PAR");
  assert(sp.insert(u64(1) << 63, cap, 1) === Status.BAD_PAR, "test: BAD_PAR high");
  assert(kobject.refs(a.hdr) === 2, "test: refs after statuses");
  kobject.failAfter(1);
  assert(sp.insert(0x1234, cap, 1) === Status.MEM_CAP, "test: MEM_CAP");
  assert(sp.lookup(0x1234) === 0 && kobject.refs(a.hdr) === 2, "test: MEM_CAP changed nothing");
  assert(sp.insert(0x1234, cap, 1) === Status.SUCCESS, "test: insert after MEM_CAP");
  log(
    "space: insert into an occupied slot is BAD_CAP, beyond SELNUM BAD_PAR, without table memory MEM_CAP",
  );
  sp.remove(0x1234);
  sp.remove(0);
  assert(kobject.refs(a.hdr) === 1 && counts.destroyed === 0, "test: refs after removes");
  sp.remove(SELNUM - 1);
  kobject.reap();
  assert(counts.destroyed === 1, "test: object destroyed with its last capability");
  assert(sp.table.leaves === 0 && kobject.liveAllocations() === 1, "test: leaves and root freed");

  // Random inserts and removes over windows of selectors, against a flat model.
  const objs = array<u64, 16>();
  for (let i: usize = 0; i < 16; i++) {
    const o = newObj(i % 2 === 0 ? Kind.PT : Kind.EC);
    kobject.ref(o.hdr); // the test's own reference keeps it alive
    objs[i] = u64(structAddress(o.hdr));
  }
  let inserts: u32 = 0;
  let removes: u32 = 0;
  let busy: u32 = 0;
  let maxLeaves: u64 = 0;
  for (let op: u32 = 1; op <= OPS; op++) {
    const m = random.next() % (WINDOWS * WINDOW);
    const sel = selOf(m);
    if (random.next() % 100 < 60) {
      const o = objs[usize(random.next() % 16)];
      const k = structAt<KObject>(virt(o)).kind;
      const p =
        u32(1 + (random.next() % u64(capability.definedPerms(k)))) & capability.definedPerms(k);
      const c = capability.make(virt(o), p === 0 ? 1 : p);
      const st = sp.insert(sel, c, 1);
      if (model[usize(m)] !== 0) {
        assert(st === Status.BAD_CAP, "test: occupied insert not BAD_CAP");
        busy++;
      } else {
        assert(st === Status.SUCCESS, "test: insert failed");
        model[usize(m)] = c;
        inserts++;
      }
    } else if (model[usize(m)] !== 0) {
      assert(sp.remove(sel) === model[usize(m)], "test: remove returned another capability");
      model[usize(m)] = 0;
      removes++;
    }
    assert(sp.lookup(sel) === model[usize(m)], "test: lookup differs from the model");
    if (sp.table.leaves > maxLeaves) maxLeaves = sp.table.leaves;
    if (op % 2000 === 0) {
      let used: u64 = 0;
      for (let i: u64 = 0; i < WINDOWS * WINDOW; i++) {
        assert(sp.lookup(selOf(i)) === model[usize(i)], "test: table differs from the model");
        if (model[usize(i)] !== 0) used++;
      }
      assert(sp.table.check() === used, "test: used count");
      // leaves: one per 256-selector block holding a capability
      const seen = array<u8, 1024>();
      let leaves: u64 = 0;
      for (let i: u64 = 0; i < WINDOWS * WINDOW; i++) {
        const l = usize(selOf(i) >> 8);
        if (model[usize(i)] !== 0 && seen[l] === 0) {
          seen[l] = 1;
          leaves++;
        }
      }
      assert(sp.table.leaves === leaves, "test: leaves not freed when empty");
      for (let i: usize = 0; i < 16; i++) {
        let n: u64 = 1;
        for (let j: usize = 0; j < usize(WINDOWS * WINDOW); j++)
          if (capability.object(model[j]) === virt(objs[i])) n++;
        assert(kobject.refs(structAt<KObject>(virt(objs[i]))) === n, "test: reference counts");
      }
    }
  }
  log(
    `space: ${OPS} random operations (${inserts} inserts, ${busy} BAD_CAP, ${removes} removes), lookups, counts, references and leaves match the model, at most ${maxLeaves} leaves`,
  );
  for (let i: u64 = 0; i < WINDOWS * WINDOW; i++)
    if (model[usize(i)] !== 0) {
      sp.remove(selOf(i));
      model[usize(i)] = 0;
    }
  assert(sp.table.leaves === 0 && sp.table.used === 0, "test: emptied");
  for (let i: usize = 0; i < 16; i++) kobject.unref(structAt<KObject>(virt(objs[i])));
  kobject.unref(sp.hdr);
  kobject.reap();
  assert(counts.destroyed === 17, "test: every object destroyed");
}

function pioSpaceTest(): void {
  const sp = Space_pio.create(destroyPio);
  assert(sp !== null, "test: pio space");
  if (sp === null) return;
  kobject.ref(sp.hdr);
  for (let p: u64 = 0; p < PIO_PORTS; p++)
    assert(!sp.allowed(p) && sp.lookup(p) === 0, "test: fresh PIO space allows a port");
  assert((u64(sp.bitmap) & 0xfff) === 0, "test: bitmap not page aligned");
  const ports = array<u64, 6>();
  ports[0] = 0;
  ports[1] = 0x3f8;
  ports[2] = 0x3ff;
  ports[3] = 0x400;
  ports[4] = 0xcf8;
  ports[5] = 0xffff;
  for (let i: usize = 0; i < 6; i++)
    assert(sp.insert(ports[i], Perm_pio.A, 1) === Status.SUCCESS, "test: pio insert");
  assert(sp.insert(0x3f8, Perm_pio.A, 1) === Status.BAD_CAP, "test: pio BAD_CAP");
  assert(sp.insert(PIO_PORTS, Perm_pio.A, 1) === Status.BAD_PAR, "test: pio BAD_PAR");
  let allowed: u32 = 0;
  for (let p: u64 = 0; p < PIO_PORTS; p++) if (sp.allowed(p)) allowed++;
  assert(allowed === 6, "test: exactly the inserted ports allowed");
  const bm = ptrFromVirt<u8>(sp.bitmap);
  assert(
    bm.get(0x7f) === 0x7e && bm.get(0x1fff) === 0x7f && bm.get(0) === 0xfe,
    "test: bitmap bits",
  );
  assert(bm.get(0x80) === 0xfe && bm.get(0x19f) === 0xfe, "test: bitmap bits 0x400/0xcf8");
  assert(sp.table.leaves === 5, "test: pio leaves");
  for (let i: usize = 0; i < 6; i++) sp.remove(ports[i]);
  for (let p: u64 = 0; p < PIO_PORTS; p++)
    assert(!sp.allowed(p), "test: a removed port stays allowed");
  assert(sp.table.leaves === 0, "test: pio leaves freed");
  log(
    "space: PIO ports: 8 KiB I/O bitmap, all denied, exactly the ports with A allowed, BAD_CAP and BAD_PAR",
  );
  kobject.unref(sp.hdr);
  kobject.reap();
}

function misuse(mode: u32): void {
  const sp = Space_obj.create(destroySpace);
  const pio = Space_pio.create(destroyPio);
  if (sp === null || pio === null) return;
  const sc = newObj(Kind.SC);
  if (mode === 1) {
    sp.insert(5, capability.make(structAddress(sc.hdr), 0x2), 1); // SC defines only CTRL
  } else if (mode === 2) {
    pio.insert(0x60, 0x2, 1); // PIO defines only A
  } else if (mode === 3) {
    sp.insert(5, capability.make(structAddress(sc.hdr), 0x1), 1);
    sp.free(); // with a capability in it
  } else if (mode === 4) {
    sp.remove(7); // an empty slot
  }
  log(`test: misuse ${mode} was not caught`);
}

export function main(mode: u32): void {
  capheap.setup();
  if (mode !== 0) {
    misuse(mode);
    return;
  }
  objSpaceTest();
  pioSpaceTest();
  assert(kobject.liveObjects() === 0, "test: objects alive");
  capheap.checkAllBack();
  log("space: every object, table page and bitmap given back");
}
