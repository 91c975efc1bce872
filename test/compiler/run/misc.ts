// Odds and ends: enum-typed values, methods returning `this` (chaining),
// empty structs, bucket arrays of nullable pointers in a struct, Arr<u8>
// parameters as strings, extreme literals, shifts by run-time counts of
// other types, per-CPU struct pointers, locals named like C types.
// expect-out: enum-typed 5 name serial, default 0 name none
// expect-out: chained sum 6 count 3
// expect-out: empty struct size 1, its method 7
// expect-out: buckets 2 in 1, 1 in 3, empty 0: true
// expect-out: name from bytes: kts, length 3
// expect-out: extremes -9223372036854775808 true 0xffffffffffffffff
// expect-out: runtime shifts 256 4 0x80000000 2
// expect-out: per-cpu current null true, then id 9
// expect-out: locals named like C types 7 8 9

enum Kind {
  NONE,
  TIMER = 4,
  SERIAL,
}

function kindName(k: Kind): str {
  switch (k) {
    case Kind.TIMER:
      return "timer";
    case Kind.SERIAL:
      return "serial";
    default:
      return "none";
  }
}

class Builder {
  sum: u32;
  count: u32;

  add(v: u32): Builder {
    this.sum += v;
    this.count++;
    return this;
  }
}

class Empty {
  seven(): u32 {
    return 7;
  }
}

class Entry {
  key: u32;
  next: Entry | null;
}

class Table {
  buckets: Arr<Entry | null, 4>;

  insert(key: u32): void {
    const e = new Entry();
    e.key = key;
    const b = usize(key % 4);
    e.next = this.buckets[b];
    this.buckets[b] = e;
  }

  chain(b: usize): u32 {
    let n: u32 = 0;
    for (let e = this.buckets[b]; e !== null; e = e.next) n++;
    return n;
  }
}

class Cpu {
  id: u32;
}

const current = perCpu<Cpu | null>(null);

function name(bytes: Arr<u8, number>): str {
  return strFromBytes(bytes);
}

function length(bytes: Arr<u8, number>): usize {
  let n: usize = 0;
  while (bytes[n] !== 0) n++;
  return n;
}

export function main(): void {
  let k: Kind = Kind.SERIAL;
  const first = k;
  const firstName = kindName(k);
  k = Kind.NONE;
  log(`enum-typed ${first} name ${firstName}, default ${k} name ${kindName(k)}`);

  const b = new Builder();
  b.add(1).add(2).add(3);
  log(`chained sum ${b.sum} count ${b.count}`);

  const e = new Empty();
  log(`empty struct size ${sizeof<Empty>()}, its method ${e.seven()}`);

  const t = new Table();
  t.insert(1);
  t.insert(5);
  t.insert(3);
  log(`buckets ${t.chain(1)} in 1, ${t.chain(3)} in 3, empty 0: ${t.buckets[0] === null}`);

  const bytes = array<u8, 8>();
  bytes[0] = 0x6b;
  bytes[1] = 0x74;
  bytes[2] = 0x73;
  log(`name from bytes: ${name(bytes)}, length ${length(bytes)}`);

  const min: i64 = -9223372036854775808;
  const max: u64 = 0xffff_ffff_ffff_ffff;
  log(`extremes ${min} ${min === i64.MIN} ${hex(max)}`);

  const n8: u8 = 8;
  const n64: u64 = 2;
  let x: u32 = 1;
  x <<= n8;
  let y: u64 = 16;
  y >>= n64;
  const s: i16 = 31;
  const top: u32 = 1;
  const neg: i32 = -8;
  const two: u16 = 2;
  log(`runtime shifts ${x} ${y} ${hex(top << s)} ${-(neg >> two)}`);

  const none = current.get() === null;
  const c = new Cpu();
  c.id = 9;
  current.set(c);
  const cur = current.get();
  log(`per-cpu current null ${none}, then id ${cur === null ? 0 : cur.id}`);

  const uint32_t: u64 = 7;
  const phys_t = u32(uint32_t) + 1;
  const size_t: u8 = 9;
  log(`locals named like C types ${u32(uint32_t)} ${phys_t} ${size_t}`);
}
