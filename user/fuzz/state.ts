// What the root EC, the workers and the handlers share. The image's data pages
// are shared with the children at the same addresses (layout.ts), so a worker
// in a child PD writes here too. A stream is one source of calls: a worker, or
// the handler of a CPU with the ECs it steers; each has one writer, and the
// root reads a worker's counts after its `done`, the handlers' after the
// round.

import * as L from "./layout.ts";
import { Call } from "./gen.ts";

export class Config {
  seed: u64;
  /** Calls per worker per round, rounds, and the round running now (from 1). */
  calls: u64;
  rounds: u64;
  round: u64;
  cpus: u64;
  ticksPerUs: u64;
  /** `trace=1`: every call is printed before it is made (children get COM1 for it). */
  trace: bool;
  /** The first IOMMU's register base (the DMAR's first DRHD), 0 without one. */
  iommu: u64;
  /** `vcpus=1`: vCPUs run guests (gen.ts createEc, handler.ts). */
  vcpus: bool;
}
export const config = new Config();

/** A call as it was made, and its status (NO_STATUS while it runs or when none came back). */
export class Record {
  rdi: u64;
  rsi: u64;
  rdx: u64;
  rax: u64;
  r8: u64;
  status: u64;
  /** Its number in the stream's calls. */
  n: u64;
}
export const NO_STATUS: u64 = 0x100;

/** The last calls kept per stream. */
export const RING: u64 = 32;
/** Status buckets per hypercall: §5's 12, then one for anything else (a kernel bug). */
export const BUCKETS: u64 = 16;
export const BAD_STATUS: u64 = 12;

export class Stream {
  /** Calls made so far, and 1 once the worker is through (handlers: unused). */
  calls: Atomic<u64>;
  done: Atomic<u64>;
  /** hist[number * BUCKETS + bucket]. */
  hist: Arr<u64, 256>;
  ring: Arr<Inline<Record>, 32>;
}

export const STREAMS: u64 = L.MAX_WORKERS + L.MAX_CPUS;
export const streams = array<Inline<Stream>, 32>();

/** The stream of CPU c's handler. */
export function handlerStream(c: u64): Stream {
  return streams[L.MAX_WORKERS + c];
}

/** Clears stream `s` for a new round. */
export function reset(s: Stream): void {
  s.calls.store(0);
  s.done.store(0);
  for (let i: usize = 0; i < 256; i++) s.hist[i] = 0;
  for (let i: u64 = 0; i < RING; i++) {
    const e = s.ring[i & (RING - 1)];
    e.n = 0;
    e.status = NO_STATUS;
  }
}

/** Call number `n` of `s` goes into its ring; the record, whose status comes later. */
export function record(s: Stream, n: u64, k: Call): Record {
  const e = s.ring[n & (RING - 1)];
  e.rdi = k.rdi;
  e.rsi = k.rsi;
  e.rdx = k.rdx;
  e.rax = k.rax;
  e.r8 = k.r8;
  e.status = NO_STATUS;
  e.n = n;
  return e;
}

/** Counts status `status` of hypercall `number` in `s`. */
export function count(s: Stream, number: u64, status: u64): void {
  const bucket = status < BAD_STATUS ? status : BAD_STATUS;
  s.hist[usize(((number & 0xf) * BUCKETS + bucket) & 0xff)]++;
}
