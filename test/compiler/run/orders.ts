// Atomic<T> with explicit memory orders: every operation with each order it
// allows (one thread: each gives the value the SEQ_CST one would).
// expect-out: load relaxed 5 acquire 5 seq_cst 5
// expect-out: store relaxed 1 release 2 seq_cst 3
// expect-out: add relaxed 3->4 acquire 4->5 release 5->6 acq_rel 6->7 seq_cst 7->8
// expect-out: sub 8->7 and 7->5 or 5->7 exchange 7->9
// expect-out: cas acq_rel true acquire/relaxed true release false relaxed true, value 13
// expect-out: flag true, owner 2, stale owner false

const counter = atomic<u32>(5);
const flag: Atomic<bool> = atomic(false);

class Lock {
  owner: Atomic<u32>;
}

export function main(): void {
  const r = counter.load(Order.RELAXED);
  const a = counter.load(Order.ACQUIRE);
  log(`load relaxed ${r} acquire ${a} seq_cst ${counter.load(Order.SEQ_CST)}`);

  counter.store(1, Order.RELAXED);
  const s1 = counter.load();
  counter.store(2, Order.RELEASE);
  const s2 = counter.load();
  counter.store(3, Order.SEQ_CST);
  log(`store relaxed ${s1} release ${s2} seq_cst ${counter.load()}`);

  const p1 = counter.add(1, Order.RELAXED);
  const p2 = counter.add(1, Order.ACQUIRE);
  const p3 = counter.add(1, Order.RELEASE);
  const p4 = counter.add(1, Order.ACQ_REL);
  const p5 = counter.add(1, Order.SEQ_CST);
  log(
    `add relaxed ${p1}->${p2} acquire ${p2}->${p3} release ${p3}->${p4} acq_rel ${p4}->${p5} seq_cst ${p5}->${counter.load()}`,
  );

  const q1 = counter.sub(1, Order.RELEASE);
  const q2 = counter.and(0b101, Order.ACQUIRE);
  const q3 = counter.or(0b010, Order.RELAXED);
  const q4 = counter.exchange(9, Order.ACQ_REL);
  log(`sub ${q1}->${q2} and ${q2}->${q3} or ${q3}->${q4} exchange ${q4}->${counter.load()}`);

  const c1 = counter.compareExchange(9, 10, Order.ACQ_REL);
  const c2 = counter.compareExchange(10, 11, Order.ACQUIRE, Order.RELAXED);
  const c3 = counter.compareExchange(10, 99, Order.RELEASE);
  const c4 = counter.compareExchange(11, 13, Order.RELAXED, Order.RELAXED);
  log(
    `cas acq_rel ${c1} acquire/relaxed ${c2} release ${c3} relaxed ${c4}, value ${counter.load(Order.ACQUIRE)}`,
  );

  // A flag published with a release store, read with an acquire load; a
  // lock word taken by compare-exchange (acquire) and given back (release).
  flag.store(true, Order.RELEASE);
  const l = new Lock();
  const took = l.owner.compareExchange(0, 2, Order.ACQUIRE, Order.RELAXED);
  const stale = l.owner.compareExchange(0, 3, Order.SEQ_CST, Order.ACQUIRE);
  log(
    `flag ${flag.load(Order.ACQUIRE)}, owner ${took ? l.owner.load(Order.RELAXED) : 0}, stale owner ${stale}`,
  );
  l.owner.store(0, Order.RELEASE);
}
