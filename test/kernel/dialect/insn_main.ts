// Host unit test of kernel-ts/insn_length.ts (instruction lengths for SVM
// exits without NRIPS); test/kernel/insn.test.ts builds it with gcc and clang
// under ASan+UBSan and runs `main(0)`.
//
// One guest space holds the guest's memory, delegated from the NOVA host
// space ("physical" = host address, as on the other host tests), and real
// guest page tables for every paging mode, written here entry by entry. Every
// mode maps linear code page k to guest-physical 0x20000 + k * 0x1000, so the
// same guest-physical layout serves all of them:
//
//   page 0, 1, 2, 4   readable code (0 and 1 for instructions across a boundary)
//   page 3            not in the guest space (a nested page fault)
//   page 5            in the guest space, but not present in the guest's tables
//   page 6            in the guest space without R (execute only)
//
// plus large pages where the mode has them. Each case places the bytes,
// points RIP at them and compares the length with the one wanted; a wrong one
// prints `insn: FAIL <mode> <case>: got N, want M` and the summary line of
// that mode is not printed. Then random bytes and random page tables, which
// must never fault (the sanitizers watch) and never give more than 15.

import { Perm_mem } from "../../../abi/perms.ts";
import { Status } from "../../../abi/status.ts";
import {
  SVM_EVENT_INVALID,
  SVM_EVENT_NONE,
  SVM_EVENT_NPF,
  SVM_EXIT_INVALID,
  SvmExit,
  svmEvent,
} from "../../../abi/svm_exits.ts";
import * as insn from "../../../kernel-ts/insn_length.ts";
import { GuestCode, instructionLength } from "../../../kernel-ts/insn_length.ts";
import * as kobject from "../../../kernel-ts/kobject.ts";
import * as mdb from "../../../kernel-ts/mdb.ts";
import * as hst from "../../../kernel-ts/space_hst.ts";
import { Space_hst } from "../../../kernel-ts/space_hst.ts";
import * as capheap from "./capheap.ts";
import * as random from "./random.ts";

const CODE: u64 = 0x20000;
const PAGE: u64 = 0x1000;
const NOT_IN_SPACE: u64 = 3;
const NOT_PRESENT: u64 = 5;
const EXECUTE_ONLY: u64 = 6;
/** Guest page tables from here on, one fresh page each. */
const TABLES: u64 = 0x100000;
/** Large pages: the one 4 KiB page of each that the guest space holds. */
const LARGE_2M: u64 = 0x20_0000;
const LARGE_4M: u64 = 0x40_0000;
const LARGE_PSE36: u64 = 0x1_0080_0000;
const LARGE_1G: u64 = 0x4000_0000;
/** Bit 12 clear: a large page's PAT bit taken for an address bit would show. */
const IN_LARGE: u64 = 0x6000;

const CR0_PE: u64 = 1;
const CR0_PG: u64 = 0x8000_0000;
const CR4_PSE: u64 = 0x10;
const CR4_PAE: u64 = 0x20;
const CR4_LA57: u64 = 0x1000;
const EFER_LME_LMA: u64 = 0x500;
const RFLAGS_VM: u64 = 0x2_0000;
/** UTCB access rights (§6.4): a present code segment, with L or D/B. */
const AR_CODE: u16 = 0x9b;
const AR_L: u16 = 0x200;
const AR_DB: u16 = 0x400;

const ENTRY_ADDRESS: u64 = 0x000f_ffff_ffff_f000;
/** Random byte strings per mode, random page tables at the end. */
const FUZZ_ROUNDS: u32 = 5000;
const TABLE_ROUNDS: u32 = 3000;

class InsnTest {
  guest: Space_hst;
  nova: Space_hst;
  kernelRoot: Phys;
  nextTable: u64;
  frames: u32;
  mode: str;
  /** Code size of the mode (16, 32, 64) and the linear address of code page 0. */
  size: u32;
  codeLa: u64;
  passed: u32;
  failed: u32;
  total: u32;
  fuzzNonZero: u32;
}
const st = new InsnTest();
const code = new GuestCode();
const frames = array<u64, 128>();

// ---- the guest space ----

function tableAlloc(): Phys {
  return phys(u64(kobject.allocBytes(4096, 4096)));
}

function tableFree(pa: Phys): void {
  kobject.freeBytes(virt(u64(pa)), 4096, 4096);
}

function noFlush(_s: Space_hst, _va: Virt): void {}

function notOwned(_pa: u64): bool {
  return false;
}

/** Every frame of the test's memory is RAM the "kernel" can read. */
function readable(_pa: Phys): bool {
  return true;
}

/** Gives guest-physical page `gpa` a fresh zeroed frame with `perms`. */
function mapGuest(gpa: u64, perms: u32): void {
  const frame = u64(kobject.allocBytes(4096, 4096));
  assert(frame !== 0 && st.frames < frames.length, "test: out of frames");
  frames[st.frames] = frame;
  st.frames++;
  assert(
    mdb.delegateHst(st.nova, frame >> 12, st.guest, gpa >> 12, 0, perms, hst.Ca.WB) ===
      Status.SUCCESS,
    "test: delegation into the guest space",
  );
}

function hostOf(gpa: u64): Virt {
  const cap = st.guest.lookup(gpa >> 12);
  assert(cap !== 0, "test: write to guest memory not in the space");
  return virt(u64(hst.memFrame(cap)) + (gpa & 0xfff));
}

function poke(gpa: u64, b: u8): void {
  ptrFromVirt<u8>(hostOf(gpa)).store(b);
}

function poke32(gpa: u64, v: u32): void {
  ptrFromVirt<u32>(hostOf(gpa)).store(v);
}

function peek32(gpa: u64): u32 {
  return ptrFromVirt<u32>(hostOf(gpa)).load();
}

function poke64(gpa: u64, v: u64): void {
  ptrFromVirt<u64>(hostOf(gpa)).store(v);
}

function peek64(gpa: u64): u64 {
  return ptrFromVirt<u64>(hostOf(gpa)).load();
}

function newTable(): u64 {
  const gpa = st.nextTable;
  st.nextTable += PAGE;
  mapGuest(gpa, u32(Perm_mem.R | Perm_mem.W));
  return gpa;
}

function setupMemory(): void {
  const rx = u32(Perm_mem.R | Perm_mem.XS);
  for (let k: u64 = 0; k <= EXECUTE_ONLY; k++) {
    if (k === NOT_IN_SPACE) continue;
    mapGuest(CODE + k * PAGE, k === EXECUTE_ONLY ? u32(Perm_mem.XS) : rx);
  }
  mapGuest(LARGE_2M + IN_LARGE, rx);
  mapGuest(LARGE_4M + IN_LARGE, rx);
  mapGuest(LARGE_PSE36 + IN_LARGE, rx);
  mapGuest(LARGE_1G + IN_LARGE, rx);
}

// ---- guest page tables ----

/** Maps `la` to `gpa` in `levels` levels of 8-byte entries at `root`, the leaf at level `leaf`. */
function map64(root: u64, la: u64, gpa: u64, levels: u32, leaf: u32): void {
  let t = root;
  for (let l = levels; l > leaf; l--) {
    const slot = t + ((la >> (12 + 9 * (l - 1))) & 0x1ff) * 8;
    if ((peek64(slot) & 1) === 0) poke64(slot, newTable() | 0x7);
    t = peek64(slot) & ENTRY_ADDRESS;
  }
  const slot = t + ((la >> (12 + 9 * (leaf - 1))) & 0x1ff) * 8;
  // A large page gets its PAT bit (12) set, which is no address bit there.
  poke64(slot, gpa | 0x3 | (leaf > 1 ? 0x1080 : 0));
}

/** The code pages 0…6 at `la` (page 5 left out) through `mapPage`. */
function mapCodePages(root: u64, la: u64, levels: u32): void {
  for (let k: u64 = 0; k <= EXECUTE_ONLY; k++)
    if (k !== NOT_PRESENT) map64(root, la + k * PAGE, CODE + k * PAGE, levels, 1);
}

/** 32-bit paging: a 4 KiB page, or a 4 MiB one (PSE-36 bits from the address). */
function map32(root: u64, la: u64, gpa: u64, large: bool): void {
  const slot = root + ((la >> 22) & 0x3ff) * 4;
  if (large) {
    poke32(slot, u32(gpa & 0xffc0_0000) | (u32((gpa >> 32) & 0xff) << 13) | 0x1083);
    return;
  }
  if ((peek32(slot) & 1) === 0) poke32(slot, u32(newTable()) | 0x7);
  poke32((peek32(slot) & 0xffff_f000) + ((la >> 12) & 0x3ff) * 4, u32(gpa) | 0x3);
}

/** PAE: the PDPTE (present only, as PAE wants) and then a two-level walk. */
function mapPae(pdpt: u64, la: u64, gpa: u64, leaf: u32): void {
  const slot = pdpt + ((la >> 30) & 3) * 8;
  if ((peek64(slot) & 1) === 0) poke64(slot, newTable() | 0x1);
  map64(peek64(slot) & ENTRY_ADDRESS, la, gpa, 2, leaf);
}

// ---- cases ----

/** Writes the hex bytes of `hex` ("0f a2") from guest-physical `gpa` on; returns how many. */
function place(gpa: u64, hex: str): u32 {
  let n: u32 = 0;
  let digits: u32 = 0;
  let v: u32 = 0;
  for (let i: usize = 0; i < strLength(hex); i++) {
    const c = u32(strByte(hex, i));
    if (c === 0x20) continue;
    v = (v << 4) | hexDigit(c);
    digits++;
    if (digits === 2) {
      poke(gpa + n, u8(v));
      n++;
      digits = 0;
      v = 0;
    }
  }
  return n;
}

/** RIP for linear address `la`: 64-bit code ignores the CS base. */
function ripFor(la: u64): u64 {
  return st.size === 64 ? la : la - code.csBase;
}

/** Decodes at linear `la` for `exit` and counts the case; a wrong length is reported. */
function check(what: str, la: u64, exit: u64, want: u32): void {
  code.rip = ripFor(la);
  const got = instructionLength(code, exit);
  st.total++;
  if (got === want) {
    st.passed++;
    return;
  }
  st.failed++;
  log(`insn: FAIL ${st.mode} ${what} (exit ${hex(exit)}): got ${got}, want ${want}`);
}

/** `bytes` placed at offset `offset` of code page 0 (a linear and a guest-physical offset). */
function at(what: str, offset: u64, bytes: str, exit: u64, want: u32): void {
  place(CODE + offset, bytes);
  check(what, st.codeLa + offset, exit, want);
}

function expect(what: str, bytes: str, exit: u64, want: u32): void {
  at(what, 0x100, bytes, exit, want);
}

/** The same bytes must give `want` at 16-bit addressing, `want32` at 32-bit, `want64` at 64-bit. */
function bySize(what: str, bytes: str, exit: u64, want16: u32, want32: u32, want64: u32): void {
  expect(what, bytes, exit, st.size === 16 ? want16 : st.size === 32 ? want32 : want64);
}

function fixedInstructions(): void {
  expect("CPUID", "0f a2", SvmExit.CPUID, 2);
  expect("HLT", "f4", SvmExit.HLT, 1);
  expect("HLT with a segment prefix", "2e f4", SvmExit.HLT, 2);
  expect("INVD", "0f 08", SvmExit.INVD, 2);
  expect("WBINVD", "0f 09", SvmExit.WBINVD, 2);
  expect("WBNOINVD (F3 0F 09)", "f3 0f 09", SvmExit.WBINVD, 3);
  expect("RDTSC", "0f 31", SvmExit.RDTSC, 2);
  expect("RDTSCP", "0f 01 f9", SvmExit.RDTSCP, 3);
  expect("RDPMC", "0f 33", SvmExit.RDPMC, 2);
  expect("RSM", "0f aa", SvmExit.RSM, 2);
  expect("PAUSE", "f3 90", SvmExit.PAUSE, 2);
  expect("NOP is no PAUSE", "90", SvmExit.PAUSE, 0);
  expect("VMRUN", "0f 01 d8", SvmExit.VMRUN, 3);
  expect("VMMCALL", "0f 01 d9", SvmExit.VMMCALL, 3);
  expect("VMLOAD", "0f 01 da", SvmExit.VMLOAD, 3);
  expect("VMSAVE", "0f 01 db", SvmExit.VMSAVE, 3);
  expect("STGI", "0f 01 dc", SvmExit.STGI, 3);
  expect("CLGI", "0f 01 dd", SvmExit.CLGI, 3);
  expect("SKINIT", "0f 01 de", SvmExit.SKINIT, 3);
  expect("INVLPGA", "0f 01 df", SvmExit.INVLPGA, 3);
  expect("VMMCALL is no VMRUN", "0f 01 d9", SvmExit.VMRUN, 0);
  expect("MONITOR", "0f 01 c8", SvmExit.MONITOR, 3);
  expect("MONITORX", "0f 01 fa", SvmExit.MONITOR, 3);
  expect("MWAIT", "0f 01 c9", SvmExit.MWAIT, 3);
  expect("MWAITX", "0f 01 fb", SvmExit.MWAIT, 3);
  expect("MWAIT (conditional)", "0f 01 c9", SvmExit.MWAIT_CONDITIONAL, 3);
  expect("XSETBV", "0f 01 d1", SvmExit.XSETBV, 3);
  expect("RDPRU", "0f 01 fd", SvmExit.RDPRU, 3);
  expect("RDMSR", "0f 32", SvmExit.MSR, 2);
  expect("WRMSR", "0f 30", SvmExit.MSR, 2);
  expect("RDTSC is no MSR access", "0f 31", SvmExit.MSR, 0);
  expect("INT n", "cd 80", SvmExit.SWINT, 2);
  expect("INT3 is an exception, not SWINT", "cc", SvmExit.SWINT, 0);
  expect("ICEBP", "f1", SvmExit.ICEBP, 1);
  expect("IRET", "cf", SvmExit.IRET, 1);
  expect("PUSHF", "9c", SvmExit.PUSHF, 1);
  expect("PUSHF with 66", "66 9c", SvmExit.PUSHF, 2);
  expect("POPF", "9d", SvmExit.POPF, 1);
  expect("CPUID is no HLT", "0f a2", SvmExit.HLT, 0);
}

function controlRegisters(): void {
  const cr = SvmExit.CR_READ;
  const crw = SvmExit.CR_WRITE;
  expect("MOV EAX, CR3", "0f 20 d8", cr + 3, 3);
  expect("MOV EAX, CR3 for CR0", "0f 20 d8", cr + 0, 0);
  expect("MOV CR from memory form: mod ignored", "0f 20 18", cr + 3, 3);
  expect("MOV CR4, EAX", "0f 22 e0", crw + 4, 3);
  expect("MOV CR4, EAX as a read", "0f 22 e0", cr + 4, 0);
  expect("LOCK MOV EAX, CR0 is CR8", "f0 0f 20 c0", cr + 8, 4);
  expect("SMSW reads CR0", "0f 01 e0", cr + 0, 3);
  expect("CLTS writes CR0", "0f 06", crw + 0, 2);
  expect("LMSW writes CR0", "0f 01 f0", crw + 0, 3);
  expect("LMSW: selective CR0 write", "0f 01 f0", SvmExit.CR0_SEL_WRITE, 3);
  expect("MOV CR0, EAX: selective CR0 write", "0f 22 c0", SvmExit.CR0_SEL_WRITE, 3);
  expect("CLTS is no selective CR0 write", "0f 06", SvmExit.CR0_SEL_WRITE, 0);
  expect("MOV EAX, DR7", "0f 21 f8", SvmExit.DR_READ + 7, 3);
  expect("MOV DR0, EAX", "0f 23 c0", SvmExit.DR_WRITE + 0, 3);
  expect("MOV DR0, EAX for DR1", "0f 23 c0", SvmExit.DR_WRITE + 1, 0);
}

function descriptorTables(): void {
  expect("SIDT [reg]", "0f 01 08", SvmExit.IDTR_READ, 3);
  expect("SGDT [reg]", "0f 01 00", SvmExit.GDTR_READ, 3);
  expect("LIDT [reg]", "0f 01 18", SvmExit.IDTR_WRITE, 3);
  expect("LGDT [reg]", "0f 01 10", SvmExit.GDTR_WRITE, 3);
  expect("SGDT is no SIDT", "0f 01 00", SvmExit.IDTR_READ, 0);
  expect("SIDT has no register form (that is MONITOR)", "0f 01 c8", SvmExit.IDTR_READ, 0);
  expect("SLDT EAX", "0f 00 c0", SvmExit.LDTR_READ, 3);
  expect("STR [reg]", "0f 00 08", SvmExit.TR_READ, 3);
  expect("LLDT AX", "0f 00 d0", SvmExit.LDTR_WRITE, 3);
  expect("LTR [reg + disp8]", "0f 00 5d 08", SvmExit.TR_WRITE, 4);
  expect("LTR is no LLDT", "0f 00 5d 08", SvmExit.LDTR_WRITE, 0);
  expect("INVLPG [reg]", "0f 01 38", SvmExit.INVLPG, 3);
  expect("INVLPG has no register form (that is SWAPGS)", "0f 01 f8", SvmExit.INVLPG, 0);
  // ModRM 0x0e: 16-bit [disp16]; 32/64-bit [esi] / [rsi].
  bySize("SIDT mod 0 rm 6", "0f 01 0e 34 12", SvmExit.IDTR_READ, 5, 3, 3);
  // ModRM 0x0d: 16-bit [di]; 32-bit [disp32]; 64-bit [rip + disp32].
  bySize("SIDT mod 0 rm 5", "0f 01 0d 78 56 34 12", SvmExit.IDTR_READ, 3, 7, 7);
  // ModRM 0x0c + 0x24: 16-bit [si]; 32/64-bit SIB [esp].
  bySize("SIDT mod 0 rm 4", "0f 01 0c 24", SvmExit.IDTR_READ, 3, 4, 4);
  // ModRM 0x4c 0x24 0x08: 16-bit [si + disp8]; SIB [esp + disp8].
  bySize("SIDT mod 1 rm 4", "0f 01 4c 24 08", SvmExit.IDTR_READ, 4, 5, 5);
  // ModRM 0x8c: 16-bit [si + disp16]; SIB + disp32.
  bySize("SIDT mod 2 rm 4", "0f 01 8c 98 00 01 00 00", SvmExit.IDTR_READ, 5, 8, 8);
  // SIB base 5 with mod 0: disp32 instead of a base (no such form at 16 bits: [si] then).
  bySize("SGDT SIB disp32", "0f 01 04 25 00 10 00 00", SvmExit.GDTR_READ, 3, 8, 8);
  bySize("INVLPG [disp]", "0f 01 3d 00 10 00 00", SvmExit.INVLPG, 3, 7, 7);
  // 0x67 toggles 16 and 32-bit addressing; in 64-bit code it selects 32-bit, the same forms.
  bySize("67 SIDT mod 0 rm 6", "67 0f 01 0e 34 12", SvmExit.IDTR_READ, 4, 6, 4);
  bySize("67 SIDT mod 2 rm 4", "67 0f 01 8c 98 00 01 00 00", SvmExit.IDTR_READ, 9, 6, 9);
}

function io(): void {
  expect("IN AL, imm8", "e4 60", SvmExit.IOIO, 2);
  expect("OUT imm8, EAX", "e7 80", SvmExit.IOIO, 2);
  expect("IN AL, DX", "ec", SvmExit.IOIO, 1);
  expect("OUT DX, EAX", "ef", SvmExit.IOIO, 1);
  expect("66 IN AX, DX", "66 ed", SvmExit.IOIO, 2);
  expect("REP INSB", "f3 6c", SvmExit.IOIO, 2);
  expect("REP 66 OUTSW", "f3 66 6f", SvmExit.IOIO, 3);
  expect("REP 67 INS", "f3 67 6d", SvmExit.IOIO, 3);
  expect("CALL is no I/O", "e8 00 00 00 00", SvmExit.IOIO, 0);
}

function prefixesAndLimits(): void {
  expect("11 prefixes + CPUID", "26 2e 36 3e 64 65 66 67 f2 f3 f0 0f a2", SvmExit.CPUID, 13);
  expect(
    "13 prefixes + CPUID: 15 bytes",
    "26 2e 36 3e 64 65 66 67 f2 f3 f0 2e 2e 0f a2",
    SvmExit.CPUID,
    15,
  );
  expect(
    "14 prefixes + CPUID: 16 bytes",
    "26 2e 36 3e 64 65 66 67 f2 f3 f0 2e 2e 2e 0f a2",
    SvmExit.CPUID,
    0,
  );
  expect(
    "15 prefixes, no opcode",
    "2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e f4",
    SvmExit.HLT,
    0,
  );
  expect(
    "14 prefixes + HLT: 15 bytes",
    "2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e f4",
    SvmExit.HLT,
    15,
  );
}

/** Exit codes no instruction at RIP stands for: 0 whatever the bytes. */
function noInstruction(): void {
  expect("INTR", "0f a2", SvmExit.INTR, 0);
  expect("NMI", "0f a2", SvmExit.NMI, 0);
  expect("VINTR", "0f a2", SvmExit.VINTR, 0);
  expect("#UD exception", "0f 0b", SvmExit.EXCEPTION + 6, 0);
  expect("#PF exception", "0f a2", SvmExit.EXCEPTION + 14, 0);
  expect("TASK_SWITCH", "cf", SvmExit.TASK_SWITCH, 0);
  expect("SHUTDOWN", "f4", SvmExit.SHUTDOWN, 0);
  expect("EFER write trap (after the WRMSR)", "0f 30", SvmExit.EFER_WRITE_TRAP, 0);
  expect("CR0 write trap", "0f 22 c0", SvmExit.CR_WRITE_TRAP + 0, 0);
  expect("NPF", "0f a2", SvmExit.NPF, 0);
  expect("VMEXIT_INVALID", "0f a2", SVM_EXIT_INVALID, 0);
}

function rex(): void {
  if (st.size === 64) {
    expect("REX.W IRETQ", "48 cf", SvmExit.IRET, 2);
    expect("REX.W INVLPG [rax]", "48 0f 01 38", SvmExit.INVLPG, 4);
    expect("REX.B INVLPG [r12] (SIB)", "41 0f 01 3c 24", SvmExit.INVLPG, 5);
    expect("REX.B INVLPG [r13 + 0]", "41 0f 01 7d 00", SvmExit.INVLPG, 5);
    expect("REX.R MOV RAX, CR8", "44 0f 20 c0", SvmExit.CR_READ + 8, 4);
    expect("REX.R MOV RAX, CR8 is no CR0 read", "44 0f 20 c0", SvmExit.CR_READ + 0, 0);
    expect("REX before a prefix is ignored", "44 66 0f 20 c0", SvmExit.CR_READ + 0, 5);
    expect("REX.B 90 is XCHG, not PAUSE", "f3 41 90", SvmExit.PAUSE, 0);
    expect("REP 67 REX.W INS", "f3 67 48 6d", SvmExit.IOIO, 4);
  } else {
    // 0x48 is DEC EAX outside 64-bit mode, an instruction of its own.
    expect("48 is no REX", "48 cf", SvmExit.IRET, 0);
    expect("44 is no REX", "44 0f 20 c0", SvmExit.CR_READ + 8, 0);
  }
}

/** Code across page boundaries and on pages that cannot be read. */
function memory(): void {
  at("CPUID across a page boundary", PAGE - 1, "0f a2", SvmExit.CPUID, 2);
  at(
    "SIDT disp32 across a page boundary",
    PAGE - 3,
    "0f 01 0d 78 56 34 12",
    SvmExit.IDTR_READ,
    st.size === 16 ? 3 : 7,
  );
  // The displacement or immediate alone on a page not in the guest space.
  at(
    "SIDT with its disp32 not in the guest space",
    3 * PAGE - 3,
    "0f 01 0d",
    SvmExit.IDTR_READ,
    st.size === 16 ? 3 : 0,
  );
  at("IN imm8 with the port not in the guest space", 3 * PAGE - 1, "e4", SvmExit.IOIO, 0);
  at("HLT at the end of a page before a hole", 3 * PAGE - 1, "f4", SvmExit.HLT, 1);
  at("CPUID before a page not in the guest space", 3 * PAGE - 1, "0f", SvmExit.CPUID, 0);
  check("a page not in the guest space", st.codeLa + 3 * PAGE, SvmExit.CPUID, 0);
  // Page 5 is in the guest space: without paging the CPUID is whole, with paging it is not.
  place(CODE + 5 * PAGE, "a2");
  const paged = (code.cr0 & CR0_PG) !== 0;
  at(
    "CPUID before a page the guest does not map",
    5 * PAGE - 1,
    "0f",
    SvmExit.CPUID,
    paged ? 0 : 2,
  );
  at("execute-only page", 6 * PAGE, "0f a2", SvmExit.CPUID, 0);
}

/** CPUID at linear `la`, whose page the mode maps onto guest-physical `gpa` (a large page). */
function largePage(what: str, la: u64, gpa: u64): void {
  place(gpa, "0f a2");
  check(what, la, SvmExit.CPUID, 2);
}

function allCases(): void {
  fixedInstructions();
  controlRegisters();
  descriptorTables();
  io();
  prefixesAndLimits();
  noInstruction();
  rex();
  memory();
}

// ---- modes ----

function setMode(name: str, size: u32, cr0: u64, cr4: u64, efer: u64, ar: u16, csBase: u64): void {
  st.mode = name;
  st.size = size;
  code.cr0 = cr0;
  code.cr4 = cr4;
  code.efer = efer;
  code.csAr = AR_CODE | ar;
  code.csBase = csBase;
  code.rflags = 0x2;
}

/** Runs every case in the mode set up, and says so when all passed. */
function runMode(codeLa: u64): void {
  st.codeLa = codeLa;
  const failedBefore = st.failed;
  const totalBefore = st.total;
  allCases();
  fuzzBytes(FUZZ_ROUNDS);
  if (st.failed === failedBefore) log(`insn: ${st.mode}: ${st.total - totalBefore} cases passed`);
}

function unpaged(): void {
  // Real mode: CS 0x1f00, code at linear 0x20000; the D bit of a real-mode CS does not count.
  setMode("real mode", 16, 0, 0, 0, AR_DB, 0x1_f000);
  runMode(CODE);
  setMode("16-bit protected mode without paging", 16, CR0_PE, 0, 0, 0, 0x1_0000);
  runMode(CODE);
  setMode("32-bit protected mode without paging", 32, CR0_PE, 0, 0, AR_DB, 0x1_0000);
  runMode(CODE);
  setMode("virtual-8086 mode", 16, CR0_PE, 0, 0, AR_DB, 0x1_f000);
  code.rflags = 0x2 | RFLAGS_VM;
  runMode(CODE);
}

function paging32(): void {
  const root = newTable();
  const la: u64 = 0x7000_0000;
  for (let k: u64 = 0; k <= EXECUTE_ONLY; k++)
    if (k !== NOT_PRESENT) map32(root, la + k * PAGE, CODE + k * PAGE, false);
  map32(root, 0x8040_0000, LARGE_4M, true);
  map32(root, 0x9000_0000, LARGE_PSE36, true);
  // A page table in guest memory that is not in the guest space.
  poke32(root + (0xa000_0000 >> 22) * 4, u32(CODE + NOT_IN_SPACE * PAGE) | 0x7);
  code.cr3 = root;
  setMode("32-bit paging", 32, CR0_PE | CR0_PG, CR4_PSE, 0, AR_DB, 0);
  runMode(la);
  largePage("4 MiB page", 0x8040_0000 + IN_LARGE, LARGE_4M + IN_LARGE);
  largePage("4 MiB page above 4 GiB (PSE-36)", 0x9000_0000 + IN_LARGE, LARGE_PSE36 + IN_LARGE);
  check("page table not in the guest space", 0xa000_0000, SvmExit.CPUID, 0);
  setMode("32-bit paging without PSE", 32, CR0_PE | CR0_PG, 0, 0, AR_DB, 0);
  check("4 MiB page without CR4.PSE", 0x8040_0000 + IN_LARGE, SvmExit.CPUID, 0);
  setMode("16-bit code with 32-bit paging", 16, CR0_PE | CR0_PG, CR4_PSE, 0, 0, 0x6fff_0000);
  runMode(la);
}

function pae(): void {
  const pdpt = newTable();
  const la: u64 = 0xc012_3000;
  for (let k: u64 = 0; k <= EXECUTE_ONLY; k++)
    if (k !== NOT_PRESENT) mapPae(pdpt, la + k * PAGE, CODE + k * PAGE, 1);
  mapPae(pdpt, 0x4020_0000, LARGE_2M, 2);
  code.cr3 = pdpt;
  setMode("PAE paging", 32, CR0_PE | CR0_PG, CR4_PAE, 0, AR_DB, 0);
  runMode(la);
  largePage("2 MiB page", 0x4020_0000 + IN_LARGE, LARGE_2M + IN_LARGE);
  // PDPTE 0 names the code's page directory but is not present.
  poke64(pdpt, peek64(pdpt + 3 * 8) & ~u64(1));
  place(CODE + 0x100, "0f a2");
  check("PDPTE not present", (la & 0x3fff_ffff) + 0x100, SvmExit.CPUID, 0);
}

function longMode(levels: u32): void {
  const root = newTable();
  const five = levels === 5;
  const la: u64 = five ? 0xff12_3456_7800_0000 : 0xffff_8123_4560_0000;
  const compat: u64 = 0x7000_0000;
  mapCodePages(root, la, levels);
  mapCodePages(root, compat, levels);
  map64(root, 0x7f00_0020_0000, LARGE_2M, levels, 2);
  map64(root, 0x7e00_4000_0000, LARGE_1G, levels, 3);
  // A PML4/PML5 entry naming a table outside the guest space.
  poke64(root + 0x1ff * 8, (CODE + NOT_IN_SPACE * PAGE) | 0x7);
  code.cr3 = root;
  const cr4 = CR4_PAE | (five ? CR4_LA57 : 0);
  const name = five ? "5-level paging, 64-bit code" : "4-level paging, 64-bit code";
  setMode(name, 64, CR0_PE | CR0_PG, cr4, EFER_LME_LMA, AR_L, 0x1234_0000);
  runMode(la);
  largePage("2 MiB page", 0x7f00_0020_0000 + IN_LARGE, LARGE_2M + IN_LARGE);
  largePage("1 GiB page", 0x7e00_4000_0000 + IN_LARGE, LARGE_1G + IN_LARGE);
  check("table not in the guest space", u64.MAX - 0xfff, SvmExit.CPUID, 0);
  // Not canonical: the same low 48 (57) bits as the code, the bits above them flipped.
  place(CODE + 0x100, "0f a2");
  check("RIP not canonical", (la ^ (u64(0xf0) << 56)) + 0x100, SvmExit.CPUID, 0);
  setMode(
    five ? "5-level compatibility mode" : "4-level compatibility mode",
    32,
    CR0_PE | CR0_PG,
    cr4,
    EFER_LME_LMA,
    AR_DB,
    0,
  );
  runMode(compat);
}

// ---- random input ----

/** Bytes the instructions of interest are made of, so that random strings often are one. */
const VOCABULARY: str =
  "0f0f0f0f01010000202122232ea2666667f3f3f0f2444841e4ece76c6fcdf4909c3032d9c8f90e8c0d2504";

/** Exit codes of one- and two-byte instructions (CPUID, HLT, IOIO, MSR, CR0, SWINT…), drawn often. */
const SHORTLIST: str = "72787b7c001066797581776e";

function hexDigit(c: u32): u32 {
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

/** A random byte of the hex string `hex`. */
function pick(hex: str, r: u64): u8 {
  const k = usize(r % (strLength(hex) / 2)) * 2;
  return u8((hexDigit(u32(strByte(hex, k))) << 4) | hexDigit(u32(strByte(hex, k + 1))));
}

/** An exit code: from SHORTLIST or any below 0xa0, half and half. */
function randomExit(): u64 {
  const r = random.next();
  return (r & 1) !== 0 ? (r >> 8) % 0xa0 : u64(pick(SHORTLIST, r >> 8));
}

/** A byte from VOCABULARY, or any byte one time in four. */
function randomByte(): u8 {
  const r = random.next();
  if ((r & 3) === 0) return u8(r >> 8);
  const k = usize((r >> 8) % (strLength(VOCABULARY) / 2)) * 2;
  return u8(
    (hexDigit(u32(strByte(VOCABULARY, k))) << 4) | hexDigit(u32(strByte(VOCABULARY, k + 1))),
  );
}

/**
 * Random bytes under random exit codes, across a page boundary: never a
 * fault, never above 15, and a length found does not change when the bytes
 * after the instruction do (the decoder reads nothing beyond it to decide).
 */
function fuzzBytes(rounds: u32): void {
  const start = CODE + PAGE - 8;
  for (let r: u32 = 0; r < rounds; r++) {
    const offset = PAGE - 8 + (random.next() & 7);
    for (let i: u64 = 0; i < 24; i++) poke(start + i, randomByte());
    code.rip = ripFor(st.codeLa + offset);
    const exit = randomExit();
    const got = instructionLength(code, exit);
    assert(got <= 15, "test: a length above 15");
    if (got === 0) continue;
    st.fuzzNonZero++;
    for (let i = offset + got; i < PAGE + 16; i++) poke(CODE + i, u8(random.next() & 0xff));
    assert(
      instructionLength(code, exit) === got,
      "test: the bytes after an instruction changed its length",
    );
  }
}

/** Random page-table entries and control registers: every walk must end safely. */
function fuzzTables(rounds: u32): void {
  const root = newTable();
  for (let r: u32 = 0; r < rounds; r++) {
    for (let i: u64 = 0; i < 512; i++) {
      // Entries pointing into the first guest pages (tables, code) or anywhere at all.
      const e = random.next();
      const near = (e & 0x1f_f000) | (e & 0xff) | 1;
      poke64(root + i * 8, (random.next() & 1) === 0 ? near : e);
    }
    code.cr3 = (random.next() & 1) === 0 ? root : random.next();
    code.cr0 = random.next() | CR0_PE;
    code.cr4 = random.next();
    code.efer = random.next();
    code.csAr = u16(random.next() & 0xffff);
    code.csBase = random.next();
    code.rip = (random.next() & 1) === 0 ? random.next() & 0x3f_ffff : random.next();
    assert(instructionLength(code, SvmExit.CPUID) <= 15, "test: a length above 15");
  }
}

function events(): void {
  assert(svmEvent(SvmExit.CPUID) === 0x72, "test: CPUID event");
  assert(svmEvent(SvmExit.CR_READ) === 0 && svmEvent(0xff) === 0xff, "test: raw events");
  assert(svmEvent(SvmExit.NPF) === SVM_EVENT_NPF && SVM_EVENT_NPF === 0xfc, "test: NPF event");
  assert(
    svmEvent(SVM_EXIT_INVALID) === SVM_EVENT_INVALID && SVM_EVENT_INVALID === 0xfd,
    "test: INVALID",
  );
  assert(svmEvent(0x100) === SVM_EVENT_NONE && svmEvent(0x401) === SVM_EVENT_NONE, "test: none");
  log(
    `insn: events: exit codes 0x00-0xff as themselves, NPF 0xfc, VMEXIT_INVALID 0xfd, others none`,
  );
}

function configure(): void {
  st.kernelRoot = tableAlloc();
  hst.configure(
    st.kernelRoot,
    true,
    tableAlloc,
    tableFree,
    noFlush,
    mdb.destroyHstSpace,
    mdb.revokeHst,
    notOwned,
  );
  insn.configure(readable);
  const nova = Space_hst.createNova();
  const guest = Space_hst.createGuest();
  assert(nova !== null && guest !== null, "test: spaces");
  if (nova === null || guest === null) return;
  kobject.ref(nova.hdr);
  kobject.ref(guest.hdr);
  st.nova = nova;
  st.guest = guest;
  st.nextTable = TABLES;
}

export function main(_mode: u32): void {
  capheap.setup();
  configure();
  events();
  code.space = st.guest;
  setupMemory();
  assert(instructionLength(code, SvmExit.HLT) === 0, "test: nothing placed yet");
  unpaged();
  paging32();
  pae();
  longMode(4);
  longMode(5);
  log(`insn: ${st.passed} of ${st.total} cases passed, ${st.failed} failed`);
  setMode("random tables", 32, 0, 0, 0, 0, 0);
  fuzzTables(TABLE_ROUNDS);
  log(
    `insn: random bytes (${FUZZ_ROUNDS} per mode) and ${TABLE_ROUNDS} random page tables: no fault, no length above 15, ${st.fuzzNonZero} instructions recognised`,
  );
  kobject.unref(st.guest.hdr);
  kobject.reap();
  for (let i: u32 = 0; i < st.frames; i++) kobject.freeBytes(virt(frames[i]), 4096, 4096);
  kobject.unref(st.nova.hdr);
  kobject.reap();
  tableFree(st.kernelRoot);
  capheap.checkAllBack();
  log(`insn: guest space, tables and frames given back`);
}
