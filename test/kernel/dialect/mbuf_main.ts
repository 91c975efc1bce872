// Host unit test of kernel-ts/mbuf.ts (the MBUF console's ring, nova-abi.md
// §9.9); test/kernel/mbuf.test.ts builds it with gcc and clang under
// ASan+UBSan. A model keeps every character ever appended; the ring must hold
// exactly the last min(unread, N − 1) of them in order, where the consumer's
// reads (RdIdx advanced by hand, as a root task would) shorten what is
// unread. Also: append's newline count, indices always below N, the hash
// against the model, and indices a consumer left ≥ N read as 0.

import * as mbuf from "../../../kernel-ts/mbuf.ts";
import * as random from "./random.ts";

const OPS: u32 = 20_000;
const HISTORY: usize = 1 << 20;

const ring = new mbuf.Mbuf();
const history = array<u8, 1_048_576>();
const chunk = array<u8, 600>();

class Model {
  /** Characters appended so far (history[i % HISTORY]). */
  written: u64;
  /** Index in the history of the oldest unread character. */
  read: u64;
}
const model = new Model();

function fail(what: str, op: u32): never {
  panic(`mbuf: ${what} after operation ${op}`);
}

/** FNV-1a over the model's unread characters. */
function modelHash(): u64 {
  let h: u64 = 0xcbf2_9ce4_8422_2325;
  for (let i = model.read; i < model.written; i++)
    h = (h ^ u64(history[usize(i % u64(HISTORY))])) * 0x100_0000_01b3;
  return h;
}

function check(op: u32): void {
  if (ring.rdIdx >= mbuf.N || ring.wrIdx >= mbuf.N) fail("an index at or beyond N", op);
  const unread = model.written - model.read;
  if (u64(mbuf.unread(ring)) !== unread) fail("unread differs from the model", op);
  let at = ring.rdIdx;
  for (let i = model.read; i < model.written; i++) {
    if (ring.chars[at] !== history[usize(i % u64(HISTORY))]) fail("a character differs", op);
    at = at + 1 === mbuf.N ? 0 : at + 1;
  }
  if (mbuf.hash(ring) !== modelHash()) fail("the hash differs", op);
}

function appendRandom(op: u32): void {
  const len = usize(random.next() % 600);
  let newlines: u32 = 0;
  for (let i: usize = 0; i < len; i++) {
    const c = random.next() % 8 === 0 ? u8(0x0a) : u8(0x20 + (random.next() % 95));
    chunk[i] = c;
    if (c === 0x0a) newlines++;
    history[usize(model.written % u64(HISTORY))] = c;
    model.written++;
  }
  if (mbuf.append(ring, arrayPtr(chunk), len) !== newlines) fail("the newline count", op);
  // Full: the oldest characters went (the kernel advanced RdIdx).
  const max = u64(mbuf.N - 1);
  if (model.written - model.read > max) model.read = model.written - max;
}

/** The consumer reads k of the unread characters by advancing RdIdx. */
function consume(): void {
  const unread = model.written - model.read;
  if (unread === 0) return;
  const k = random.next() % (unread + 1);
  model.read += k;
  ring.rdIdx = u32((u64(ring.rdIdx) + k) % u64(mbuf.N));
}

export function main(_mode: u32): void {
  check(0);
  let wrapped: u64 = 0;
  for (let op: u32 = 1; op <= OPS; op++) {
    const before = ring.wrIdx;
    if (random.next() % 3 === 0) consume();
    else appendRandom(op);
    if (ring.wrIdx < before) wrapped++;
    check(op);
  }
  log(
    `mbuf: ${OPS} appends and reads match the model, ${model.written} characters, ${wrapped} wraps`,
  );
  // A consumer that writes nonsense: indices ≥ N count as 0.
  ring.rdIdx = 0xffff_ffff;
  ring.wrIdx = mbuf.N;
  if (mbuf.unread(ring) !== 0) panic("mbuf: out-of-range indices are not read as 0");
  const x = array<u8, 1>();
  x[0] = 0x41;
  if (mbuf.append(ring, arrayPtr(x), 1) !== 0 || ring.wrIdx !== 1)
    panic("mbuf: append after out-of-range indices");
  if (mbuf.unread(ring) !== 1 || ring.chars[0] !== 0x41) panic("mbuf: the character after a reset");
  log(`mbuf: indices at or beyond N read as 0`);
}
