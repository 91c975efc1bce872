// Deliberate faults, so tests (test/boot/faults.test.ts) can check each kind
// of report: the kernel command line option `fault=<kind>` makes the kernel
// fault once it runs in its own address space on its guarded stack.
//
//   fault=ud      UD2: #UD, a fault in the kernel's own code
//   fault=pf      a write to an unmapped address: #PF with CR2 and error code
//   fault=df      unbounded recursion into the guard page below the kernel
//                 stack: the #PF cannot push its frame, so the CPU raises
//                 #DF, which runs on its own IST stack and is reported
//   fault=wp      a write to the kernel's text: #PF, a protection violation
//                 (the page is present and read-only, and CR0.WP holds)
//   fault=low     a read of low memory: #PF, the identity map is gone
//   fault=nmi     an NMI the CPU sends itself through its local APIC: the
//                 report runs on the NMI's IST stack
//   fault=assert  a failing assert(): the TypeScript file and line, then a stack walk
//   fault=sysret  not a kernel fault: the root EC's first hypercall returns to a
//                 non-canonical RIP, so syscall.S must take IRETQ instead of
//                 SYSRET and the #GP must kill the EC (docs/user-mode.md)

import * as cmdline from "./cmdline.ts";
import * as lapic from "./lapic.ts";
import * as syscall from "./syscall.ts";

/** Canonical, lower half, beyond the boot identity map (4 GiB): never mapped. */
const UNMAPPED: u64 = 0x0bad_0bad_0000;

/**
 * Recurses until the stack runs into the guard page; `previous` keeps every frame alive. The
 * volatile load keeps the pointer a pointer: with a plain load, gcc passes the value instead
 * and then turns the recursion into a loop that never overflows.
 */
function overflow(previous: Ptr<u64>, n: u64): u64 {
  const frame = array<u64, 32>();
  frame[0] = n;
  frame[1] = previous.loadVolatile();
  if (n === u64.MAX) return frame[1];
  return overflow(arrayPtr(frame), n + 1) + frame[1];
}

function undefinedOpcode(): void {
  ud2();
}

function pageFault(): void {
  ptrFromVirt<u64>(virt(UNMAPPED)).storeVolatile(0x5a5a);
}

function doubleFault(): void {
  const start = array<u64, 1>();
  const result = overflow(arrayPtr(start), 0);
  log(`FAULT: stack overflow returned ${result}`);
}

/** Sends this CPU an NMI through its local APIC (xAPIC or x2APIC). */
function selfNmi(): void {
  lapic.sendIpi(lapic.id(), lapic.DELIVERY_NMI);
  for (let i: u32 = 0; i < 1_000_000; i++) pause();
}

function writeText(): void {
  ptrFromVirt<u8>(linkerSymbol("__text_start")).storeVolatile(0xcc);
}

function readLowMemory(): u64 {
  return ptrFromVirt<u64>(virt(0x1000)).loadVolatile();
}

function failedAssertion(value: u32): void {
  assert(value === 0, `deliberate failure (fault=assert), value ${value}`);
}

/** Raises the fault `fault=<kind>` asks for, if any; returns only when there is none. */
export function fromCmdline(): void {
  if (!cmdline.has("fault")) return;
  if (cmdline.is("fault", "ud")) {
    log(`FAULT: deliberate #UD (fault=ud)`);
    undefinedOpcode();
  } else if (cmdline.is("fault", "pf")) {
    log(`FAULT: deliberate #PF at ${hex(UNMAPPED)} (fault=pf)`);
    pageFault();
  } else if (cmdline.is("fault", "df")) {
    log(`FAULT: deliberate #DF by kernel stack overflow (fault=df)`);
    doubleFault();
  } else if (cmdline.is("fault", "wp")) {
    log(`FAULT: deliberate write to the kernel text (fault=wp)`);
    writeText();
  } else if (cmdline.is("fault", "low")) {
    log(`FAULT: deliberate read of low memory at 0x1000 (fault=low)`);
    log(`FAULT: read ${readLowMemory()}`);
  } else if (cmdline.is("fault", "nmi")) {
    log(`FAULT: deliberate NMI to this CPU (fault=nmi)`);
    selfNmi();
  } else if (cmdline.is("fault", "assert")) {
    log(`FAULT: deliberate assertion failure (fault=assert)`);
    failedAssertion(1);
  } else if (cmdline.is("fault", "sysret")) {
    log(`FAULT: the first hypercall returns to a non-canonical RIP (fault=sysret)`);
    syscall.returnNonCanonicalOnce();
    return;
  } else {
    log(`FAULT: fault= takes ud, pf, df, wp, low, nmi, assert or sysret; ignored`);
    return;
  }
  panic("the deliberate fault did not stop the kernel");
}
