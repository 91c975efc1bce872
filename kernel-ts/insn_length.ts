// The length of the guest instruction behind an SVM #VMEXIT, for CPUs
// without NRIPS (QEMU's TCG among them), whose VMCB leaves nRIP 0: the VMM
// needs the length to step RIP past an intercepted CPUID, HLT, RDMSR, OUT…
// (docs/vcpu-decode.md).
//
// The bytes at CS:RIP are read as the guest's CPU would fetch them: the
// linear address through the guest's own page tables (none, 32-bit, PAE,
// 4- or 5-level), each table and each code byte through the guest space
// (guest-physical page → memory capability, R needed). Then the prefixes,
// the opcode the exit code names and its ModRM/SIB/displacement/immediate
// are measured. Anything unexpected gives 0, never a fault: every guest
// value is untrusted, every read is checked, every loop is bounded by the
// 15-byte instruction limit or the number of paging levels.
//
// The guest may have changed its code or tables since the exit (another
// vCPU, DMA): then the bytes no longer are the kind of instruction the exit
// code names and the answer is 0, or they are, and the length is that of
// what is there now, which is what the VMM will see as well.

import { Perm_mem } from "../abi/perms.ts";
import { SvmExit } from "../abi/svm_exits.ts";
import { EFER_LMA } from "../abi/msr.ts";
import * as kmem from "./kmem.ts";
import { Space_hst, memFrame } from "./space_hst.ts";

/** What decoding needs of a vCPU's state at the exit (VMCB save area, UTCB encodings). */
export class GuestCode {
  /** The vCPU's guest space (kind GST): guest-physical page → memory capability. */
  space: Space_hst | null;
  cr0: u64;
  cr3: u64;
  cr4: u64;
  efer: u64;
  rflags: u64;
  csBase: u64;
  /** CS access rights in the UTCB encoding (nova-abi.md §6.4). */
  csAr: u16;
  rip: u64;
}

/** Whether the kernel can read physical frame `pa` (RAM in its direct map, not MMIO). */
export type Readable = (pa: Phys) => bool;

let readable: Readable = unreadable;

function unreadable(_pa: Phys): bool {
  return false;
}

/**
 * A guest frame may be device memory, which the direct map does not cover and
 * which a read could disturb: decoding reads only frames `readable` accepts.
 * Until this is called nothing is read and every length is 0.
 */
export function configure(canRead: Readable): void {
  readable = canRead;
}

/** The architectural limit: a longer instruction raises #GP. */
const MAX_LENGTH: u32 = 15;
const NO_ADDRESS: u64 = u64.MAX;
/** byte() beyond what was fetched: no opcode or ModRM equals it. */
const NO_BYTE: u32 = 0x100;

const CR0_PE: u64 = 1 << 0;
const CR0_PG: u64 = u64(1) << 31;
const CR4_PSE: u64 = 1 << 4;
const CR4_PAE: u64 = 1 << 5;
const CR4_LA57: u64 = 1 << 12;
const RFLAGS_VM: u64 = 1 << 17;
const AR_L: u16 = 1 << 9;
const AR_DB: u16 = 1 << 10;

const PRESENT: u64 = 1 << 0;
const LARGE: u64 = 1 << 7;
/** Address bits of a 64-bit paging entry (51:12). */
const ENTRY_ADDRESS: u64 = 0x000f_ffff_ffff_f000;
const PAGE_MASK: u64 = 0xfff;

// ---- guest memory ----

/** The kernel address of guest-physical `gpa` if its page is readable RAM of `s`, else 0. */
function hostAddress(s: Space_hst, gpa: u64): u64 {
  const sel = gpa >> 12;
  if (sel >= s.selectors()) return 0;
  const cap = s.lookup(sel);
  if ((cap & u64(Perm_mem.R)) === 0) return 0;
  const frame = memFrame(cap);
  if (!readable(frame)) return 0;
  return u64(kmem.toVirt(frame)) + (gpa & PAGE_MASK);
}

/** The paging entry at `gpa` (8 bytes if `wide`, else 4), or 0 (not present) when unreadable. */
function entry(s: Space_hst, gpa: u64, wide: bool): u64 {
  const va = hostAddress(s, gpa);
  if (va === 0) return 0;
  if (wide) return ptrFromVirt<u64>(virt(va)).load();
  return u64(ptrFromVirt<u32>(virt(va)).load());
}

/**
 * Walks 8-byte tables from `table` at paging level `level` (1 = page table,
 * 4 = PML4, 5 = PML5) down to the guest-physical address of `la`; 2 MiB and
 * 1 GiB pages end the walk early.
 */
function walk(s: Space_hst, table: u64, la: u64, level: u32): u64 {
  let t = table;
  for (let l = level; l >= 1; l--) {
    const shift = 12 + 9 * (l - 1);
    const e = entry(s, t + ((la >> shift) & 0x1ff) * 8, true);
    if ((e & PRESENT) === 0) return NO_ADDRESS;
    if (l === 1) return (e & ENTRY_ADDRESS) | (la & PAGE_MASK);
    const size = u64(1) << shift;
    if ((l === 2 || l === 3) && (e & LARGE) !== 0)
      return (e & ENTRY_ADDRESS & ~(size - 1)) | (la & (size - 1));
    t = e & ENTRY_ADDRESS;
  }
  return NO_ADDRESS;
}

/** 32-bit paging: two levels of 4-byte entries, 4 MiB pages with CR4.PSE (PSE-36 high bits). */
function walk32(g: GuestCode, s: Space_hst, la: u64): u64 {
  const pde = entry(s, (g.cr3 & 0xffff_f000) + ((la >> 22) & 0x3ff) * 4, false);
  if ((pde & PRESENT) === 0) return NO_ADDRESS;
  if ((pde & LARGE) !== 0 && (g.cr4 & CR4_PSE) !== 0)
    return (pde & 0xffc0_0000) | (((pde >> 13) & 0xff) << 32) | (la & 0x3f_ffff);
  const pte = entry(s, (pde & 0xffff_f000) + ((la >> 12) & 0x3ff) * 4, false);
  if ((pte & PRESENT) === 0) return NO_ADDRESS;
  return (pte & 0xffff_f000) | (la & PAGE_MASK);
}

/** Whether `la` is canonical for `bits`-bit linear addresses (48 or 57). */
function canonical(la: u64, bits: u32): bool {
  const high = la >> (bits - 1);
  return high === 0 || high === u64.MAX >> (bits - 1);
}

/** The guest-physical address of linear address `la`, or NO_ADDRESS. */
function translate(g: GuestCode, s: Space_hst, la: u64): u64 {
  if ((g.cr0 & CR0_PG) === 0) return la;
  if ((g.cr4 & CR4_PAE) === 0) return walk32(g, s, la);
  if ((g.efer & EFER_LMA) === 0) {
    // PAE: CR3 names four 8-byte PDPTEs, 32-byte aligned; no large pages at this level.
    const pdpte = entry(s, (g.cr3 & 0xffff_ffe0) + ((la >> 30) & 3) * 8, true);
    if ((pdpte & PRESENT) === 0) return NO_ADDRESS;
    return walk(s, pdpte & ENTRY_ADDRESS, la, 2);
  }
  const five = (g.cr4 & CR4_LA57) !== 0;
  if (!canonical(la, five ? 57 : 48)) return NO_ADDRESS;
  return walk(s, g.cr3 & ENTRY_ADDRESS, la, five ? 5 : 4);
}

/** The default operand and address size of the code at the exit: 16, 32 or 64. */
function codeSize(g: GuestCode): u32 {
  if ((g.efer & EFER_LMA) !== 0 && (g.csAr & AR_L) !== 0) return 64;
  if ((g.cr0 & CR0_PE) === 0 || (g.rflags & RFLAGS_VM) !== 0) return 16;
  return (g.csAr & AR_DB) !== 0 ? 32 : 16;
}

/**
 * The linear address of byte `i` of the instruction: 64-bit code has no CS
 * base; elsewhere the address wraps at 4 GiB.
 */
function linear(g: GuestCode, size: u32, i: u32): u64 {
  if (size === 64) return g.rip + i;
  return (g.csBase + ((g.rip + i) & 0xffff_ffff)) & 0xffff_ffff;
}

/**
 * Copies up to 15 bytes from CS:RIP into `bytes`, translating again at every
 * page boundary; returns how many it could read (fewer at an unreadable page).
 */
function fetch(g: GuestCode, s: Space_hst, size: u32, bytes: Arr<u8, 15>): u32 {
  let page: u64 = 0;
  for (let i: u32 = 0; i < MAX_LENGTH; i++) {
    const la = linear(g, size, i);
    if (i === 0 || (la & PAGE_MASK) === 0) {
      const gpa = translate(g, s, la);
      if (gpa === NO_ADDRESS) return i;
      page = hostAddress(s, gpa & ~PAGE_MASK);
      if (page === 0) return i;
    }
    bytes[i] = ptrFromVirt<u8>(virt(page + (la & PAGE_MASK))).load();
  }
  return MAX_LENGTH;
}

// ---- decoding ----

// What the prefixes before the opcode said, packed in one word so that the
// exit path allocates nothing: the opcode's index, 16-bit addressing (after
// 0x67 or not), REP (F3), LOCK, and the REX byte right before the opcode (an
// earlier REX is ignored, as by the CPU).
const OPCODE_MASK: u32 = 0xf;
const ADDRESS16: u32 = 1 << 4;
const REP: u32 = 1 << 5;
const LOCK: u32 = 1 << 6;
const REX_SHIFT: u32 = 8;
const REX_R: u32 = 4;
const REX_B: u32 = 1;
const NO_OPCODE: u32 = u32.MAX;

function opcodeAt(p: u32): u32 {
  return p & OPCODE_MASK;
}

function rex(p: u32): u32 {
  return (p >> REX_SHIFT) & 0xff;
}

/** `bytes[i]`, or NO_BYTE beyond the `n` fetched. */
function byte(bytes: Arr<u8, 15>, n: u32, i: u32): u32 {
  return i < n ? u32(bytes[i % MAX_LENGTH]) : NO_BYTE;
}

function isLegacyPrefix(b: u32): bool {
  switch (b) {
    case 0x66:
    case 0x67:
    case 0xf0:
    case 0xf2:
    case 0xf3:
    case 0x26:
    case 0x2e:
    case 0x36:
    case 0x3e:
    case 0x64:
    case 0x65:
      return true;
    default:
      return false;
  }
}

function isRex(b: u32, size: u32): bool {
  return size === 64 && (b & 0xf0) === 0x40;
}

/** The prefix word of the bytes fetched, or NO_OPCODE when no opcode follows within them. */
function prefixes(bytes: Arr<u8, 15>, n: u32, size: u32): u32 {
  let toggle = false;
  let p: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const b = byte(bytes, n, i);
    if (!isRex(b, size) && !isLegacyPrefix(b)) {
      const last = i > 0 ? byte(bytes, n, i - 1) : 0;
      if (isRex(last, size)) p |= last << REX_SHIFT;
      if (size === 16 ? !toggle : size === 32 && toggle) p |= ADDRESS16;
      return p | i;
    }
    if (b === 0x67) toggle = true;
    if (b === 0xf3) p |= REP;
    if (b === 0xf0) p |= LOCK;
  }
  return NO_OPCODE;
}

/** The index after the ModRM at `at` and the SIB and displacement it calls for. */
function afterModrm(bytes: Arr<u8, 15>, n: u32, at: u32, address16: bool): u32 {
  const modrm = byte(bytes, n, at);
  if (modrm === NO_BYTE) return 0;
  const mod = modrm >> 6;
  const rm = modrm & 7;
  if (mod === 3) return at + 1;
  if (address16) {
    if (mod === 0) return rm === 6 ? at + 3 : at + 1;
    return mod === 1 ? at + 2 : at + 3;
  }
  let end = at + 1;
  let base = rm;
  if (rm === 4) {
    const sib = byte(bytes, n, end);
    if (sib === NO_BYTE) return 0;
    base = sib & 7;
    end++;
  }
  if (mod === 0) return base === 5 ? end + 4 : end;
  return mod === 1 ? end + 1 : end + 4;
}

/** `op` alone (HLT, PUSHF, INS…): the opcode's end, or 0. */
function one(bytes: Arr<u8, 15>, n: u32, p: u32, op: u32): u32 {
  return byte(bytes, n, opcodeAt(p)) === op ? opcodeAt(p) + 1 : 0;
}

/** 0F `op` (CPUID, RDMSR…): the end, or 0. */
function two(bytes: Arr<u8, 15>, n: u32, p: u32, op: u32): u32 {
  return byte(bytes, n, opcodeAt(p)) === 0x0f && byte(bytes, n, opcodeAt(p) + 1) === op
    ? opcodeAt(p) + 2
    : 0;
}

/** 0F 01 `modrm` with that exact register-form ModRM (VMMCALL, RDTSCP…): the end, or 0. */
function group01(bytes: Arr<u8, 15>, n: u32, p: u32, modrm: u32): u32 {
  return two(bytes, n, p, 0x01) !== 0 && byte(bytes, n, opcodeAt(p) + 2) === modrm
    ? opcodeAt(p) + 3
    : 0;
}

/**
 * 0F `op` /`reg` (LGDT, SLDT, INVLPG…) with its operand: the end, or 0. A
 * `memory` form rejects a register operand (the CPU would not execute it as this instruction).
 */
function withModrm(bytes: Arr<u8, 15>, n: u32, p: u32, op: u32, reg: u32, memory: bool): u32 {
  if (two(bytes, n, p, op) === 0) return 0;
  const modrm = byte(bytes, n, opcodeAt(p) + 2);
  if (modrm === NO_BYTE || ((modrm >> 3) & 7) !== reg || (memory && modrm >> 6 === 3)) return 0;
  return afterModrm(bytes, n, opcodeAt(p) + 2, (p & ADDRESS16) !== 0);
}

/**
 * MOV from/to CR or DR `number` (0F 20–23): always a register operand, the
 * mod bits ignored, so no displacement. The register is ModRM.reg with REX.R,
 * and a LOCK prefix on MOV CR (AMD's alternative encoding) adds 8 (CR8).
 */
function movControl(bytes: Arr<u8, 15>, n: u32, p: u32, op: u32, number: u32): u32 {
  if (two(bytes, n, p, op) === 0) return 0;
  const modrm = byte(bytes, n, opcodeAt(p) + 2);
  if (modrm === NO_BYTE) return 0;
  let reg = ((modrm >> 3) & 7) | ((rex(p) & REX_R) << 1);
  if ((p & LOCK) !== 0 && (op === 0x20 || op === 0x22)) reg |= 8;
  return reg === number ? opcodeAt(p) + 3 : 0;
}

/** A CR `number` read: MOV from CR, or SMSW for CR0 (0F 01 /4). */
function crRead(bytes: Arr<u8, 15>, n: u32, p: u32, number: u32): u32 {
  const mov = movControl(bytes, n, p, 0x20, number);
  if (mov !== 0 || number !== 0) return mov;
  return withModrm(bytes, n, p, 0x01, 4, false);
}

/** A CR `number` write: MOV to CR; for CR0 also LMSW (0F 01 /6) and, unless `selective`, CLTS. */
function crWrite(bytes: Arr<u8, 15>, n: u32, p: u32, number: u32, selective: bool): u32 {
  const mov = movControl(bytes, n, p, 0x22, number);
  if (mov !== 0 || number !== 0) return mov;
  const lmsw = withModrm(bytes, n, p, 0x01, 6, false);
  if (lmsw !== 0 || selective) return lmsw;
  return two(bytes, n, p, 0x06);
}

/** IN/OUT with an immediate port (E4–E7), with DX (EC–EF), INS/OUTS (6C–6F). */
function ioio(bytes: Arr<u8, 15>, n: u32, p: u32): u32 {
  const op = byte(bytes, n, opcodeAt(p));
  if (op >= 0xe4 && op <= 0xe7) return opcodeAt(p) + 2;
  if ((op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f)) return opcodeAt(p) + 1;
  return 0;
}

/** 0F 01 D8–DF: VMRUN, VMMCALL, VMLOAD, VMSAVE, STGI, CLGI, SKINIT in exit-code order. */
function svmInstruction(bytes: Arr<u8, 15>, n: u32, p: u32, code: u64): u32 {
  return group01(bytes, n, p, 0xd8 + u32(code - SvmExit.VMRUN));
}

/** Exit codes for one instruction (or one group) that takes a fixed encoding. */
function fixed(bytes: Arr<u8, 15>, n: u32, p: u32, code: u64): u32 {
  switch (code) {
    case SvmExit.CPUID:
      return two(bytes, n, p, 0xa2);
    case SvmExit.HLT:
      return one(bytes, n, p, 0xf4);
    case SvmExit.INVD:
      return two(bytes, n, p, 0x08);
    case SvmExit.WBINVD:
      return two(bytes, n, p, 0x09);
    case SvmExit.RDTSC:
      return two(bytes, n, p, 0x31);
    case SvmExit.RDPMC:
      return two(bytes, n, p, 0x33);
    case SvmExit.RSM:
      return two(bytes, n, p, 0xaa);
    case SvmExit.RDTSCP:
      return group01(bytes, n, p, 0xf9);
    case SvmExit.XSETBV:
      return group01(bytes, n, p, 0xd1);
    case SvmExit.RDPRU:
      return group01(bytes, n, p, 0xfd);
    case SvmExit.INVLPGA:
      return group01(bytes, n, p, 0xdf);
    case SvmExit.ICEBP:
      return one(bytes, n, p, 0xf1);
    case SvmExit.IRET:
      return one(bytes, n, p, 0xcf);
    case SvmExit.PUSHF:
      return one(bytes, n, p, 0x9c);
    case SvmExit.POPF:
      return one(bytes, n, p, 0x9d);
    default:
      return 0;
  }
}

/** The instruction's end for exit `code`, or 0 when the bytes are not what it names. */
function end(bytes: Arr<u8, 15>, n: u32, p: u32, code: u64): u32 {
  if (code < SvmExit.CR_WRITE) return crRead(bytes, n, p, u32(code));
  if (code < SvmExit.DR_READ) return crWrite(bytes, n, p, u32(code - SvmExit.CR_WRITE), false);
  if (code < SvmExit.DR_WRITE) return movControl(bytes, n, p, 0x21, u32(code - SvmExit.DR_READ));
  if (code < SvmExit.EXCEPTION) return movControl(bytes, n, p, 0x23, u32(code - SvmExit.DR_WRITE));
  if (code >= SvmExit.VMRUN && code <= SvmExit.SKINIT) return svmInstruction(bytes, n, p, code);
  switch (code) {
    case SvmExit.CR0_SEL_WRITE:
      return crWrite(bytes, n, p, 0, true);
    case SvmExit.IDTR_READ:
      return withModrm(bytes, n, p, 0x01, 1, true);
    case SvmExit.GDTR_READ:
      return withModrm(bytes, n, p, 0x01, 0, true);
    case SvmExit.IDTR_WRITE:
      return withModrm(bytes, n, p, 0x01, 3, true);
    case SvmExit.GDTR_WRITE:
      return withModrm(bytes, n, p, 0x01, 2, true);
    case SvmExit.LDTR_READ:
      return withModrm(bytes, n, p, 0x00, 0, false);
    case SvmExit.TR_READ:
      return withModrm(bytes, n, p, 0x00, 1, false);
    case SvmExit.LDTR_WRITE:
      return withModrm(bytes, n, p, 0x00, 2, false);
    case SvmExit.TR_WRITE:
      return withModrm(bytes, n, p, 0x00, 3, false);
    case SvmExit.INVLPG:
      return withModrm(bytes, n, p, 0x01, 7, true);
    case SvmExit.PAUSE:
      // F3 90; with REX.B it is XCHG r8, rAX instead.
      return (p & REP) !== 0 && (rex(p) & REX_B) === 0 ? one(bytes, n, p, 0x90) : 0;
    case SvmExit.SWINT:
      return one(bytes, n, p, 0xcd) !== 0 ? opcodeAt(p) + 2 : 0;
    case SvmExit.IOIO:
      return ioio(bytes, n, p);
    case SvmExit.MSR: {
      const wrmsr = two(bytes, n, p, 0x30);
      return wrmsr !== 0 ? wrmsr : two(bytes, n, p, 0x32);
    }
    case SvmExit.MONITOR: {
      const monitor = group01(bytes, n, p, 0xc8);
      return monitor !== 0 ? monitor : group01(bytes, n, p, 0xfa);
    }
    case SvmExit.MWAIT:
    case SvmExit.MWAIT_CONDITIONAL: {
      const mwait = group01(bytes, n, p, 0xc9);
      return mwait !== 0 ? mwait : group01(bytes, n, p, 0xfb);
    }
    default:
      return fixed(bytes, n, p, code);
  }
}

/** Whether an instruction at RIP may have caused exit `code` (not an event, not a trap). */
function byInstruction(code: u64): bool {
  if (code >= SvmExit.EXCEPTION && code < SvmExit.CR0_SEL_WRITE) return false;
  return code <= SvmExit.RDPRU;
}

/**
 * The length in bytes of the instruction at the guest's CS:RIP that caused
 * an exit with SVM exit code `exitCode`, or 0 when it cannot tell: an exit
 * code no instruction causes (interrupts, exceptions, NPF, the CR and EFER
 * write traps, whose RIP is past the instruction already), code or tables
 * not readable, bytes that are not that instruction, or more than 15 bytes.
 */
export function instructionLength(g: GuestCode, exitCode: u64): u32 {
  const s = g.space;
  if (s === null || !byInstruction(exitCode)) return 0;
  const size = codeSize(g);
  const bytes = array<u8, 15>();
  const n = fetch(g, s, size, bytes);
  const p = prefixes(bytes, n, size);
  if (p === NO_OPCODE) return 0;
  const e = end(bytes, n, p, exitCode);
  return e <= n ? e : 0;
}
