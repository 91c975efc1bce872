// Function pointers: module-level variables, struct fields, parameters,
// return values, arrays of them, comparisons, and reassignment.
// expect-out: global double 42 -> triple 63
// expect-out: apply inc 11, apply twice-dec 8
// expect-out: device irq 3 handled 301, fallback 6
// expect-out: pick 0 = double: true, pick 1 = inc: true
// expect-out: pipeline 1 -> 8
// expect-out: signed op -7
// expect-out: void callback ran 2 times

type Op = (v: u32) => u32;
type Callback = () => void;

function double(v: u32): u32 {
  return v * 2;
}
function triple(v: u32): u32 {
  return v * 3;
}
function inc(v: u32): u32 {
  return v + 1;
}
function dec(v: u32): u32 {
  return v - 1;
}
function negate(v: i32): i32 {
  return -v;
}

let current: Op = double;
let ticks: u32 = 0;

function tick(): void {
  ticks++;
}

const onTick: Callback = tick;

class Device {
  irq: u8;
  handler: Op;
  next: Device | null;

  handle(v: u32): u32 {
    return this.handler(v) + u32(this.irq);
  }
}

function apply(f: Op, v: u32): u32 {
  return f(v);
}

function applyTwice(f: Op, v: u32): u32 {
  return f(f(v));
}

function pick(i: u32): Op {
  if (i === 0) return double;
  return inc;
}

function run(ops: Arr<Op, number>, n: usize, v: u32): u32 {
  let r = v;
  for (let i: usize = 0; i < n; i++) r = ops[i](r);
  return r;
}

export function main(): void {
  const a = current(21);
  current = triple;
  log(`global double ${a} -> triple ${current(21)}`);
  log(`apply inc ${apply(inc, 10)}, apply twice-dec ${applyTwice(dec, 10)}`);

  const d = new Device();
  d.irq = 3;
  d.handler = triple;
  const fb = new Device();
  fb.handler = pick(0);
  d.next = fb;
  log(`device irq ${d.irq} handled ${d.handle(99) + 1}, fallback ${d.next.handler(3)}`);
  log(
    `pick 0 = double: ${pick(0) === double}, pick 1 = inc: ${pick(1) === inc && pick(1) !== double}`,
  );

  const ops = array<Op, 3>();
  ops[0] = inc;
  ops[1] = double;
  ops[2] = pick(0);
  log(`pipeline 1 -> ${run(ops, ops.length, 1)}`);

  const s: (v: i32) => i32 = negate;
  log(`signed op ${s(7)}`);
  onTick();
  const cb = onTick;
  cb();
  log(`void callback ran ${ticks} times`);
}
