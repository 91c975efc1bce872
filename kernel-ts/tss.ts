// The 64-bit task-state segment: in long mode it holds no task state, only
// the stacks the CPU switches to. RSP0 (ring 3 -> 0) is set by syscall.ts;
// the interrupt stack table (IST) gives NMI, #DF and #MC stacks of their own,
// so they are reported even when the kernel stack is unusable (overflowed
// into its guard page, or interrupted in the middle of a switch).

/** The IST slots the IDT's gates name (idt.ts). */
export const IST_DOUBLE_FAULT: u8 = 1;
export const IST_NMI: u8 = 2;
export const IST_MACHINE_CHECK: u8 = 3;

/** Bytes of each IST stack: the fault report (exceptions.ts) needs well under 1 KiB. */
export const IST_STACK_SIZE: usize = 8192;

/** Intel SDM vol. 3 §8.7 (Figure 8-11), AMD APM vol. 2 §12.2.5: 104 bytes, 8-byte fields at 4 mod 8. */
export class Tss {
  reserved0: u32;
  rsp0: u64;
  rsp1: u64;
  rsp2: u64;
  reserved1: u64;
  ist1: u64;
  ist2: u64;
  ist3: u64;
  ist4: u64;
  ist5: u64;
  ist6: u64;
  ist7: u64;
  reserved2: u64;
  reserved3: u16;
  /** Offset of the I/O permission bitmap; at or beyond the limit: no bitmap, all user port I/O faults. */
  ioMapBase: u16;
}
layout(Tss, {
  packed: true,
  size: 104,
  offsets: { rsp0: 4, rsp1: 12, rsp2: 20, ist1: 36, ist2: 44, ist3: 52, ist7: 84, ioMapBase: 102 },
});

/**
 * One IST stack with a page below it that the kernel's page tables leave
 * unmapped (space_kernel.ts asks guardPage()), so an overflowing fault report
 * faults instead of overwriting what lies below.
 */
class IstStack {
  guard: Arr<u8, 4096>;
  bytes: Arr<u8, 8192>;
}
layout(IstStack, { align: 4096, size: 12288, offsets: { bytes: 4096 } });

/** The boot CPU's TSS and IST stacks (each CPU will have its own when APs come up). */
export const bootTss = new Tss();
const doubleFaultStack = new IstStack();
const nmiStack = new IstStack();
const machineCheckStack = new IstStack();

function bottom(s: IstStack): Virt {
  return ptrToVirt(arrayPtr(s.bytes));
}

function top(s: IstStack): Virt {
  return bottom(s) + IST_STACK_SIZE;
}

/** The unmapped page under IST slot `slot`'s stack (1..3). */
export function guardPage(slot: u8): Virt {
  return (
    bottom(
      slot === IST_DOUBLE_FAULT
        ? doubleFaultStack
        : slot === IST_NMI
          ? nmiStack
          : machineCheckStack,
    ) - 4096
  );
}

/** Fills in the boot CPU's TSS: IST1 #DF, IST2 NMI, IST3 #MC, no I/O bitmap. */
export function build(): void {
  bootTss.ist1 = u64(top(doubleFaultStack));
  bootTss.ist2 = u64(top(nmiStack));
  bootTss.ist3 = u64(top(machineCheckStack));
  bootTss.ioMapBase = u16(sizeof<Tss>());
}

/** The IST slot whose stack holds `va` (1..3), or 0 for none. */
export function istSlotOf(va: Virt): u8 {
  if (within(va, doubleFaultStack)) return IST_DOUBLE_FAULT;
  if (within(va, nmiStack)) return IST_NMI;
  if (within(va, machineCheckStack)) return IST_MACHINE_CHECK;
  return 0;
}

/** The lowest address of IST slot `slot`'s stack (1..3). */
export function istStackBottom(slot: u8): Virt {
  if (slot === IST_DOUBLE_FAULT) return bottom(doubleFaultStack);
  if (slot === IST_NMI) return bottom(nmiStack);
  return bottom(machineCheckStack);
}

function within(va: Virt, s: IstStack): bool {
  return va >= bottom(s) && va < top(s);
}
