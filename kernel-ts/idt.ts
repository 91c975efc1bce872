// The interrupt descriptor table: 256 interrupt gates, one per vector, each
// pointing at its entry point in arch/x86_64/entry.S (which pushes the uniform frame
// and calls exceptions.handle). NMI, #DF and #MC switch to their IST stacks.

import * as gdt from "./gdt.ts";
import * as tss from "./tss.ts";

export const VECTORS: usize = 256;
export const VECTOR_NMI: u32 = 2;
export const VECTOR_DOUBLE_FAULT: u32 = 8;
export const VECTOR_MACHINE_CHECK: u32 = 18;

/** A 64-bit interrupt/trap gate (Intel SDM vol. 3 §6.14.1, Figure 6-8). */
class GateDescriptor {
  offsetLow: u16;
  selector: u16;
  /** bits 2:0: IST slot, 0 = stay on the current stack */
  ist: u8;
  /** P, DPL, type (0xe interrupt gate: IF cleared on entry) */
  attributes: u8;
  offsetMiddle: u16;
  offsetHigh: u32;
  reserved: u32;
}
layout(GateDescriptor, {
  size: 16,
  offsets: { offsetLow: 0, selector: 2, ist: 4, attributes: 5, offsetMiddle: 6, offsetHigh: 8 },
});

class Idt {
  gates: Arr<Inline<GateDescriptor>, 256>;
}
layout(Idt, { align: 16, size: 4096 });

/** P, DPL 0, 64-bit interrupt gate: user code cannot `int n` into the kernel (#GP instead). */
const INTERRUPT_GATE: u8 = 0x8e;
/**
 * The same with DPL 3, for #BP and #OF only: ring 3's INT3 and INTO raise the
 * exception itself (its event, nova-abi.md §8.2), as NOVA's gates allow.
 */
const USER_INTERRUPT_GATE: u8 = 0xee;
const VECTOR_BP: u32 = 3;
const VECTOR_OF: u32 = 4;

/** One IDT serves every CPU: gates are read-only after init. */
const idt = new Idt();

function istOf(vector: u32): u8 {
  if (vector === VECTOR_DOUBLE_FAULT) return tss.IST_DOUBLE_FAULT;
  if (vector === VECTOR_NMI) return tss.IST_NMI;
  if (vector === VECTOR_MACHINE_CHECK) return tss.IST_MACHINE_CHECK;
  return 0;
}

const CR4_MCE: u64 = 1 << 6;
const LEAF_FEATURES: u32 = 1;
const FEATURE_EDX_MCE: u32 = 1 << 7;

/**
 * Fills all 256 gates from entry.S's table of entry points and loads IDTR. With CR4.MCE clear a machine
 * check shuts the CPU down (a silent reset); it is set here, where #MC gets its gate, so a
 * machine check is reported (on IST3) like any other exception, as NOVA does.
 */
export function init(): void {
  const stubs = ptrFromVirt<u64>(linkerSymbol("exception_entries"));
  for (let v: u32 = 0; v < u32(VECTORS); v++) {
    const target = stubs.get(v);
    const g = idt.gates[v];
    g.offsetLow = u16(target);
    g.selector = gdt.KERNEL_CODE;
    g.ist = istOf(v);
    g.attributes = v === VECTOR_BP || v === VECTOR_OF ? USER_INTERRUPT_GATE : INTERRUPT_GATE;
    g.offsetMiddle = u16(target >> 16);
    g.offsetHigh = u32(target >> 32);
    g.reserved = 0;
  }
  load();
}

/** Loads IDTR with the shared IDT and sets CR4.MCE (each CPU, once its GDT is loaded). */
export function load(): void {
  lidt(structAddress(idt), u16(sizeof<Idt>() - 1));
  const r = array<u32, 4>();
  cpuid(LEAF_FEATURES, 0, r);
  if ((r[3] & FEATURE_EDX_MCE) !== 0) writeCr4(readCr4() | CR4_MCE);
}
