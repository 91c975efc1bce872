// `T | null` narrowed by control flow, as tsc narrows it: a checked variable
// or field is a `T` where null has been ruled out.
// expect-out: first 1, first of empty: none
// expect-out: last 3, count 3
// expect-out: head via field 1, ptr narrowed 42
// expect-out: reassigned after narrowing: null true
// expect-out: both branches null: true

class Node {
  value: u32;
  next: Node | null;
}

/** Both branches of ?: null: null, converted to the result's nullable type. */
function none(c: bool): Node | null {
  return c ? null : null;
}

class List {
  head: Node | null;

  first(): Node {
    if (this.head !== null) return this.head;
    panic("empty list");
  }
}

function firstOf(l: List): Node | null {
  const h = l.head;
  if (h === null) return null;
  const n: Node = h;
  return n;
}

function last(n: Node): Node {
  let cur: Node = n;
  while (cur.next !== null) cur = cur.next;
  return cur;
}

function count(n: Node | null): u32 {
  let c: u32 = 0;
  let p = n;
  while (p !== null) {
    c++;
    p = p.next;
  }
  return c;
}

function deref(p: Ptr<u32> | null): u32 {
  if (p === null) return 0;
  const q: Ptr<u32> = p;
  return q.load();
}

export function main(): void {
  const l = new List();
  const empty = firstOf(l);
  for (let v: u32 = 3; v >= 1; v--) {
    const n = new Node();
    n.value = v;
    n.next = l.head;
    l.head = n;
  }
  const f = firstOf(l);
  log(`first ${f === null ? 0 : f.value}, first of empty: ${empty === null ? "none" : "some"}`);
  log(`last ${last(l.first()).value}, count ${count(l.head)}`);
  const cell = array<u32, 1>();
  cell[0] = 42;
  log(`head via field ${l.first().value}, ptr narrowed ${deref(arrayPtr(cell))}`);
  let p: Node | null = l.head;
  if (p !== null) {
    const keep: Node = p;
    p = null;
    log(`reassigned after narrowing: null ${p === null && keep.value === 1}`);
  }
  log(`both branches null: ${none(true) === null}`);
}
