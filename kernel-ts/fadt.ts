// FADT, the Fixed ACPI Description Table (ACPI 6.5 §5.2.9, signature
// "FACP"): the SCI interrupt, the PM timer, the reset register, the PM1
// event/control blocks, the feature and boot-architecture flags, and where
// the DSDT and FACS are. The table grew with each ACPI revision; a field is
// read only when the table's length covers it (ACPI 1.0 tables end at 116).

import * as sdt from "./sdt.ts";

/** The ACPI 1.0 FADT ends after the flags. */
const ACPI1_LENGTH: u32 = 116;

/** FADT flags (ACPI 6.5 Table 5.10). */
export const FLAG_TMR_VAL_EXT: u32 = 1 << 8;
export const FLAG_RESET_REG_SUP: u32 = 1 << 10;
export const FLAG_HW_REDUCED_ACPI: u32 = 1 << 20;

/**
 * ACPI 6.5 Table 5.9, for its layout: a table may end after any revision's
 * fields, so parse() reads each field at its offset once the length covers it.
 */
class Fadt {
  header: Inline<sdt.SdtHeader>;
  firmwareCtrl: u32;
  dsdt: u32;
  reserved0: u8;
  preferredPmProfile: u8;
  sciInt: u16;
  smiCmd: u32;
  acpiEnable: u8;
  acpiDisable: u8;
  s4biosReq: u8;
  pstateCnt: u8;
  pm1aEvtBlk: u32;
  pm1bEvtBlk: u32;
  pm1aCntBlk: u32;
  pm1bCntBlk: u32;
  pm2CntBlk: u32;
  pmTmrBlk: u32;
  gpe0Blk: u32;
  gpe1Blk: u32;
  pm1EvtLen: u8;
  pm1CntLen: u8;
  pm2CntLen: u8;
  pmTmrLen: u8;
  gpe0BlkLen: u8;
  gpe1BlkLen: u8;
  gpe1Base: u8;
  cstCnt: u8;
  pLvl2Lat: u16;
  pLvl3Lat: u16;
  flushSize: u16;
  flushStride: u16;
  dutyOffset: u8;
  dutyWidth: u8;
  dayAlrm: u8;
  monAlrm: u8;
  century: u8;
  iapcBootArch: u16;
  reserved1: u8;
  flags: u32;
  resetReg: Inline<sdt.Gas>;
  resetValue: u8;
  armBootArch: u16;
  minorVersion: u8;
  xFirmwareCtrl: u64;
  xDsdt: u64;
  xPm1aEvtBlk: Inline<sdt.Gas>;
  xPm1bEvtBlk: Inline<sdt.Gas>;
  xPm1aCntBlk: Inline<sdt.Gas>;
  xPm1bCntBlk: Inline<sdt.Gas>;
  xPm2CntBlk: Inline<sdt.Gas>;
  xPmTmrBlk: Inline<sdt.Gas>;
  xGpe0Blk: Inline<sdt.Gas>;
  xGpe1Blk: Inline<sdt.Gas>;
  sleepControlReg: Inline<sdt.Gas>;
  sleepStatusReg: Inline<sdt.Gas>;
  hypervisorVendorId: u64;
}
layout(Fadt, {
  packed: true,
  size: 276,
  offsets: {
    firmwareCtrl: 36,
    dsdt: 40,
    sciInt: 46,
    smiCmd: 48,
    acpiEnable: 52,
    acpiDisable: 53,
    pm1aEvtBlk: 56,
    pm1bEvtBlk: 60,
    pm1aCntBlk: 64,
    pm1bCntBlk: 68,
    pmTmrBlk: 76,
    pm1EvtLen: 88,
    pm1CntLen: 89,
    pmTmrLen: 91,
    century: 108,
    iapcBootArch: 109,
    flags: 112,
    resetReg: 116,
    resetValue: 128,
    minorVersion: 131,
    xFirmwareCtrl: 132,
    xDsdt: 140,
    xPm1aEvtBlk: 148,
    xPm1aCntBlk: 172,
    xPmTmrBlk: 208,
    sleepControlReg: 244,
    hypervisorVendorId: 268,
  },
});

/** A register as the kernel uses it: address space (sdt.Space), address, width in bits. */
export class Register {
  space: u8;
  bitWidth: u8;
  address: u64;
}

export class FadtInfo {
  valid: bool;
  revision: u8;
  minorVersion: u8;
  flags: u32;
  /** IA-PC boot architecture flags (legacy devices, 8042, VGA, MSI, CMOS). */
  bootArch: u16;
  /** 0 when the table predates the field. */
  century: u8;
  sciIrq: u16;
  smiCommand: u32;
  acpiEnable: u8;
  acpiDisable: u8;
  pm1aEvent: u32;
  pm1bEvent: u32;
  pm1aControl: u32;
  pm1bControl: u32;
  pm1EventLength: u8;
  pm1ControlLength: u8;
  /** PM2_CNT_BLK and its length (0 without one): a protected port range (nova-abi.md §9.6). */
  pm2Control: u32;
  pm2ControlLength: u8;
  /** The PM timer; space and address 0 without one. */
  pmTimer: Inline<Register>;
  pmTimerPresent: bool;
  /** 24 or 32 (FLAG_TMR_VAL_EXT). */
  pmTimerBits: u8;
  reset: Inline<Register>;
  resetPresent: bool;
  resetValue: u8;
  /** Physical addresses (the 64-bit X_ fields when present and set). */
  dsdt: u64;
  facs: u64;
}

export const info = new FadtInfo();

function reset(): void {
  info.valid = false;
  info.revision = 0;
  info.minorVersion = 0;
  info.flags = 0;
  info.bootArch = 0;
  info.century = 0;
  info.sciIrq = 0;
  info.smiCommand = 0;
  info.acpiEnable = 0;
  info.acpiDisable = 0;
  info.pm1aEvent = 0;
  info.pm1bEvent = 0;
  info.pm1aControl = 0;
  info.pm1bControl = 0;
  info.pm1EventLength = 0;
  info.pm1ControlLength = 0;
  info.pm2Control = 0;
  info.pm2ControlLength = 0;
  clearRegister(info.pmTimer);
  info.pmTimerPresent = false;
  info.pmTimerBits = 0;
  clearRegister(info.reset);
  info.resetPresent = false;
  info.resetValue = 0;
  info.dsdt = 0;
  info.facs = 0;
}

function clearRegister(r: Register): void {
  r.space = 0;
  r.bitWidth = 0;
  r.address = 0;
}

/** Whether a field of `size` bytes at `off` lies inside a table of `n` bytes. */
function has(n: u32, off: usize, size: usize): bool {
  return u64(off) + u64(size) <= u64(n);
}

// Reads of the fields of an ACPI 1.0 table (offsets below 116; callers check larger ones).
function r8(va: Virt, off: usize): u8 {
  return sdt.u8At(va, u32(off));
}
function r16(va: Virt, off: usize): u16 {
  return sdt.u16At(va, u32(off));
}
function r32(va: Virt, off: usize): u32 {
  return sdt.u32At(va, u32(off));
}

/** Copies the GAS at `off` when the table covers it and it is in memory or I/O space, non-zero. */
function register(va: Virt, n: u32, off: usize, r: Register): bool {
  if (!has(n, off, sizeof<sdt.Gas>())) return false;
  const g = structAt<sdt.Gas>(va + off);
  if (g.address === 0 || (g.spaceId !== sdt.Space.MEMORY && g.spaceId !== sdt.Space.IO))
    return false;
  r.space = g.spaceId;
  r.bitWidth = g.bitWidth;
  r.address = g.address;
  return true;
}

/** Parses the FADT at `va` with `avail` readable bytes into `info`; false after logging why not. */
export function parse(va: Virt, avail: u32): bool {
  reset();
  const n = sdt.check(va, avail, "FACP", ACPI1_LENGTH, "FADT", "table");
  if (n === 0) return false;
  info.revision = sdt.u8At(va, 8);
  info.flags = r32(va, offsetof<Fadt>("flags"));
  info.bootArch = r16(va, offsetof<Fadt>("iapcBootArch"));
  info.century = r8(va, offsetof<Fadt>("century"));
  info.sciIrq = r16(va, offsetof<Fadt>("sciInt"));
  info.smiCommand = r32(va, offsetof<Fadt>("smiCmd"));
  info.acpiEnable = r8(va, offsetof<Fadt>("acpiEnable"));
  info.acpiDisable = r8(va, offsetof<Fadt>("acpiDisable"));
  info.pm1aEvent = r32(va, offsetof<Fadt>("pm1aEvtBlk"));
  info.pm1bEvent = r32(va, offsetof<Fadt>("pm1bEvtBlk"));
  info.pm1aControl = r32(va, offsetof<Fadt>("pm1aCntBlk"));
  info.pm1bControl = r32(va, offsetof<Fadt>("pm1bCntBlk"));
  info.pm1EventLength = r8(va, offsetof<Fadt>("pm1EvtLen"));
  info.pm1ControlLength = r8(va, offsetof<Fadt>("pm1CntLen"));
  info.pm2Control = r32(va, offsetof<Fadt>("pm2CntBlk"));
  info.pm2ControlLength = r8(va, offsetof<Fadt>("pm2CntLen"));
  info.dsdt = u64(r32(va, offsetof<Fadt>("dsdt")));
  info.facs = u64(r32(va, offsetof<Fadt>("firmwareCtrl")));
  if (has(n, offsetof<Fadt>("minorVersion"), 1))
    info.minorVersion = r8(va, offsetof<Fadt>("minorVersion"));
  if (has(n, offsetof<Fadt>("xFirmwareCtrl"), 8)) {
    const x = sdt.u64At(va, u32(offsetof<Fadt>("xFirmwareCtrl")));
    if (x !== 0) info.facs = x;
  }
  if (has(n, offsetof<Fadt>("xDsdt"), 8)) {
    const x = sdt.u64At(va, u32(offsetof<Fadt>("xDsdt")));
    if (x !== 0) info.dsdt = x;
  }

  // The PM timer: the 64-bit GAS when given, else the I/O port (4 bytes wide when present).
  info.pmTimerBits = (info.flags & FLAG_TMR_VAL_EXT) !== 0 ? 32 : 24;
  const port = r32(va, offsetof<Fadt>("pmTmrBlk"));
  if (register(va, n, offsetof<Fadt>("xPmTmrBlk"), info.pmTimer)) info.pmTimerPresent = true;
  else if (port !== 0 && r8(va, offsetof<Fadt>("pmTmrLen")) === 4) {
    info.pmTimer.space = u8(sdt.Space.IO);
    info.pmTimer.bitWidth = 32;
    info.pmTimer.address = u64(port);
    info.pmTimerPresent = true;
  }

  if (
    (info.flags & FLAG_RESET_REG_SUP) !== 0 &&
    has(n, offsetof<Fadt>("resetValue"), 1) &&
    register(va, n, offsetof<Fadt>("resetReg"), info.reset)
  ) {
    info.resetPresent = true;
    info.resetValue = r8(va, offsetof<Fadt>("resetValue"));
  }
  info.valid = true;
  return true;
}

/** Logs what parse() found, one line per fact (docs/boot-log.md). */
export function report(): void {
  log(
    `FADT: revision ${info.revision}.${info.minorVersion} flags ${hex(info.flags)} boot architecture ${hex(info.bootArch)}${(info.flags & FLAG_HW_REDUCED_ACPI) !== 0 ? " (hardware-reduced)" : ""}`,
  );
  log(
    `FADT: SCI IRQ ${info.sciIrq}, SMI command ${hex(info.smiCommand)} (enable ${hex(info.acpiEnable)}, disable ${hex(info.acpiDisable)})`,
  );
  log(
    `FADT: PM1a event ${hex(info.pm1aEvent)} control ${hex(info.pm1aControl)}, PM1b event ${hex(info.pm1bEvent)} control ${hex(info.pm1bControl)}`,
  );
  if (info.pmTimerPresent)
    log(
      `FADT: PM timer ${sdt.spaceName(info.pmTimer.space)} ${hex(info.pmTimer.address)}, ${info.pmTimerBits}-bit`,
    );
  else log(`FADT: no PM timer`);
  if (info.resetPresent)
    log(
      `FADT: reset register ${sdt.spaceName(info.reset.space)} ${hex(info.reset.address)} value ${hex(info.resetValue)}`,
    );
  else log(`FADT: no reset register`);
}
