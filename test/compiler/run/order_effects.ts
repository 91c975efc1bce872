// expect-out: log args: 2 3
// expect-out: binary 2, arguments 11 17 10201, compare false false
// expect-out: shift 4, division 0, address 11, atomic 0 5
// expect-out: elements 11 30, receiver 11, sum 21
// Left-to-right evaluation the other way round from order.ts: a call in an
// earlier operand or argument changes what a later one reads, which must be
// read after the call (`f(bump(), g)`: gcc reads `g` first unless the call is
// evaluated into a temporary before), in every position: binary operators,
// comparisons, call arguments, shift counts, divisors, address arithmetic,
// an atomic's operand, log arguments, an array's object before its index and
// a call returning the object before an index that reads what it changed.

class Box {
  v: u8;
  arr: Arr<u8, 4>;
  get(k: u8): u8 {
    return this.arr[k & 3] + k;
  }
}
let g: u8 = 0;
let w: u32 = 0;
const cnt = atomic<u32>(0);
let cur: Box | null = null;
const boxes = array<Box | null, 2>();
function bump(k: u8): u8 {
  g += k;
  return k;
}
function bumpw(k: u32): u32 {
  w += k;
  return k;
}
function two(a: u8, b: u8): u8 {
  return a * 10 + b;
}
function show(a: u8, b: u8, c: u8): u32 {
  return u32(a) * 10000 + u32(b) * 100 + u32(c);
}
function swap(): u8 {
  cur = boxes[1];
  return 1;
}
function pickBox(): Box {
  g = 3;
  return boxes[0]!;
}

export function main(): void {
  g = 1;
  log(`log args: ${bump(2)} ${g}`);
  g = 0;
  const a = bump(1) + g;
  g = 0;
  const b = two(bump(1), g);
  g = 0;
  const c = two(bump(2), ~g);
  g = 1;
  const sh = show(bump(1), g, bump(1));
  g = 0;
  const d = bump(1) < g;
  g = 200;
  const e = i16(bump(100)) < i16(g);
  log(`binary ${a}, arguments ${b} ${c} ${sh}, compare ${d} ${e}`);
  g = 1;
  const s = g << bump(2);
  g = 8;
  const q = bump(1) / g;
  w = 5;
  const p = phys(u64(bumpw(3))) + u64(w);
  w = 1;
  const old = cnt.add(bumpw(2) + w);
  log(`shift ${s}, division ${q}, address ${u64(p)}, atomic ${old} ${cnt.load()}`);
  boxes[0] = new Box();
  boxes[1] = new Box();
  boxes[0]!.arr[1] = 10;
  boxes[0]!.arr[3] = 30;
  boxes[1]!.arr[1] = 11;
  boxes[1]!.arr[2] = 12;
  g = 1;
  const e1 = boxes[g]!.arr[bump(1)];
  g = 1;
  const e2 = pickBox().arr[g];
  cur = boxes[0];
  const r = cur!.get(swap());
  g = 1;
  const sum = boxes[0]!.arr[g] + boxes[1]!.arr[bump(1)];
  log(`elements ${e1} ${e2}, receiver ${r}, sum ${sum}`);
}
