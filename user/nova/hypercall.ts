// Typed bindings for the 15 hypercalls of nova-abi.md §3/§4: the one place a
// user program issues SYSCALL. Each binding builds RDI (selector << 8 |
// flags << 4 | number) and the other inputs, and returns the status, RDI[7:0]
// (§3: callers inspect only those bits; a successful ipc_call leaves RDI as
// passed in). Hypercalls with outputs write them into an out struct the caller
// owns (module-level: a user program has no allocator).
//
// The `syscall` intrinsic passes RDI, RSI, RDX, RAX, R8 in regs[0..4] and gives
// them back after the call, with RCX and R11 in regs[5], regs[6] and the address after SYSCALL in
// regs[7]; `raw` exposes
// that for ABI tests, and `after(REG_…)` reads any of them after the last call.
//
// ECs of one PD may run on several CPUs at once (docs/smp.md): every binding
// issues its hypercall from registers in a local array (on the calling EC's
// stack) and takes its outputs from there; only then are they copied to the
// module's `regs` for `after()`, which is meant for single-EC ABI checks.

import { Hypercall } from "../../abi/hypercall.ts";
import { Status } from "../../abi/status.ts";

/** Indices into the registers of the last hypercall (the `syscall` intrinsic's order). */
export const REG_RDI: usize = 0;
export const REG_RSI: usize = 1;
export const REG_RDX: usize = 2;
export const REG_RAX: usize = 3;
export const REG_R8: usize = 4;
export const REG_RCX: usize = 5;
export const REG_R11: usize = 6;
/** Not a register: the address right after the SYSCALL instruction (what RCX must be). */
export const REG_AFTER: usize = 7;

const regs = array<u64, 8>();

/** ipc_call's and ipc_reply's outputs: the message's MTD (RSI) and, after ipc_reply, the PID (RDI). */
export class IpcOut {
  mtd: u32;
  pid: u64;
}

/** ctrl_sc's output: the SC's consumed time in STC ticks (RSI). */
export class ScTime {
  ticks: u64;
}

/** assign_int's outputs: the MSI address (RSI[31:0]) and data (RDX[15:0]); 0 for pins. */
export class Msi {
  address: u32;
  data: u16;
}

/** One hypercall from `r` (this EC's own registers), then a copy of them for `after()`. */
function issue(r: Arr<u64, 8>, rdi: u64, rsi: u64, rdx: u64, rax: u64, r8: u64): void {
  r[REG_RDI] = rdi;
  r[REG_RSI] = rsi;
  r[REG_RDX] = rdx;
  r[REG_RAX] = rax;
  r[REG_R8] = r8;
  syscall(r);
  regs[0] = r[0];
  regs[1] = r[1];
  regs[2] = r[2];
  regs[3] = r[3];
  regs[4] = r[4];
  regs[5] = r[5];
  regs[6] = r[6];
  regs[7] = r[7];
}

/** Any hypercall: RDI…R8 as given; returns the whole RDI afterwards. */
export function raw(rdi: u64, rsi: u64, rdx: u64, rax: u64, r8: u64): u64 {
  const r = array<u64, 8>();
  issue(r, rdi, rsi, rdx, rax, r8);
  return r[REG_RDI];
}

/** Register `reg` (REG_…) after the last hypercall. */
export function after(reg: usize): u64 {
  return regs[reg];
}

/** RDI's identifier and first selector: sel << 8 | flags << 4 | number. */
export function rdi(sel: u64, flags: u64, number: u32): u64 {
  assert(flags < 0x10, "hypercall flags are 4 bits");
  return (sel << 8) | (flags << 4) | u64(number);
}

function call(rdi: u64, rsi: u64, rdx: u64, rax: u64, r8: u64): Status {
  return u32(raw(rdi, rsi, rdx, rax, r8) & 0xff);
}

/** 0x0 ipc_call(pt, T, mtd): out.mtd = the reply MTD. */
export function ipcCall(pt: u64, timeoutFlag: bool, mtd: u32, out: IpcOut): Status {
  const r = array<u64, 8>();
  issue(r, rdi(pt, timeoutFlag ? 1 : 0, Hypercall.IPC_CALL), u64(mtd), 0, 0, 0);
  out.mtd = u32(r[REG_RSI]);
  return u32(r[REG_RDI] & 0xff);
}

/**
 * 0x1 ipc_reply(mtd): when the next message arrives the EC continues at the portal's IP, not
 * here; this returns only when the kernel refuses (the status), out.pid/out.mtd = RDI/RSI.
 */
export function ipcReply(mtd: u32, out: IpcOut): Status {
  const r = array<u64, 8>();
  issue(r, rdi(0, 0, Hypercall.IPC_REPLY), u64(mtd), 0, 0, 0);
  out.pid = r[REG_RDI];
  out.mtd = u32(r[REG_RSI]);
  return u32(r[REG_RDI] & 0xff);
}

/** 0x2 create_pd(sel, op, pd): a PD (PdOp.PD) or a space of `pd` into `sel`. */
export function createPd(sel: u64, op: u32, pd: u64): Status {
  return call(rdi(sel, u64(op), Hypercall.CREATE_PD), pd, 0, 0, 0);
}

/** 0x3 create_ec(sel, flags EC_G|EC_T|EC_F, pd, utcb page | cpu, sp, evt). */
export function createEc(
  sel: u64,
  flags: u64,
  pd: u64,
  utcb: u64,
  cpu: u64,
  sp: u64,
  evt: u64,
): Status {
  assert((utcb & 0xfff) === 0 && cpu < 0x1000, "create_ec: UTCB page aligned, cpu 12 bits");
  return call(rdi(sel, flags, Hypercall.CREATE_EC), pd, utcb | cpu, sp, evt);
}

/** 0x4 create_sc(sel, pd, ec, scd): `scd` from abi/scd.ts `scd()`. */
export function createSc(sel: u64, pd: u64, ec: u64, scd: u64): Status {
  return call(rdi(sel, 0, Hypercall.CREATE_SC), pd, ec, scd, 0);
}

/** 0x5 create_pt(sel, pd, ec, ip). */
export function createPt(sel: u64, pd: u64, ec: u64, ip: u64): Status {
  return call(rdi(sel, 0, Hypercall.CREATE_PT), pd, ec, ip, 0);
}

/** 0x6 create_sm(sel, pd, counter). */
export function createSm(sel: u64, pd: u64, counter: u64): Status {
  return call(rdi(sel, 0, Hypercall.CREATE_SM), pd, counter, 0, 0);
}

/**
 * 0x7 ctrl_pd(src, dst, ssb, ord, dsb, pmm, mad): 2^ord capabilities src[ssb…] → dst[dsb…]
 * with their permissions ANDed with `pmm` (CAP0 or pmm 0 revokes the destination range).
 */
export function ctrlPd(
  src: u64,
  dst: u64,
  ssb: u64,
  ord: u64,
  dsb: u64,
  pmm: u64,
  mad: u32,
): Status {
  return call(
    rdi(src, 0, Hypercall.CTRL_PD),
    dst,
    (ssb << 12) | (ord & 0x1f),
    (dsb << 12) | (pmm & 0x1f),
    u64(mad),
  );
}

/** 0x8 ctrl_ec(ec, strong). */
export function ctrlEc(ec: u64, strong: bool): Status {
  return call(rdi(ec, strong ? 1 : 0, Hypercall.CTRL_EC), 0, 0, 0, 0);
}

/** 0x9 ctrl_sc(sc): out.ticks = the SC's consumed time. */
export function ctrlSc(sc: u64, out: ScTime): Status {
  const r = array<u64, 8>();
  issue(r, rdi(sc, 0, Hypercall.CTRL_SC), 0, 0, 0, 0);
  out.ticks = r[REG_RSI];
  return u32(r[REG_RDI] & 0xff);
}

/** 0xa ctrl_pt(pt, pid, mtd). */
export function ctrlPt(pt: u64, pid: u64, mtd: u32): Status {
  return call(rdi(pt, 0, Hypercall.CTRL_PT), pid, u64(mtd), 0, 0);
}

/** 0xb ctrl_sm up. */
export function smUp(sm: u64): Status {
  return call(rdi(sm, 0, Hypercall.CTRL_SM), 0, 0, 0, 0);
}

/** 0xb ctrl_sm down (to zero with `zero`); `timeout` = absolute STC, 0 = none. */
export function smDown(sm: u64, zero: bool, timeout: u64): Status {
  return call(rdi(sm, zero ? 0x3 : 0x1, Hypercall.CTRL_SM), timeout, 0, 0, 0);
}

/** 0xc ctrl_hw(op, desc): root PD only. */
export function ctrlHw(op: u64, desc: u64): Status {
  return call(rdi(desc, op, Hypercall.CTRL_HW), 0, 0, 0, 0);
}

/** 0xd assign_int(sm, flags INT_M|INT_T|INT_P|INT_G, cpu, dev): out = the MSI address/data. */
export function assignInt(sm: u64, flags: u64, cpu: u64, dev: u64, out: Msi): Status {
  const r = array<u64, 8>();
  issue(r, rdi(sm, flags, Hypercall.ASSIGN_INT), cpu, dev, 0, 0);
  out.address = u32(r[REG_RSI] & 0xffff_ffff);
  out.data = u16(r[REG_RDX] & 0xffff);
  return u32(r[REG_RDI] & 0xff);
}

/** 0xe assign_dev(dma, smmu, dad): `smmu` the IOMMU's register page (physical). */
export function assignDev(dma: u64, smmu: u64, dad: u64): Status {
  return call(rdi(dma, 0, Hypercall.ASSIGN_DEV), smmu, dad, 0, 0);
}
