// Structs with instance and static methods, `this`, nullable pointers and a
// linked list built with `new`.
// expect-out: counter 3 step 2
// expect-out: counter 13
// expect-out: empty list: len 0 sum 0 head? false
// expect-out: list 4 3 2 1: len 4 sum 10
// expect-out: find 3: true value 3
// expect-out: find 9: false
// expect-out: reversed: 1 2 3 4
// expect-out: removed 2: 1 3 4
// expect-out: same object true, different false, null-equal true

class Counter {
  value: u32;
  step: u32;

  static create(step: u32): Counter {
    const c = new Counter();
    c.step = step;
    return c;
  }

  bump(): void {
    this.value += this.step;
  }

  bumpTimes(n: u32): u32 {
    for (let i: u32 = 0; i < n; i++) this.bump();
    return this.value;
  }
}

class Node {
  value: u32;
  next: Node | null;
}

class List {
  head: Node | null;
  count: u32;

  push(v: u32): void {
    const n = new Node();
    n.value = v;
    n.next = this.head;
    this.head = n;
    this.count++;
  }

  len(): u32 {
    let n: u32 = 0;
    for (let p = this.head; p !== null; p = p.next) n++;
    return n;
  }

  sum(): u32 {
    let s: u32 = 0;
    let p = this.head;
    while (p !== null) {
      s += p.value;
      p = p.next;
    }
    return s;
  }

  find(v: u32): Node | null {
    for (let p = this.head; p !== null; p = p.next) {
      if (p.value === v) return p;
    }
    return null;
  }

  reverse(): void {
    let prev: Node | null = null;
    let cur = this.head;
    while (cur !== null) {
      const next = cur.next;
      cur.next = prev;
      prev = cur;
      cur = next;
    }
    this.head = prev;
  }

  remove(v: u32): bool {
    let prev: Node | null = null;
    for (let p = this.head; p !== null; p = p.next) {
      if (p.value === v) {
        if (prev === null) this.head = p.next;
        else prev.next = p.next;
        this.count--;
        return true;
      }
      prev = p;
    }
    return false;
  }

  static empty(): List {
    return new List();
  }
}

function show(l: List): void {
  // Four values at most in these tests.
  const a = l.head!;
  const b = a.next!;
  const c = b.next!;
  if (c.next === null) {
    log(`removed 2: ${a.value} ${b.value} ${c.value}`);
    return;
  }
  log(`reversed: ${a.value} ${b.value} ${c.value} ${c.next.value}`);
}

export function main(): void {
  const c = Counter.create(2);
  c.bump();
  c.value += 1;
  log(`counter ${c.value} step ${c.step}`);
  log(`counter ${c.bumpTimes(5)}`);

  const l = List.empty();
  log(`empty list: len ${l.len()} sum ${l.sum()} head? ${l.head !== null}`);
  for (let i: u32 = 1; i <= 4; i++) l.push(i);
  log(`list 4 3 2 1: len ${l.len()} sum ${l.sum()}`);
  const f = l.find(3);
  if (f !== null) log(`find 3: ${f !== null} value ${f.value}`);
  log(`find 9: ${l.find(9) !== null}`);
  l.reverse();
  show(l);
  const removed = l.remove(2);
  assert(removed && l.count === 3);
  show(l);

  const other = new Node();
  const none: Node | null = null;
  log(
    `same object ${l.head === l.head}, different ${l.head === other}, null-equal ${none === null}`,
  );
}
