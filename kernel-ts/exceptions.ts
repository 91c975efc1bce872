// Every exception and interrupt vector ends here (arch/x86_64/entry.S pushes
// the frame and calls handle). Interrupts with a handler (interrupts.ts) are
// dispatched and return; everything else is unexpected, so each one is a
// panic: a report of the vector, error code, RIP with its function and
// TypeScript line, CR2, all registers and a stack walk (unwind.ts), then
// the panic exit (power.ts: QEMU's debug-exit status 35), so a test sees the
// report and QEMU's exit instead of a timeout or a silent reboot.
// docs/panic.md shows the reports and explains each line.

import * as interrupts from "./interrupts.ts";
import * as percpu from "./percpu.ts";
import * as power from "./power.ts";
import * as space from "./space_kernel.ts";
import * as symbols from "./symbols.ts";
import * as tss from "./tss.ts";
import * as unwind from "./unwind.ts";
import * as ipi from "./ipi.ts";
import * as klock from "./klock.ts";
import * as lapic from "./lapic.ts";
import * as tlb from "./tlb.ts";
import * as watchdog from "./watchdog.ts";
import { ExceptionFrame } from "./frame.ts";

const VECTOR_NMI: u64 = 2;
const VECTOR_DOUBLE_FAULT: u64 = 8;
export const VECTOR_PAGE_FAULT: u64 = 14;
const FIRST_INTERRUPT: u64 = 32;
const RFLAGS_AC: u64 = 1 << 18;
const PAGE_SIZE: u64 = 4096;

/** Distinct frames a stack walk prints before it stops; repeated frames are folded into one line. */
const MAX_FRAMES_SHOWN: u32 = 32;

/**
 * Reports in progress on this CPU: a fault inside the report itself must not
 * loop, and other CPUs' interrupts meanwhile are theirs. (Before the boot
 * CPU's per-CPU data exists, GS base 0 reaches the template: still one
 * counter.)
 */
const depth = perCpu<u32>(0);

/** The boot CPU's kernel stack (arch/x86_64/start.S). */
function bootStackBottom(): Virt {
  return linkerSymbol("boot_stack");
}

function bootStackTop(): Virt {
  return linkerSymbol("boot_stack_top");
}

export function mnemonic(v: u64): str {
  switch (v) {
    case 0:
      return "#DE";
    case 1:
      return "#DB";
    case 2:
      return "NMI";
    case 3:
      return "#BP";
    case 4:
      return "#OF";
    case 5:
      return "#BR";
    case 6:
      return "#UD";
    case 7:
      return "#NM";
    case 8:
      return "#DF";
    case 9:
      return "#CSO";
    case 10:
      return "#TS";
    case 11:
      return "#NP";
    case 12:
      return "#SS";
    case 13:
      return "#GP";
    case 14:
      return "#PF";
    case 16:
      return "#MF";
    case 17:
      return "#AC";
    case 18:
      return "#MC";
    case 19:
      return "#XM";
    case 20:
      return "#VE";
    case 21:
      return "#CP";
    case 28:
      return "#HV";
    case 29:
      return "#VC";
    case 30:
      return "#SX";
  }
  return v < FIRST_INTERRUPT ? "reserved" : "INT";
}

function description(v: u64): str {
  switch (v) {
    case 0:
      return "divide error";
    case 1:
      return "debug";
    case 2:
      return "non-maskable interrupt";
    case 3:
      return "breakpoint";
    case 4:
      return "overflow";
    case 5:
      return "bound range exceeded";
    case 6:
      return "invalid opcode";
    case 7:
      return "device not available";
    case 8:
      return "double fault";
    case 9:
      return "coprocessor segment overrun";
    case 10:
      return "invalid TSS";
    case 11:
      return "segment not present";
    case 12:
      return "stack-segment fault";
    case 13:
      return "general protection";
    case 14:
      return "page fault";
    case 16:
      return "x87 floating-point error";
    case 17:
      return "alignment check";
    case 18:
      return "machine check";
    case 19:
      return "SIMD floating-point exception";
    case 20:
      return "virtualization exception";
    case 21:
      return "control protection";
    case 28:
      return "hypervisor injection";
    case 29:
      return "VMM communication";
    case 30:
      return "security exception";
  }
  return v < FIRST_INTERRUPT ? "reserved vector" : "external or software interrupt";
}

/** Vectors whose error code is a segment selector (Intel SDM vol. 3 §6.13). */
function hasSelectorError(v: u64): bool {
  return v === 10 || v === 11 || v === 12 || v === 13 || v === 17;
}

/** One stack-walk line: the address, its function and offset, its TypeScript line. */
function logFrame(n: u32, va: Virt, lookup: Virt): void {
  const s = symbols.find(lookup);
  const line = symbols.line(lookup);
  if (s === null) log(`STACK: #${n} ${hex(va)}`);
  else if (line === 0)
    log(`STACK: #${n} ${hex(va)} <${symbols.name(s)}+${hex(u64(va) - s.address)}>`);
  else
    log(
      `STACK: #${n} ${hex(va)} <${symbols.name(s)}+${hex(u64(va) - s.address)}> ${symbols.file(lookup)}:${line}`,
    );
}

/** The first line of a report: what happened, where. */
function logHeadline(f: ExceptionFrame): void {
  const v = f.vector;
  const rip = virt(f.rip);
  const s = symbols.find(rip);
  const line = symbols.line(rip);
  const kind = v < FIRST_INTERRUPT && v !== VECTOR_NMI ? "exception" : "interrupt";
  const m = mnemonic(v);
  const d = description(v);
  if (s === null) log(`PANIC: unexpected ${kind} ${m} (${d}) at ${hex(f.rip)}`);
  else if (line === 0)
    log(
      `PANIC: unexpected ${kind} ${m} (${d}) at ${hex(f.rip)} <${symbols.name(s)}+${hex(f.rip - s.address)}>`,
    );
  else
    log(
      `PANIC: unexpected ${kind} ${m} (${d}) at ${hex(f.rip)} <${symbols.name(s)}+${hex(f.rip - s.address)}> ${symbols.file(rip)}:${line}`,
    );
}

function logDetails(f: ExceptionFrame): void {
  const v = f.vector;
  const e = f.error;
  log(`EXC: vector ${v} ${mnemonic(v)} error ${hex(e)}`);
  if (v === VECTOR_PAGE_FAULT)
    log(
      `EXC: page fault at ${hex(f.cr2)}: ${(e & 1) !== 0 ? "protection" : "not-present"} ${(e & 0x10) !== 0 ? "fetch" : (e & 2) !== 0 ? "write" : "read"} ${(e & 4) !== 0 ? "user" : "kernel"}${(e & 8) !== 0 ? " reserved-bit" : ""}${(e & 0x20) !== 0 ? " protection-key" : ""}${(e & 0x40) !== 0 ? " shadow-stack" : ""}`,
    );
  if (hasSelectorError(v) && e !== 0)
    log(
      `EXC: selector error: ${(e & 2) !== 0 ? "IDT" : (e & 4) !== 0 ? "LDT" : "GDT"} index ${(e >> 3) & 0x1fff}${(e & 1) !== 0 ? " external" : ""}`,
    );
  if (v === VECTOR_DOUBLE_FAULT && (inGuardPage(f.rsp) || inGuardPage(f.cr2)))
    log(
      `EXC: kernel stack overflow: rsp ${hex(f.rsp)} cr2 ${hex(f.cr2)} in the guard page below the stack`,
    );
  const slot = tss.istSlotOf(readRsp());
  if (slot !== 0) log(`EXC: reported on IST${slot}, the ${mnemonic(v)} stack`);
  log(`EXC: rip ${hex(f.rip)} rflags ${hex(f.rflags)} cs ${hex(f.cs)} ss ${hex(f.ss)}`);
  log(`EXC: rax ${hex(f.rax)} rbx ${hex(f.rbx)} rcx ${hex(f.rcx)} rdx ${hex(f.rdx)}`);
  log(`EXC: rsi ${hex(f.rsi)} rdi ${hex(f.rdi)} rbp ${hex(f.rbp)} rsp ${hex(f.rsp)}`);
  log(`EXC: r8 ${hex(f.r8)} r9 ${hex(f.r9)} r10 ${hex(f.r10)} r11 ${hex(f.r11)}`);
  log(`EXC: r12 ${hex(f.r12)} r13 ${hex(f.r13)} r14 ${hex(f.r14)} r15 ${hex(f.r15)}`);
  log(`EXC: cr0 ${hex(readCr0())} cr2 ${hex(f.cr2)} cr3 ${hex(readCr3())} cr4 ${hex(readCr4())}`);
  logCpu();
}

/** Which CPU reports (the index its GS names: u32.MAX is the template, a wrong GS). */
function logCpu(): void {
  log(`EXC: on CPU ${percpu.cpuIndex.get()} (APIC id ${percpu.localApicId()})`);
}

/** Whether `a` is in the page below the boot stack or a registered stack (an overflow's guard page). */
function inGuardPage(a: u64): bool {
  if (below(a, u64(bootStackBottom()))) return true;
  for (let i: usize = 0; i < stackCount; i++) if (below(a, stacks[i].low)) return true;
  return false;
}

function below(a: u64, bottom: u64): bool {
  return a < bottom && a >= bottom - PAGE_SIZE;
}

class StackBounds {
  low: u64;
  high: u64;
}

/**
 * Kernel stacks besides the boot and IST stacks that a stack walk may read
 * (addStack): the boot CPU's guarded stack and each AP's (smp.ts).
 */
const MAX_STACKS: usize = 264;
const stacks = array<Inline<StackBounds>, 264>();
let stackCount: usize = 0;

/** Makes the kernel stack [low, high) known to stack walks (it must stay mapped). */
export function addStack(low: Virt, high: Virt): void {
  if (stackCount === MAX_STACKS) return;
  stacks[stackCount].low = u64(low);
  stacks[stackCount].high = u64(high);
  stackCount++;
}

const bounds = new StackBounds();

/** The bounds of the known stack holding `va`, into `bounds`; false if none holds it. */
function findStack(va: u64): bool {
  if (va >= u64(bootStackBottom()) && va < u64(bootStackTop())) {
    bounds.low = u64(bootStackBottom());
    bounds.high = u64(bootStackTop());
    return true;
  }
  for (let i: usize = 0; i < stackCount; i++) {
    if (va >= stacks[i].low && va < stacks[i].high) {
      bounds.low = stacks[i].low;
      bounds.high = stacks[i].high;
      return true;
    }
  }
  const slot = tss.istSlotOf(virt(va));
  if (slot === 0) return false;
  bounds.low = u64(tss.istStackBottom(slot));
  bounds.high = bounds.low + tss.IST_STACK_SIZE;
  return true;
}

/**
 * Walks the stack from `f` (kernel-ts/unwind.ts: one caller per step, from the compiler's
 * call-frame information), printing each caller's return address and numbering them from
 * `first` on. Each step reads only inside the stack the walk started on and only above the
 * previous frame, so a corrupt stack ends the walk instead of faulting. The walk ends at
 * switchStack's zero return address (the bottom of every kernel stack) or at code without
 * unwind information (the assembly entry paths).
 */
function walk(f: unwind.CallFrame, first: u32): void {
  let n = first;
  let shown: u32 = 0;
  let last: u64 = 0;
  let repeats: u32 = 0;
  // An overflow's RSP is in the guard page; its frames are in the stack above.
  if (!findStack(f.sp) && !(inGuardPage(f.sp) && findStack(f.sp + PAGE_SIZE))) {
    log(`STACK: stack pointer ${hex(f.sp)} is not on a known stack, no walk`);
    return;
  }
  for (;;) {
    const from = f.pc;
    const r = unwind.step(f, bounds.low, bounds.high);
    if (r !== unwind.UnwindStep.CALLER || f.pc === 0) {
      if (repeats !== 0) log(`STACK: the frame above repeats ${repeats} more times`);
      if (r === unwind.UnwindStep.OFF_STACK)
        log(`STACK: stops at ${hex(from)}: its caller's frame is not on the stack above it`);
      else if (r === unwind.UnwindStep.NO_ENTRY)
        log(`STACK: end (no unwind information at ${hex(from)})`);
      else log(`STACK: end`);
      return;
    }
    if (f.pc === last) repeats++;
    else {
      if (repeats !== 0) log(`STACK: the frame above repeats ${repeats} more times`);
      repeats = 0;
      if (shown === MAX_FRAMES_SHOWN) {
        log(`STACK: more frames not shown`);
        return;
      }
      // The call instruction is the byte before the return address (a noreturn call may end a function).
      logFrame(n, virt(f.pc), virt(f.pc - 1));
      shown++;
      last = f.pc;
    }
    n++;
    // A return address is in its caller, after the call: look up the call's own unwind entry.
    f.pc = f.pc - 1;
  }
}

/** The walk's start at an exception: the interrupted code's RIP, RSP and RBP. */
function frameOf(e: ExceptionFrame): unwind.CallFrame {
  start.pc = e.rip;
  start.sp = e.rsp;
  start.bp = e.rbp;
  return start;
}
const start = new unwind.CallFrame();

/**
 * What runs for an exception from ring 3 (event.ts: the EC's event; it
 * returns only when the kernel consumed the exception, a lazy FPU switch),
 * and after an interrupt taken in ring 3 (ec.ts: the scheduler's turn).
 */
export type UserEntry = (f: ExceptionFrame) => void;
/** What runs first on an entry from ring 3 (ec.ts dropIfDestroyed). */
export type EntryCheck = () => void;
class UserHooks {
  fault: UserEntry;
  interrupted: UserEntry;
  dropped: EntryCheck;
}
const userHooks = new UserHooks();

/** Installs the ring-3 exception and interrupt hooks (init.ts). */
export function onUser(fault: UserEntry, interrupted: UserEntry, dropped: EntryCheck): void {
  userHooks.fault = fault;
  userHooks.interrupted = interrupted;
  userHooks.dropped = dropped;
}

const CS_RPL: u64 = 3;
const VECTOR_GP: u64 = 13;

/**
 * Whether `f` is a user EC's fault: taken in ring 3, or the #GP of the IRETQ
 * back to ring 3 (syscall.S `user_iret`, a non-canonical RIP), whose user
 * state is the IRETQ frame on the kernel stack; that is copied into `f`.
 */
function fromUser(f: ExceptionFrame): bool {
  if ((f.cs & CS_RPL) === CS_RPL) return true;
  if (f.vector !== VECTOR_GP || f.rip !== u64(linkerSymbol("user_iret"))) return false;
  const iret = ptrFromVirt<u64>(virt(f.rsp));
  f.rip = iret.get(0);
  f.cs = iret.get(1);
  f.rflags = iret.get(2);
  f.rsp = iret.get(3);
  f.ss = iret.get(4);
  log(`EC: #GP in ring 0 at the IRETQ to ring 3 (syscall.S user_iret), taken as the EC's`);
  return true;
}

/** Called by entry.S for every vector, on the interrupted stack or the vector's IST stack. */
export function handle(f: ExceptionFrame): void {
  // Another CPU stops the machine for its report (stopOthers): this one halts for good.
  if (f.vector === VECTOR_NMI && stopping.on.load() && !watchdog.isTarget()) haltForGood();
  // A shootdown request is answered without the kernel lock: its sender holds it (tlb.ts).
  if (f.vector === u64(ipi.VECTOR_SHOOTDOWN) && depth.get() === 0) {
    tlb.answer();
    lapic.eoi();
    return;
  }
  if (f.vector === VECTOR_NMI && watchdog.isTarget()) reportStuck(f);
  const user = (f.cs & CS_RPL) === CS_RPL;
  // SMAP holds in the kernel: entry.S cleared an AC that ring 3 had set. Checked for
  // exceptions from ring 3 only (interrupts, the frequent entries, pass the same CLAC).
  assert(
    !user ||
      f.vector >= FIRST_INTERRUPT ||
      !space.protections.smap ||
      (readRflags() & RFLAGS_AC) === 0,
    "exceptions: entered with RFLAGS.AC set: SMAP would not apply",
  );
  // A RESCHEDULE IPI in ring 0 (the idle loop's halt) only had to end the halt.
  if (f.vector === u64(ipi.VECTOR_RESCHEDULE) && !user && depth.get() === 0) {
    lapic.eoi();
    return;
  }
  // Device, local-APIC and IPI vectors with a handler return to the interrupted code: in
  // ring 3 after the scheduler's turn, in ring 0 (the idle loop's HLT, or boot code that
  // holds the kernel lock with interrupts on for a self-test) straight away.
  if (f.vector >= interrupts.FIRST && depth.get() === 0 && interrupts.registered(u32(f.vector))) {
    if (user) {
      percpu.checkGs();
      klock.enterFromUser();
      interrupts.dispatch(u32(f.vector));
      userHooks.interrupted(f);
      klock.leaveToUser();
      return;
    }
    const held = klock.heldHere();
    if (!held) klock.enter();
    interrupts.dispatch(u32(f.vector));
    if (!held) klock.leave();
    return;
  }
  if (f.vector < interrupts.FIRST && depth.get() === 0 && fromUser(f)) {
    percpu.checkGs();
    klock.enterFromUser();
    userHooks.dropped();
    userHooks.fault(f);
    klock.leaveToUser();
    return;
  }
  depth.set(depth.get() + 1);
  if (depth.get() > 2) power.exit(power.EXIT_PANIC);
  logTakeOver();
  if (depth.get() > 1) {
    log(
      `PANIC: ${mnemonic(f.vector)} (${description(f.vector)}) at ${hex(f.rip)} inside the fault report`,
    );
    power.exit(power.EXIT_PANIC);
  }
  const stopped = stopOthers();
  logHeadline(f);
  logDetails(f);
  logStopped(stopped);
  logFrame(0, virt(f.rip), virt(f.rip));
  walk(frameOf(f), 1);
  power.exit(power.EXIT_PANIC);
}

class Stopping {
  /** A CPU reports a panic: every other CPU halts at its NMI. */
  on: Atomic<bool>;
}
const stopping = new Stopping();

/**
 * Before a panic report: every other online CPU gets an NMI and halts there
 * (haltForGood), so nothing runs on a kernel known to be broken and no
 * other CPU's lines mix into the report. Returns how many.
 */
function stopOthers(): u32 {
  if (stopping.on.exchange(true)) return 0;
  const self = percpu.cpuIndex.get();
  let n: u32 = 0;
  for (let c: u32 = 0; c < ipi.online(); c++) {
    if (c === self) continue;
    lapic.sendIpi(ipi.apicIdOf(c), lapic.DELIVERY_NMI);
    n++;
  }
  return n;
}

function logStopped(n: u32): void {
  if (n !== 0) log(`EXC: ${n} other CPUs stopped by NMI`);
}

function haltForGood(): never {
  for (;;) {
    cli();
    hlt();
  }
}

/** The watchdog's NMI (watchdog.ts): where this CPU is stuck, then it halts. */
function reportStuck(f: ExceptionFrame): never {
  depth.set(depth.get() + 1);
  logTakeOver();
  log(`WATCHDOG: CPU ${percpu.cpuIndex.get()} stuck:`);
  logFrame(0, virt(f.rip), virt(f.rip));
  logDetails(f);
  walk(frameOf(f), 1);
  watchdog.reported();
}

/**
 * The runtime's stop after assert() or panic() printed `PANIC: ... at file.ts:line`
 * (runtime-c/kernel.c): the stack walk from here, then the panic exit.
 */
export function stopAfterPanic(): never {
  depth.set(depth.get() + 1);
  if (depth.get() === 1) {
    const stopped = stopOthers();
    logCpu();
    logStopped(stopped);
    const here = array<u64, 3>();
    currentFrame(here);
    start.pc = here[0];
    start.sp = here[1];
    start.bp = here[2];
    walk(start, 0);
  }
  power.exit(power.EXIT_PANIC);
}
