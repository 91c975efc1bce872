// The common header of every kernel object a capability can name (PD, the
// spaces, EC, SC, PT, SM): its kind, a reference count and its destroy
// function. Each object class starts with `hdr: Inline<KObject>`, so the
// object's address is the header's address and a capability word
// (capability.ts) names both.
//
// References: every capability naming the object holds one (the mapping
// database takes and drops them as capabilities appear and go); the kernel
// may hold more while it uses an object (a PD holds its spaces). When the
// count drops to zero the object is put on the dead list, and reap() destroys
// it: never in the middle of the operation that dropped the reference, so a
// destroy function (a space removing all its capabilities, which may drop
// other objects to zero) never runs nested inside another one, and the kernel
// stack stays flat however long the chain of dying objects is.
//
// Memory for objects, capability tables and mapping-database nodes comes
// from the kernel's slab heap (slab.ts `heap`), called directly so that a
// creation's size class is a constant, and is counted here, so a test can
// check that everything is given back. failAfter() makes one future
// allocation fail, for the tests of the out-of-memory paths.

import { OBJ_ALIGN } from "./capability.ts";
import * as hazard from "./hazard.ts";
import { Hazard } from "./hazard.ts";
import { heap } from "./slab.ts";

/** Destroys an object whose last reference went: releases what it holds and frees it. */
export type Destroy = (o: KObject) => void;

export class KObject {
  kind: u32;
  /** Set once destroy() ran (a second destroy is a kernel bug). */
  dead: u32;
  refs: Atomic<u64>;
  destroy: Destroy;
  /** Next on the dead list. */
  nextDead: KObject | null;
}

class Allocator {
  /** 0: nothing planned; n: the n-th allocation from now fails (failAfter). */
  failIn: u64;
  /** Allocations and bytes outstanding. */
  live: u64;
  bytes: u64;
  /** Objects created and destroyed through this module. */
  created: u64;
  destroyed: u64;
  /**
   * Objects whose count reached zero, waiting for reap(). Pushed with a
   * compare-exchange: the IPC fast path drops references without the global
   * lock (klock.ts); reap() runs only with it.
   */
  deadList: Atomic<KObject | null>;
}

const allocator = new Allocator();

/** The n-th allocation from now (n ≥ 1) returns virt(0), as if memory were out. */
export function failAfter(n: u64): void {
  allocator.failIn = n;
}

/**
 * `size` zeroed bytes at `align`, counted, or virt(0) when memory is out.
 * @inline
 */
export function allocBytes(size: usize, align: usize): Virt {
  if (allocator.failIn !== 0) {
    allocator.failIn--;
    if (allocator.failIn === 0) return virt(0);
  }
  const va = heap.allocFolded(size, align);
  if (u64(va) === 0) return va;
  allocator.live++;
  allocator.bytes += u64(size);
  return va;
}

/** Gives back what allocBytes() returned. */
export function freeBytes(va: Virt, size: usize, align: usize): void {
  assert(
    allocator.live !== 0 && allocator.bytes >= u64(size),
    "kobject: free of memory never allocated",
  );
  allocator.live--;
  allocator.bytes -= u64(size);
  heap.free(va, size, align);
}

/** Allocations outstanding (objects, table pages, nodes). */
export function liveAllocations(): u64 {
  return allocator.live;
}

/** Bytes outstanding. */
export function liveBytes(): u64 {
  return allocator.bytes;
}

/** Objects created by initObject() and not yet destroyed. */
export function liveObjects(): u64 {
  return allocator.created - allocator.destroyed;
}

/**
 * Storage for an object of `size` bytes (header first), 32-byte aligned so a
 * capability word can carry permissions in its low bits; virt(0) when memory
 * is out (the hypercall layer answers MEM_OBJ). Inlined, so the slab class folds.
 * @inline
 */
export function allocObject(size: usize): Virt {
  return allocBytes(size, OBJ_ALIGN);
}

/** Frees storage from allocObject() (a destroy function's last step). */
export function freeObject(o: KObject, size: usize): void {
  assert(o.dead === 1, "kobject: object freed before it was destroyed");
  freeBytes(structAddress(o), size, OBJ_ALIGN);
}

/** Sets up a new object's header with no references yet. */
export function initObject(o: KObject, kind: u32, destroy: Destroy): void {
  o.kind = kind;
  o.destroy = destroy;
  // RELAXED: no other CPU knows the object before a capability to it is published (under the
  // kernel lock, whose release orders this store before it).
  o.refs.store(0, Order.RELAXED);
  allocator.created++;
}

/** Takes a reference. */
export function ref(o: KObject): void {
  assert(o.dead === 0, "kobject: reference to a destroyed object");
  o.refs.add(1);
}

/**
 * Drops a reference; at zero the object goes on the dead list for reap().
 * Dropping a reference that was never taken stops the kernel.
 */
export function unref(o: KObject): void {
  const before = o.refs.sub(1);
  if (before === 0) panic("kobject: reference count underflow");
  if (before === 1) toDeadList(o);
}

/**
 * ref() where no other CPU can change the count at the same time, so a plain load and store do,
 * no LOCK-prefixed add: on the slow path, whose holder of the kernel lock excludes every fast
 * path (klock.ts), or on a fast path for an object that only its own CPU's fast paths touch
 * (an EC: its call links, docs/smp.md).
 * @inline
 */
export function refUncontended(o: KObject): void {
  assert(o.dead === 0, "kobject: reference to a destroyed object");
  o.refs.store(o.refs.load(Order.RELAXED) + 1, Order.RELAXED);
}

/**
 * unref() of an object whose count is uncontended (refUncontended).
 * @inline
 */
export function unrefUncontended(o: KObject): void {
  const before = o.refs.load(Order.RELAXED);
  if (before === 0) panic("kobject: reference count underflow");
  o.refs.store(before - 1, Order.RELAXED);
  if (before === 1) toDeadList(o);
}

/** Puts `o`, whose count reached zero, on the dead list (fast paths of several CPUs may push at once). */
function toDeadList(o: KObject): void {
  for (;;) {
    const head = allocator.deadList.load();
    o.nextDead = head;
    if (allocator.deadList.compareExchange(head, o)) {
      hazard.raise(Hazard.REAP);
      return;
    }
  }
}

/** The number of references the object holds now. */
export function refs(o: KObject): u64 {
  return o.refs.load();
}

/**
 * Destroys every object on the dead list, and those their destruction drops
 * to zero, one after the other. The mapping database calls it at the end of
 * each operation; whoever else drops references calls it when done.
 */
export function reap(): void {
  // The common case, nothing to destroy, is one load of the hazard word where the caller is
  // (a small function, inlined); the loop stays out of line. Cleared first: an object that
  // goes on the list after the loop's last look raises it again.
  if (!hazard.has(Hazard.REAP)) return;
  hazard.clear(Hazard.REAP);
  reapAll();
}

function reapAll(): void {
  while (allocator.deadList.load() !== null) {
    let o = allocator.deadList.exchange(null);
    if (o === null) return;
    while (o !== null) {
      const next: KObject | null = o.nextDead;
      o.nextDead = null;
      destroyNow(o);
      o = next;
    }
  }
}

/** Runs the destroy function of an unreferenced object (reap() and tests only). */
export function destroyNow(o: KObject): void {
  assert(o.refs.load() === 0, "kobject: destroy of an object still referenced");
  assert(o.dead === 0, "kobject: object destroyed twice");
  o.dead = 1;
  allocator.destroyed++;
  o.destroy(o);
}
