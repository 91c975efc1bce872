// Interrupt semaphores and assign_int (nova-abi.md §10.3), ctrl_hw (§10.1,
// §10.2), the console semaphore (§9.9) and the HIP fields they rely on.
//
// Selectors (sel.ts INT_SELS, revoked at the end): copies of the NOVA object
// space's interrupt semaphores GSI 2 (0x10002) at +2 and the first MSI slot
// (0x10000 + INTPIN) at +0x20, a CTRLDN-only copy of GSI 2's at +3, a
// regular semaphore at +0x10. The console semaphore is sel.ts CONSOLE_SM
// since setup's delegation. The PIT's ports (delegated here) are revoked at
// the end too.

import { INT_M, INT_T } from "../../abi/hypercall.ts";
import { PERM_MASK, Perm_sm } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import {
  NOVA_OBJ_INT_SM,
  ROOT_OBJ_NOVA_OBJ,
  ROOT_OBJ_ROOT_OBJ,
  ROOT_OBJ_ROOT_PD,
} from "../../abi/selectors.ts";
import { hip } from "../nova/hip.ts";
import {
  Msi,
  REG_RDX,
  REG_RSI,
  after,
  assignInt,
  createSm,
  ctrlHw,
  smDown,
  smUp,
} from "../nova/hypercall.ts";
import {
  CONSOLE_SM,
  EMPTY,
  INT_SELS,
  NOVA_PIO,
  RANGE_ORDER,
  ROOT_OBJ,
  ROOT_PIO,
  copy,
  pd,
  revoke,
} from "./sel.ts";
import { PAST } from "./sm.ts";
import { atLeast, block, check, expectStatus, isNot, isStatus, isValue } from "./test.ts";

/** QEMU and Bochs wire ISA IRQ 0 (the PIT) to GSI 2 (the kernel logs the MADT override). */
const PIT_GSI: u64 = 2;
const GSI2: u64 = INT_SELS + 2;
const GSI2_CTRLDN: u64 = INT_SELS + 3;
const REGULAR_SM: u64 = INT_SELS + 0x10;
const MSI0: u64 = INT_SELS + 0x20;
/** The PIT: channel 0 data, command; mode 0 (interrupt on terminal count), lobyte/hibyte. */
const PIT_CHANNEL0: u16 = 0x40;
const PIT_COMMAND: u16 = 0x43;
const PIT_ONESHOT: u8 = 0x30;
/** Ports 0x40–0x43: order 2. */
const PIT_PORTS_ORDER: u64 = 2;
/** About 1 ms of the PIT's 1.193182 MHz. */
const PIT_1MS: u64 = 1193;
/** An RDX input that a pin's assign_int must overwrite with 0. */
const RDX_JUNK: u64 = 0x5555;

const msi = new Msi();

/** assign_int on CPU `cpu`: the status; RSI/RDX (MSI address/data) through after(). */
function assign(sm: u64, flags: u64, cpu: u64): u32 {
  return assignInt(sm, flags, cpu, RDX_JUNK, msi);
}

/** The PIT in mode 0: its output goes low now and rises (GSI 2's edge) `count` ticks after the count. */
function pitOneShot(count: u64): void {
  outb(PIT_COMMAND, PIT_ONESHOT);
  outb(PIT_CHANNEL0, u8(count & 0xff));
  outb(PIT_CHANNEL0, u8(count >> 8));
}

/**
 * Quiets the PIT: the BIOS left channel 0 in mode 3 (a square wave, an edge every 55 ms),
 * and a mode word alone does not stop QEMU's counter. A one-shot of count 1 followed by a
 * wait for its output to go high ends the old count; in mode 0 the output then stays high
 * until the next count is written, so no edge follows (the one just made happens before
 * the interrupt is unmasked, and a masked IOAPIC pin drops edges).
 */
function pitStop(): void {
  pitOneShot(1);
  for (let i: u32 = 0; i < 100_000 && !pitOutput(); i++) pause();
}

/** Read-back command: latch counter 0's status; its bit 7 is the output (GSI 2's line). */
const PIT_READ_BACK_STATUS0: u8 = 0xe2;
function pitOutput(): bool {
  outb(PIT_COMMAND, PIT_READ_BACK_STATUS0);
  return (inb(PIT_CHANNEL0) & 0x80) !== 0;
}

/** Whether the CPU has RDT allocation (CPUID.(7,0):EBX[15]). */
function hasRdt(): bool {
  const regs = array<u32, 4>();
  cpuid(0, 0, regs);
  if (regs[0] < 7) return false;
  cpuid(7, 0, regs);
  return (regs[1] & (u32(1) << 15)) !== 0;
}

/** This CPU's initial APIC id (CPUID.1:EBX[31:24]): the MSI destination. */
function apicId(): u64 {
  const regs = array<u32, 4>();
  cpuid(1, 0, regs);
  return u64(regs[1] >> 24);
}

export function run(): void {
  block(600);
  const h = hip();
  const intPin = u64(h.intPin);
  const intMsi = u64(h.intMsi);
  // The kernel's choice: vectors 0x20…0xee, one per interrupt (docs/interrupts.md).
  check("hip-intpin-intmsi", atLeast(intPin, 16) && isValue(intPin + intMsi, 207));
  const mbuf = h.mbufStart;
  check(
    "hip-mbuf-one-page",
    isNot(mbuf, 0) && isValue(mbuf & 0xfff, 0) && isValue(h.mbufEnd, mbuf + 4096),
  );

  // Interrupt semaphores: copies from the NOVA object space keep 0x12 (ASSIGN|CTRLDN).
  check(
    "int_sm-copy",
    isStatus(
      pd(ROOT_OBJ_NOVA_OBJ, ROOT_OBJ_ROOT_OBJ, NOVA_OBJ_INT_SM + PIT_GSI, 0, GSI2, PERM_MASK),
      Status.SUCCESS,
    ) &&
      isStatus(
        pd(ROOT_OBJ_NOVA_OBJ, ROOT_OBJ_ROOT_OBJ, NOVA_OBJ_INT_SM + intPin, 0, MSI0, PERM_MASK),
        Status.SUCCESS,
      ),
  );
  expectStatus("int_sm-up-bad_cap", smUp(GSI2), Status.BAD_CAP);
  expectStatus("int_sm-down-counter-0", smDown(GSI2, false, PAST), Status.TIMEOUT);

  // assign_int: the CPU first (BAD_CPU even for a CAP0 selector), then the capability. CPU
  // CPUNUM is the first one that does not exist (1 on one CPU; smp.ts has the others).
  expectStatus("assign_int-bad_cpu", assign(GSI2, INT_M, u64(hip().cpuNum)), Status.BAD_CPU);
  expectStatus("assign_int-bad_cpu-before-cap", assign(EMPTY, 0, 0xffff), Status.BAD_CPU);
  check(
    "assign_int-bad_cap-regular-sm",
    isStatus(createSm(REGULAR_SM, ROOT_OBJ_ROOT_PD, 0), Status.SUCCESS) &&
      isStatus(assign(REGULAR_SM, 0, 0), Status.BAD_CAP),
  );
  check(
    "assign_int-bad_cap-not-sm",
    isStatus(assign(ROOT_OBJ, 0, 0), Status.BAD_CAP) &&
      isStatus(assign(EMPTY, 0, 0), Status.BAD_CAP),
  );
  check(
    "assign_int-bad_cap-without-assign",
    isStatus(copy(GSI2, GSI2_CTRLDN, Perm_sm.CTRL_DN), Status.SUCCESS) &&
      isStatus(assign(GSI2_CTRLDN, INT_M, 0), Status.BAD_CAP) &&
      isStatus(smDown(GSI2_CTRLDN, false, PAST), Status.TIMEOUT),
  );
  check(
    "assign_int-msi-address-data",
    isStatus(assign(MSI0, 0, 0), Status.SUCCESS) &&
      isValue(after(REG_RSI), 0xfee0_0000 | (apicId() << 12)) &&
      isValue(after(REG_RDX), 0x20 + intPin) &&
      isValue(u64(msi.address), after(REG_RSI)),
  );
  check(
    "assign_int-pin-rsi-rdx-0",
    isStatus(assign(GSI2, INT_M, 0), Status.SUCCESS) &&
      isValue(after(REG_RSI), 0) &&
      isValue(after(REG_RDX), 0),
  );

  // A real interrupt: the PIT's ports, GSI 2 edge-triggered and unmasked on CPU 0.
  const pit = u64(PIT_CHANNEL0);
  expectStatus(
    "pit-ports-delegated",
    pd(NOVA_PIO, ROOT_PIO, pit, PIT_PORTS_ORDER, pit, PERM_MASK),
    Status.SUCCESS,
  );
  const ms = h.stcFrequency / 1000;
  pitStop();
  // QEMU's IOAPIC keeps an edge that came while the pin was masked and delivers it on
  // unmask (the 82093AA drops it), and QEMU raises the PIT's line from a timer callback that
  // may run well after the counter reads as expired: a 20 ms down with Z (the CPU idles, so
  // QEMU's timers run) takes whatever that left.
  const unmasked = assign(GSI2, 0, 0);
  smDown(GSI2, true, rdtsc() + 20 * ms);
  check(
    "int-edge-quiet-pit-times-out",
    isStatus(unmasked, Status.SUCCESS) &&
      isStatus(smDown(GSI2, false, rdtsc() + 5 * ms), Status.TIMEOUT),
  );
  pitOneShot(PIT_1MS);
  expectStatus("int-edge-pit-one-shot", smDown(GSI2, false, rdtsc() + 1000 * ms), Status.SUCCESS);
  expectStatus("int-edge-exactly-one", smDown(GSI2, false, rdtsc() + 5 * ms), Status.TIMEOUT);

  // Level-triggered: the handler masks the pin, each down unmasks it. The PIT's output stays
  // high after its count, so every down sees one more interrupt until the output goes low.
  expectStatus("int-edge-masked-again", assign(GSI2, INT_M, 0), Status.SUCCESS);
  pitStop();
  smDown(GSI2, true, PAST);
  expectStatus("int-level-assign", assign(GSI2, INT_T, 0), Status.SUCCESS);
  pitOneShot(PIT_1MS);
  check(
    "int-level-down-unmasks",
    isStatus(smDown(GSI2, false, rdtsc() + 1000 * ms), Status.SUCCESS) &&
      isStatus(smDown(GSI2, false, rdtsc() + 1000 * ms), Status.SUCCESS) &&
      isStatus(smDown(GSI2, false, rdtsc() + 1000 * ms), Status.SUCCESS),
  );
  // A new count pulls the line low for 65536 PIT ticks. After a down that drains what is
  // pending, a 1 ms down times out while the output is still low; should the PIT have expired
  // meanwhile (an emulator whose PIT outruns its TSC), it must have been an interrupt instead.
  pitOneShot(0);
  const drained = smDown(GSI2, true, PAST);
  const low = smDown(GSI2, false, rdtsc() + ms);
  const high = pitOutput();
  check(
    "int-level-line-low-quiet",
    (isStatus(drained, Status.SUCCESS) || isStatus(drained, Status.TIMEOUT)) &&
      isStatus(low, high ? Status.SUCCESS : Status.TIMEOUT),
  );
  expectStatus("int-masked-again", assign(GSI2, INT_M, 0), Status.SUCCESS);

  platform();

  // The console semaphore (§9.9, perms 0x03): an up per kernel log line since boot, none since.
  check(
    "console_sm-counts-lines",
    isStatus(smDown(CONSOLE_SM, true, PAST), Status.SUCCESS) &&
      isStatus(smDown(CONSOLE_SM, false, PAST), Status.TIMEOUT),
  );

  // Leave the root spaces as the other blocks did (the boot test's final MDB counts).
  revoke(INT_SELS, RANGE_ORDER);
  pd(NOVA_PIO, ROOT_PIO, pit, PIT_PORTS_ORDER, pit, 0);
}

/** ctrl_hw: OPs other than 0 and 4–7, S2 (and the states without a resume path), QOS. */
function platform(): void {
  check(
    "ctrl_hw-bad_par-op",
    isStatus(ctrlHw(1, 0), Status.BAD_PAR) &&
      isStatus(ctrlHw(2, 0), Status.BAD_PAR) &&
      isStatus(ctrlHw(3, 0), Status.BAD_PAR) &&
      isStatus(ctrlHw(8, 0), Status.BAD_PAR) &&
      isStatus(ctrlHw(15, 0), Status.BAD_PAR),
  );
  expectStatus("ctrl_hw-s2-bad_ftr", ctrlHw(0, 2), Status.BAD_FTR);
  check(
    "ctrl_hw-s0-s1-s3-s6-bad_ftr",
    isStatus(ctrlHw(0, 0), Status.BAD_FTR) &&
      isStatus(ctrlHw(0, 1 | (1 << 3) | (1 << 6)), Status.BAD_FTR) &&
      isStatus(ctrlHw(0, 3 | (1 << 3) | (1 << 6)), Status.BAD_FTR) &&
      isStatus(ctrlHw(0, 6), Status.BAD_FTR),
  );
  // QOS (§10.2, §12.18): OP 5-7 before OP 4 ABORTED; OP 4 once; without RDT OP 5-7 BAD_PAR.
  check(
    "ctrl_hw-qos-before-op4-aborted",
    isStatus(ctrlHw(5, 1 << 16), Status.ABORTED) &&
      isStatus(ctrlHw(6, 1 << 16), Status.ABORTED) &&
      isStatus(ctrlHw(7, 0), Status.ABORTED),
  );
  const rdt = hasRdt();
  check(
    "ctrl_hw-qos-op4-bad-bits",
    isStatus(ctrlHw(4, 1), Status.BAD_PAR) &&
      isStatus(ctrlHw(4, 8), Status.BAD_PAR) &&
      (rdt || isStatus(ctrlHw(4, 2), Status.BAD_PAR)),
  );
  expectStatus("ctrl_hw-qos-op4", ctrlHw(4, 0), Status.SUCCESS);
  expectStatus("ctrl_hw-qos-op4-twice-aborted", ctrlHw(4, 0), Status.ABORTED);
  check(
    "ctrl_hw-qos-masks",
    isStatus(ctrlHw(5, 0), Status.BAD_PAR) &&
      isStatus(ctrlHw(5, 0x5 << 16), Status.BAD_PAR) &&
      (rdt ||
        (isStatus(ctrlHw(5, 1 << 16), Status.BAD_PAR) &&
          isStatus(ctrlHw(6, 1 << 16), Status.BAD_PAR) &&
          isStatus(ctrlHw(7, 0), Status.BAD_PAR))),
  );
}
