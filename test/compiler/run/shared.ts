// Atomic<T> (every operation, on globals and struct fields) and perCpu.
// expect-out: load 5 add->5 now 8 sub->8 now 6
// expect-out: and->6 now 4 or->4 now 5 exchange->5 now 40
// expect-out: cas 40->41 true, stale cas false, value 41
// expect-out: u64 atomic 0x100000000 flag true
// expect-out: field refs 3 after drop 2
// expect-out: percpu 7 -> 8, cpu id 0 -> 3
// expect-out: atomic bool true -> false, cas bool true
// expect-out: lock-free stack 3 2 1, popped 3 left 2

const counter = atomic<u32>(5);
const big = atomic<u64>(0xffff_ffff);
const ready: Atomic<bool> = atomic(false);
const depth = perCpu<u32>(7);
const cpuId: PerCpu<u16> = perCpu(0);

const top = atomic<Obj | null>(null);

class Obj {
  refs: Atomic<u32>;
  id: u32;
  next: Obj | null;

  get(): void {
    this.refs.add(1);
  }

  drop(): bool {
    return this.refs.sub(1) === 1;
  }
}

function push(o: Obj): void {
  for (;;) {
    const old = top.load();
    o.next = old;
    if (top.compareExchange(old, o)) return;
  }
}

function pop(): Obj | null {
  for (;;) {
    const old = top.load();
    if (old === null) return null;
    if (top.compareExchange(old, old.next)) return old;
  }
}

export function main(): void {
  const a = counter.load();
  const b = counter.add(3);
  const c = counter.load();
  const d = counter.sub(2);
  log(`load ${a} add->${b} now ${c} sub->${d} now ${counter.load()}`);
  const e = counter.and(0b100);
  const f = counter.load();
  const g = counter.or(1);
  const h = counter.load();
  const i = counter.exchange(40);
  log(`and->${e} now ${f} or->${g} now ${h} exchange->${i} now ${counter.load()}`);
  const ok = counter.compareExchange(40, 41);
  const stale = counter.compareExchange(40, 99);
  log(`cas 40->41 ${ok}, stale cas ${stale}, value ${counter.load()}`);

  big.add(1);
  ready.store(true);
  log(`u64 atomic ${hex(big.load())} flag ${ready.load()}`);

  const o = new Obj();
  o.get();
  o.get();
  o.refs.add(1);
  const last = o.drop();
  log(`field refs 3 after drop ${o.refs.load()}${last ? " (last)" : ""}`);

  const before = depth.get();
  depth.set(depth.get() + 1);
  const id0 = cpuId.get();
  cpuId.set(3);
  log(`percpu ${before} -> ${depth.get()}, cpu id ${id0} -> ${cpuId.get()}`);

  const was = ready.exchange(false);
  log(`atomic bool ${was} -> ${ready.load()}, cas bool ${ready.compareExchange(false, true)}`);

  for (let n: u32 = 1; n <= 3; n++) {
    const x = new Obj();
    x.id = n;
    push(x);
  }
  const t = top.load()!;
  log(
    `lock-free stack ${t.id} ${t.next!.id} ${t.next!.next!.id}, popped ${pop()!.id} left ${top.load()!.id}`,
  );
}
