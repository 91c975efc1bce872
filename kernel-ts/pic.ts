// The legacy 8259A pair: the kernel uses the (IO)APICs, so the PICs are
// moved out of the exception vectors and masked for good. Remapping first
// matters: a spurious PIC interrupt (IRQ7/IRQ15) is delivered even when
// masked, and at the BIOS's vectors 0x08-0x0f it would look like #DF.

const MASTER_COMMAND: u16 = 0x20;
const MASTER_DATA: u16 = 0x21;
const SLAVE_COMMAND: u16 = 0xa0;
const SLAVE_DATA: u16 = 0xa1;

/** ICW1: initialisation, ICW4 follows. */
const ICW1_INIT: u8 = 0x11;
/** ICW4: 8086 mode. */
const ICW4_8086: u8 = 0x01;
/** Where the PICs' spurious interrupts land: 0x20-0x2f, never used by the kernel otherwise. */
export const VECTOR_BASE: u8 = 0x20;

/** Port 0x80 is the traditional I/O delay for the 8259's slow ICW sequence. */
function delay(): void {
  outb(0x80, 0);
}

export function disable(): void {
  outb(MASTER_COMMAND, ICW1_INIT);
  delay();
  outb(SLAVE_COMMAND, ICW1_INIT);
  delay();
  outb(MASTER_DATA, VECTOR_BASE); // ICW2: vector offsets
  delay();
  outb(SLAVE_DATA, VECTOR_BASE + 8);
  delay();
  outb(MASTER_DATA, 0x04); // ICW3: slave on IRQ2
  delay();
  outb(SLAVE_DATA, 0x02); // ICW3: slave identity
  delay();
  outb(MASTER_DATA, ICW4_8086);
  delay();
  outb(SLAVE_DATA, ICW4_8086);
  delay();
  outb(MASTER_DATA, 0xff); // mask everything
  outb(SLAVE_DATA, 0xff);
}
