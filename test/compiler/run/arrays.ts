// Arr<T, N> as fields, globals and locals; Arr<T, number> parameters; arrays
// of struct pointers and of function pointers; .length; zero-fill.
// expect-out: global 0 0 -> 1 4 9 16 25 36 49 64
// expect-out: local sum 204, max 64 at 7
// expect-out: reversed 64 49 36 25 16 9 4 1
// expect-out: field ring: 10 11 12 13 head 4 full true
// expect-out: bytes 0x41 0x42 0x43 len 3 as str ABC
// expect-out: nodes 100 101 102 null at 3 true
// expect-out: ops 5 6 50
// expect-out: signed -3 -2 -1 0 1 min -3
// expect-out: matrix diagonal 0 5 10 15

const squares = array<u32, 8>();
let calls: u32 = 0;

class Ring {
  slots: Arr<u32, 4>;
  head: usize;

  put(v: u32): bool {
    if (this.head >= this.slots.length) return false;
    this.slots[this.head] = v;
    this.head++;
    return true;
  }
}

class Item {
  id: u32;
}

function sum(a: Arr<u32, number>, n: usize): u32 {
  calls++;
  let s: u32 = 0;
  for (let i: usize = 0; i < n; i++) s += a[i];
  return s;
}

function maxAt(a: Arr<u32, number>, n: usize): usize {
  let best: usize = 0;
  for (let i: usize = 1; i < n; i++) if (a[i] > a[best]) best = i;
  return best;
}

function reverse(a: Arr<u32, number>, n: usize): void {
  for (let i: usize = 0; i < n / 2; i++) {
    const t = a[i];
    a[i] = a[n - 1 - i];
    a[n - 1 - i] = t;
  }
}

function add(a: u32, b: u32): u32 {
  return a + b;
}
function mul(a: u32, b: u32): u32 {
  return a * b;
}

export function main(): void {
  for (let i: usize = 0; i < squares.length; i++) squares[i] = u32(i + 1) * u32(i + 1);
  log(
    `global 0 0 -> ${squares[0]} ${squares[1]} ${squares[2]} ${squares[3]} ${squares[4]} ${squares[5]} ${squares[6]} ${squares[7]}`,
  );
  const local = array<u32, 8>();
  for (let i: usize = 0; i < local.length; i++) local[i] = squares[i];
  const m = maxAt(local, local.length);
  log(`local sum ${sum(local, local.length)}, max ${local[m]} at ${m}`);
  reverse(local, 8);
  log(
    `reversed ${local[0]} ${local[1]} ${local[2]} ${local[3]} ${local[4]} ${local[5]} ${local[6]} ${local[7]}`,
  );

  const r = new Ring();
  let v: u32 = 10;
  while (r.put(v)) v++;
  log(
    `field ring: ${r.slots[0]} ${r.slots[1]} ${r.slots[2]} ${r.slots[3]} head ${r.head} full ${!r.put(0)}`,
  );

  const bytes = array<u8, 4>();
  bytes[0] = 0x41;
  bytes[1] = 0x42;
  bytes[2] = 0x43;
  let len: usize = 0;
  while (bytes[len] !== 0) len++;
  log(
    `bytes ${hex(bytes[0])} ${hex(bytes[1])} ${hex(bytes[2])} len ${len} as str ${strFromBytes(bytes)}`,
  );

  const nodes = array<Item | null, 4>();
  for (let i: usize = 0; i < 3; i++) {
    const it = new Item();
    it.id = 100 + u32(i);
    nodes[i] = it;
  }
  log(`nodes ${nodes[0]!.id} ${nodes[1]!.id} ${nodes[2]!.id} null at 3 ${nodes[3] === null}`);

  const ops = array<(a: u32, b: u32) => u32, 2>();
  ops[0] = add;
  ops[1] = mul;
  log(`ops ${ops[0](2, 3)} ${ops[1](2, 3)} ${ops[1](ops[0](2, 3), 10)}`);

  const s = array<i32, 5>();
  let mn: i32 = i32.MAX;
  for (let i: usize = 0; i < 5; i++) {
    s[i] = i32(i) - 3;
    if (s[i] < mn) mn = s[i];
  }
  log(`signed ${s[0]} ${s[1]} ${s[2]} ${s[3]} ${s[4]} min ${mn}`);

  const grid = array<u8, 16>();
  for (let y: usize = 0; y < 4; y++)
    for (let x: usize = 0; x < 4; x++) grid[y * 4 + x] = u8(y * 4 + x);
  log(`matrix diagonal ${grid[0]} ${grid[5]} ${grid[10]} ${grid[15]}`);
  assert(calls === 1);
}
