// The 64-bit task-state segment: in long mode it holds no task state, only
// the stacks the CPU switches to. RSP0 (ring 3 -> 0) is set by syscall.ts;
// the interrupt stack table (IST) gives NMI, #DF and #MC stacks of their own,
// so they are reported even when the kernel stack is unusable (overflowed
// into its guard page, or interrupted in the middle of a switch). The I/O
// permission bitmap after it gives ring 3 the ports of the running PD's PIO
// space (loadIoBitmap).

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
  /** Offset of the I/O permission bitmap (IO_MAP_BASE: `iobm`, inside the limit). */
  ioMapBase: u16;
  /**
   * The I/O permission bitmap (Intel SDM vol. 1 §19.5.2: bit n set = port n
   * denied to ring 3) of the running PD's PIO space, and the all-ones byte the
   * CPU may read past its end (it reads two bytes for every check).
   */
  iobm: Arr<u8, 8193>;
}
layout(Tss, {
  packed: true,
  size: 8297,
  offsets: {
    rsp0: 4,
    rsp1: 12,
    rsp2: 20,
    ist1: 36,
    ist2: 44,
    ist3: 52,
    ist7: 84,
    ioMapBase: 102,
    iobm: 104,
  },
});

/** The TSS's architectural part; the I/O bitmap follows it. */
export const IO_MAP_BASE: u16 = 104;
/** Bytes of an I/O bitmap covering ports 0…0xffff. */
export const IO_BITMAP_BYTES: usize = 8192;

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

/** The boot CPU's TSS and IST stacks (each AP has its own: smp.ts). */
export const bootTss = new Tss();
/** This CPU's TSS. */
const mine = perCpu<Tss | null>(null);
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

/** Makes `t` this CPU's TSS for current() (after percpu.install). */
export function setCurrent(t: Tss): void {
  mine.set(t);
}

/** This CPU's TSS: RSP0 and the I/O bitmap change with the running EC. */
export function current(): Tss {
  const t = mine.get();
  if (t === null) panic("tss: this CPU has no TSS yet");
  return t;
}

/** Fills in the boot CPU's TSS: IST1 #DF, IST2 NMI, IST3 #MC, an I/O bitmap denying every port. */
export function build(): void {
  buildFor(bootTss, top(doubleFaultStack), top(nmiStack), top(machineCheckStack));
}

/** Fills in a TSS with the given IST stack tops and an I/O bitmap denying every port (smp.ts: an AP's). */
export function buildFor(t: Tss, doubleFault: Virt, nmi: Virt, machineCheck: Virt): void {
  t.ist1 = u64(doubleFault);
  t.ist2 = u64(nmi);
  t.ist3 = u64(machineCheck);
  t.ioMapBase = IO_MAP_BASE;
  const to = arrayPtr(t.iobm);
  for (let i: usize = 0; i <= IO_BITMAP_BYTES; i++) to.set(i, 0xff);
}

/**
 * Makes ring 3's port access that of the TSS-format bitmap at `bitmap`
 * (IO_BITMAP_BYTES, a PIO space's: space_pio.ts), or denies every port for
 * virt(0). The CPU reads the bitmap at each IN/OUT, so the copy takes effect
 * at the next one. current_pd.setCurrent() calls it when the running PD's PIO
 * space differs from the one loaded (a switch between PDs, ec.ts activate),
 * and after a PIO delegation: 8 KiB copied each time (docs/user-mode.md).
 */
export function loadIoBitmap(bitmap: Virt): void {
  const to = arrayPtr(current().iobm);
  if (u64(bitmap) === 0) {
    for (let i: usize = 0; i < IO_BITMAP_BYTES; i++) to.set(i, 0xff);
  } else {
    const from = ptrFromVirt<u8>(bitmap);
    for (let i: usize = 0; i < IO_BITMAP_BYTES; i++) to.set(i, from.get(i));
  }
  to.set(IO_BITMAP_BYTES, 0xff);
}

/** Whether the bitmap the CPU consults lets ring 3 use `port` (tests and the log). */
export function ioAllowed(port: u16): bool {
  const b = arrayPtr(current().iobm).get(usize(port >> 3));
  return (b & (u8(1) << u8(port & 7))) === 0;
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
