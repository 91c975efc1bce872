// Golden lowering sample: one of each construct, with the C it must become.

import * as util from "./util.ts";

export enum Kind {
  NONE,
  TIMER = 4,
  SERIAL,
}

export class Node {
  kind: u32;
  prio: u8;
  next: Node | null;
  refs: Atomic<u32>;
}

class Frame {
  tag: u16;
  base: u64;
}
layout(Frame, { packed: true, size: 10, offsets: { tag: 0, base: 2 } });

export class Holder {
  frame: Inline<Frame>;
  slots: Arr<u32, 4>;
}

const PAGE: u64 = 1 << 12;
const MASK: u64 = ~0xfff;
let ticks: u64 = 0;
const table = array<u8, 16>();
const current = perCpu<u32>(0);
const users = atomic<u32>(0);

export function wrap8(a: u8, b: u8): u8 {
  return a + b * 3;
}

export function mix(a: i32, b: i32, n: u32): i32 {
  const q = a / b;
  const r = a % 7;
  return (q << n) + (r >> 1) - -a;
}

export function widen(x: u32, y: u16): u64 {
  return u64(x) * y + PAGE;
}

export function align(pa: Phys): Phys {
  return (pa + PAGE - 1) & MASK;
}

export function classify(k: u32): u32 {
  switch (k) {
    case Kind.TIMER:
      return 1;
    case Kind.SERIAL: {
      const v: u32 = 2;
      return v;
    }
    default:
      return 0;
  }
}

export function walk(n: Node | null, i: usize): u32 {
  let count: u32 = 0;
  for (let p = n; p !== null; p = p.next) {
    count++;
    p.refs.add(1);
  }
  table[i] = u8(count);
  ticks += 1;
  current.set(count);
  users.store(current.get());
  assert(count < 1000, "runaway list");
  log(`walk: ${count} nodes, ticks ${ticks}, first ${hex(table[0])}, ok ${count > 0}`);
  return count + util.twice(u32(table[3]));
}

export function slot(h: Holder, i: usize): u32 {
  h.slots[i] += h.frame.tag;
  return h.slots[i];
}

export function poke(p: Ptr<u32>, v: u32): void {
  p.set(1, v);
  p.storeVolatile(p.add(2).loadVolatile() | v);
}

type Handler = (v: u32) => u32;

export class Device {
  irq: u8;
  handler: Handler;
}

let fallback: Handler = util.twice;

export function dispatch(d: Device, v: u32): u32 {
  if (d.irq === 0) return fallback(v);
  return d.handler(v) + 1;
}

export function publish(n: Node): bool {
  n.refs.add(1, Order.RELAXED);
  users.store(n.kind, Order.RELEASE);
  const seen = users.load(Order.ACQUIRE);
  return seen === n.kind && n.refs.compareExchange(1, 2, Order.ACQ_REL, Order.ACQUIRE);
}
