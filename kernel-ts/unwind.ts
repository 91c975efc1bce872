// One step of the fault report's stack walk: from a frame's instruction
// address, RSP and RBP to its caller's. The kernel is built without forced
// frame pointers, so the walk cannot follow an RBP chain; build/unwind.ts
// turns the compiler's call-frame information (.debug_frame) into the
// `unwind` part of kts_symbol_table (kernel-ts/symbols.ts): for each range of
// code, how to find the CFA (the caller's RSP before its CALL: RSP or RBP
// plus an offset) and whether the caller's RBP is saved below it. The return
// address is at CFA-8.
//
// Code without an entry (assembly, the first link's empty table) and frame
// shapes the table does not model end the walk: `step` says so, it never
// guesses.

import * as symbols from "./symbols.ts";

/** UnwindEntry.base: where the CFA is computed from. */
const BASE_RSP: u8 = 0;
const BASE_RBP: u8 = 1;

class UnwindEntry {
  /** Where the entry starts, from .text's start; it holds until the next entry. */
  offset: u32;
  /** CFA = base register + cfa. */
  cfa: u16;
  /** BASE_RSP, BASE_RBP, or anything else: no information, the walk stops. */
  base: u8;
  /** The caller's RBP is at CFA - 8 * rbp; 0: RBP still holds the caller's. */
  rbp: u8;
}
layout(UnwindEntry, { size: 8, offsets: { offset: 0, cfa: 4, base: 6, rbp: 7 } });

function entryAt(i: u32): UnwindEntry {
  return structAt<UnwindEntry>(symbols.at(symbols.table().unwind) + u64(i) * sizeof<UnwindEntry>());
}

function entryOffset(i: u32): u64 {
  return u64(entryAt(i).offset);
}

/** A frame: the instruction it executes (or will return to), its RSP and RBP. */
export class CallFrame {
  pc: u64;
  sp: u64;
  bp: u64;
}

function entryFor(pc: u64): UnwindEntry | null {
  const t = symbols.table();
  if (pc < t.textStart) return null;
  const i = symbols.lastAtOrBelow(t.unwindCount, entryOffset, pc - t.textStart);
  if (i === u32.MAX) return null;
  const e = entryAt(i);
  return e.base === BASE_RSP || e.base === BASE_RBP ? e : null;
}

/** What `step` did. */
export enum UnwindStep {
  /** The frame is now its caller's. */
  CALLER,
  /** No unwind entry for the frame's code (assembly, a gap, the first link): the walk ends. */
  NO_ENTRY,
  /** The caller's frame would not lie inside the stack, above this one: the walk stops. */
  OFF_STACK,
}

/**
 * Moves `f` to its caller: the return address, the caller's RSP (the CFA) and RBP. Reads
 * only inside the stack [low, high) and only above `f.sp`, so a corrupt stack ends the walk
 * instead of faulting; `f` is unchanged unless the result is CALLER.
 */
export function step(f: CallFrame, low: u64, high: u64): UnwindStep {
  const e = entryFor(f.pc);
  if (e === null) return UnwindStep.NO_ENTRY;
  const base = e.base === BASE_RSP ? f.sp : f.bp;
  // Not `base < low`: a stack overflow's RSP is in the guard page below the stack while its
  // frame's CFA is still inside. Every read below is checked against [low, high).
  if (base > high) return UnwindStep.OFF_STACK;
  const cfa = base + u64(e.cfa);
  if ((cfa & 7) !== 0 || cfa > high || cfa <= f.sp || cfa - 8 < low) return UnwindStep.OFF_STACK;
  if (e.rbp !== 0) {
    const saved = cfa - u64(e.rbp) * 8;
    if (saved < low || saved < f.sp) return UnwindStep.OFF_STACK;
    f.bp = ptrFromVirt<u64>(virt(saved)).load();
  }
  f.pc = ptrFromVirt<u64>(virt(cfa - 8)).load();
  f.sp = cfa;
  return UnwindStep.CALLER;
}
