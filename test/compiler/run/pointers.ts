// Ptr<T> over fixed arrays: load/store/get/set/add, volatile access,
// ptrCast between element types, ptrToVirt/ptrFromVirt round trips,
// nullable pointers, pointers in struct fields and as parameters.
// expect-out: load 10 get(3) 13 after store 99 set(4) 44
// expect-out: add(2).load 12, add(1).get(2) 13, array now 99 11 12 13 44 15 16 17
// expect-out: volatile read 44, after volatile write 77
// expect-out: bytes of 0x11223344: 0x44 0x33 0x22 0x11
// expect-out: u16 view of u32 0xaabbccdd: 0xccdd 0xaabb
// expect-out: wrote u64 through u8 buffer: 0x8877665544332211
// expect-out: virt distance 24, round trip equal true
// expect-out: nullable null true, then set 5
// expect-out: cursor walked 3 elements sum 36
// expect-out: struct overlay a 0x1 b 0x2
// expect-out: struct bytes through ptrFromVirt: 0x1 0x0 0x2, pair.b now 0x302

const words = array<u32, 8>();
const raw = array<u8, 16>();

class Cursor {
  at: Ptr<u32>;
  left: usize;

  next(): u32 {
    const v = this.at.load();
    this.at = this.at.add(1);
    this.left--;
    return v;
  }
}

class Pair {
  a: u32;
  b: u32;
}

function fill(p: Ptr<u32>, n: usize, base: u32): void {
  for (let i: usize = 0; i < n; i++) p.set(i, base + u32(i));
}

function firstOrZero(p: Ptr<u32> | null): u32 {
  if (p === null) return 0;
  return p.load();
}

export function main(): void {
  const p = arrayPtr(words);
  fill(p, words.length, 10);
  const first = p.load();
  const third = p.get(3);
  p.store(99);
  p.add(4).store(44);
  log(`load ${first} get(3) ${third} after store ${words[0]} set(4) ${p.get(4)}`);
  log(
    `add(2).load ${p.add(2).load()}, add(1).get(2) ${p.add(1).get(2)}, array now ${words[0]} ${words[1]} ${words[2]} ${words[3]} ${words[4]} ${words[5]} ${words[6]} ${words[7]}`,
  );

  const reg = p.add(4);
  const seen = reg.loadVolatile();
  reg.storeVolatile(77);
  log(`volatile read ${seen}, after volatile write ${words[4]}`);

  const one = array<u32, 1>();
  one[0] = 0x11223344;
  const b = ptrCast<u8>(arrayPtr(one));
  log(`bytes of 0x11223344: ${hex(b.get(0))} ${hex(b.get(1))} ${hex(b.get(2))} ${hex(b.get(3))}`);
  one[0] = 0xaabbccdd;
  const h = ptrCast<u16>(arrayPtr(one));
  log(`u16 view of u32 0xaabbccdd: ${hex(h.load())} ${hex(h.add(1).load())}`);

  const bp = arrayPtr(raw);
  for (let i: usize = 0; i < 8; i++) bp.set(i + 8, u8(0x11 * (i + 1)));
  const q = ptrCast<u64>(bp.add(8));
  log(`wrote u64 through u8 buffer: ${hex(q.load())}`);

  const va = ptrToVirt(p);
  const vb = ptrToVirt(p.add(6));
  const back = ptrFromVirt<u32>(va);
  log(`virt distance ${vb - va}, round trip equal ${back === p && ptrToVirt(back) === va}`);

  let maybe: Ptr<u32> | null = null;
  const wasNull = maybe === null;
  log(
    `nullable null ${wasNull && firstOrZero(maybe) === 0}, then set ${firstOrZero(ptrCast<u32>(arrayPtr(words)).add(5)) - 10}`,
  );
  maybe = p;

  const c = new Cursor();
  c.at = maybe.add(1);
  c.left = 3;
  let sum: u32 = 0;
  while (c.left > 0) sum += c.next();
  log(`cursor walked 3 elements sum ${sum}`);

  const cells = array<u32, 2>();
  cells[0] = 1;
  cells[1] = 2;
  const pair = structAt<Pair>(ptrToVirt(arrayPtr(cells)));
  log(`struct overlay a ${hex(pair.a)} b ${hex(pair.b)}`);
  const pb = ptrFromVirt<u8>(structAddress(pair));
  pb.set(5, 3);
  log(
    `struct bytes through ptrFromVirt: ${hex(pb.get(0))} ${hex(pb.get(1))} ${hex(pb.get(4))}, pair.b now ${hex(pair.b)}`,
  );
}
