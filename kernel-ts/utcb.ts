// The UTCB (nova-abi.md §6): one page per host EC. Its layouts are the
// interface's (abi/arch_utcb.ts); this is the kernel's regular IPC transfer
// and the general registers' part of event state transfer (§6.3), which host
// ECs and vCPUs share: both keep them in an ExceptionFrame.

import { ArchUtcb } from "../abi/arch_utcb.ts";
import { ExceptionFrame } from "./frame.ts";

/** Copies the first `words` message words of one UTCB page to another (§6.1). */
export function copyWords(from: Virt, to: Virt, words: u32): void {
  copyQuads(to, from, usize(words));
}

/** Where UTCB GPR slot `i` (§6.2: RAX RCX RDX RBX RSP RBP RSI RDI R8…R15) is in an ExceptionFrame. */
function frameOffsetOfGpr(i: usize): usize {
  switch (i) {
    case 0:
      return offsetof<ExceptionFrame>("rax");
    case 1:
      return offsetof<ExceptionFrame>("rcx");
    case 2:
      return offsetof<ExceptionFrame>("rdx");
    case 3:
      return offsetof<ExceptionFrame>("rbx");
    case 4:
      return offsetof<ExceptionFrame>("rsp");
    case 5:
      return offsetof<ExceptionFrame>("rbp");
    case 6:
      return offsetof<ExceptionFrame>("rsi");
    case 7:
      return offsetof<ExceptionFrame>("rdi");
    default:
      // R8…R15 are stored in descending order from r8 (exceptions.ts).
      return offsetof<ExceptionFrame>("r8") - (i - 8) * 8;
  }
}

/** General register `i` of `r` in UTCB order (also VMX's numbering in exit qualifications). */
export function gpr(r: ExceptionFrame, i: usize): u64 {
  return ptrFromVirt<u64>(structAddress(r)).get(frameOffsetOfGpr(i) / 8);
}

/**
 * Copies the 8 GPRs of group `group` (0: GPR0-7, 1: GPR8-15) between a frame
 * and a UTCB: into the UTCB when `toUtcb`, else into the frame.
 */
export function copyGprs(r: ExceptionFrame, a: ArchUtcb, group: usize, toUtcb: bool): void {
  const frame = ptrFromVirt<u64>(structAddress(r));
  const utcb = ptrFromVirt<u64>(structAddress(a));
  for (let i = group * 8; i < group * 8 + 8; i++) {
    const q = frameOffsetOfGpr(i) / 8;
    if (toUtcb) utcb.set(i, frame.get(q));
    else frame.set(q, utcb.get(i));
  }
}
