// expect-out: rsp0 4096 iomap 104
// expect-out: counter 3 (same object every call)
// expect-out: chain 7
// Module-level `new C()`: one zeroed object in static storage, shared by every use.

class Tss {
  rsp0: u64;
  iomap: u16;
}

class Counter {
  n: u32;
  next: Counter | null;

  bump(): u32 {
    this.n++;
    return this.n;
  }
}

const tss = new Tss();
let counter = new Counter();
const other = new Counter();

function touch(): u32 {
  return counter.bump();
}

export function main(): void {
  tss.rsp0 = 0x1000;
  tss.iomap = u16(sizeof<Tss>()) + 88;
  log(`rsp0 ${tss.rsp0} iomap ${tss.iomap}`);
  touch();
  touch();
  log(`counter ${touch()} (same object every call)`);
  other.n = 4;
  counter.next = other;
  counter = other;
  log(`chain ${counter.n + 3}`);
}
