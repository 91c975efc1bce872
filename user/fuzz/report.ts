// The fuzzer's lines on COM1. Workers on other CPUs and in other PDs print
// too when `trace=1` (the children then have COM1's ports), so a line is
// written under a lock in the shared data pages; the kernel's own lines may
// still come between two of them.

import { statusName } from "../../abi/status.ts";
import { putDec, putHex, puts } from "../nova/console.ts";
import { Call } from "./gen.ts";
import { BAD_STATUS, BUCKETS, NO_STATUS, RING, Record, Stream } from "./state.ts";

const lock = atomic<u64>(0);

/** Takes the console for one line (or a block of lines). */
export function acquire(): void {
  while (!lock.compareExchange(0, 1)) pause();
}

export function release(): void {
  lock.store(0);
}

/** §4's name of hypercall `n` (0…15). */
export function callName(n: u64): str {
  switch (n & 0xf) {
    case 0x0:
      return "ipc_call";
    case 0x1:
      return "ipc_reply";
    case 0x2:
      return "create_pd";
    case 0x3:
      return "create_ec";
    case 0x4:
      return "create_sc";
    case 0x5:
      return "create_pt";
    case 0x6:
      return "create_sm";
    case 0x7:
      return "ctrl_pd";
    case 0x8:
      return "ctrl_ec";
    case 0x9:
      return "ctrl_sc";
    case 0xa:
      return "ctrl_pt";
    case 0xb:
      return "ctrl_sm";
    case 0xc:
      return "ctrl_hw";
    case 0xd:
      return "assign_int";
    case 0xe:
      return "assign_dev";
  }
  return "reserved";
}

/** A status bucket's name: §5's, or BAD for anything else. */
function bucketName(b: u64): str {
  return b < BAD_STATUS ? statusName(b) : "BAD";
}

function putRegs(rdi: u64, rsi: u64, rdx: u64, rax: u64, r8: u64): void {
  puts(callName(rdi));
  puts(" rdi=");
  putHex(rdi);
  puts(" rsi=");
  putHex(rsi);
  puts(" rdx=");
  putHex(rdx);
  puts(" rax=");
  putHex(rax);
  puts(" r8=");
  putHex(r8);
}

/** `FUZZ trace <who> #<n> <call>`: a call about to be made (trace=1). */
export function trace(who: str, id: u64, n: u64, k: Call): void {
  acquire();
  puts("FUZZ trace ");
  puts(who);
  putDec(id);
  puts(" #");
  putDec(n);
  puts(" ");
  putRegs(k.rdi, k.rsi, k.rdx, k.rax, k.r8);
  puts("\n");
  release();
}

function putRecord(who: str, id: u64, e: Record): void {
  puts("FUZZ last ");
  puts(who);
  putDec(id);
  puts(" #");
  putDec(e.n);
  puts(" ");
  putRegs(e.rdi, e.rsi, e.rdx, e.rax, e.r8);
  puts(" -> ");
  if (e.status === NO_STATUS) puts("(none yet)");
  else puts(bucketName(e.status < BAD_STATUS ? e.status : BAD_STATUS));
  puts("\n");
}

/** The last calls of `s` (at most RING), oldest first; `made` = how many it made. */
export function ring(who: str, id: u64, s: Stream, made: u64): void {
  const first = made > RING ? made - RING : 0;
  for (let n = first; n < made; n++) {
    const e = s.ring[n & (RING - 1)];
    if (e.n === n) putRecord(who, id, e);
  }
}

/** Adds `s`'s counts to `sum`. */
export function add(sum: Arr<u64, 256>, s: Stream): void {
  for (let i: usize = 0; i < 256; i++) sum[i] += s.hist[i];
}

/** Calls counted in `sum` for hypercall `number` (all statuses), or for every hypercall. */
export function total(sum: Arr<u64, 256>, number: u64, all: bool): u64 {
  let t: u64 = 0;
  for (let i: u64 = 0; i < 256; i++) if (all || i / BUCKETS === number) t += sum[i & 0xff];
  return t;
}

/** `NAME:count,…` of the non-zero buckets of `number` (or of all numbers, summed). */
export function statuses(sum: Arr<u64, 256>, number: u64, all: bool): void {
  let first = true;
  for (let b: u64 = 0; b < BUCKETS; b++) {
    let n: u64 = 0;
    for (let h: u64 = 0; h < 16; h++) if (all || h === number) n += sum[(h * BUCKETS + b) & 0xff];
    if (n === 0) continue;
    if (!first) puts(",");
    first = false;
    puts(bucketName(b));
    puts(":");
    putDec(n);
  }
  if (first) puts("-");
}
