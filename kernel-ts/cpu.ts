// The boot CPU's identity and capabilities from CPUID (and, for VMX, the VMX
// capability MSRs): vendor and brand strings, family/model/stepping, the
// feature flags the hypervisor depends on, and what VMX or SVM offers for
// nested paging and tagged TLBs. identify() reads them once and logs them in
// the format of docs/boot-log.md; has() answers later questions.

import {
  IA32_FEATURE_CONTROL,
  IA32_VMX_BASIC,
  IA32_VMX_EPT_VPID_CAP,
  IA32_VMX_PINBASED_CTLS,
  IA32_VMX_PROCBASED_CTLS,
  IA32_VMX_PROCBASED_CTLS2,
} from "../abi/msr.ts";

const LEAF_VENDOR: u32 = 0;
const LEAF_FEATURES: u32 = 1;
const LEAF_EXTENDED_FEATURES: u32 = 7;
const LEAF_XSAVE: u32 = 0xd;
const LEAF_EXT_MAX: u32 = 0x80000000;
const LEAF_EXT_FEATURES: u32 = 0x80000001;
const LEAF_BRAND_FIRST: u32 = 0x80000002;
const LEAF_BRAND_LAST: u32 = 0x80000004;
const LEAF_POWER: u32 = 0x80000007;
const LEAF_SVM: u32 = 0x8000000a;

/**
 * A CPUID feature bit: (word << 5) | bit, where the word is one of the CPUID registers
 * identify() keeps (WORD_*).
 */
export enum Feature {
  // CPUID.1:ECX
  VMX = (0 << 5) | 5,
  PCID = (0 << 5) | 17,
  X2APIC = (0 << 5) | 21,
  TSC_DEADLINE = (0 << 5) | 24,
  XSAVE = (0 << 5) | 26,
  AVX = (0 << 5) | 28,
  HYPERVISOR = (0 << 5) | 31,
  // CPUID.1:EDX
  FPU = (1 << 5) | 0,
  APIC = (1 << 5) | 9,
  FXSR = (1 << 5) | 24,
  SSE = (1 << 5) | 25,
  SSE2 = (1 << 5) | 26,
  // CPUID.(7,0):EBX
  FSGSBASE = (2 << 5) | 0,
  SMEP = (2 << 5) | 7,
  INVPCID = (2 << 5) | 10,
  AVX512F = (2 << 5) | 16,
  SMAP = (2 << 5) | 20,
  // CPUID.(7,0):ECX
  UMIP = (3 << 5) | 2,
  PKU = (3 << 5) | 3,
  LA57 = (3 << 5) | 16,
  // CPUID.80000001:ECX
  SVM = (5 << 5) | 2,
  // CPUID.80000001:EDX
  NX = (6 << 5) | 20,
  PAGES_1G = (6 << 5) | 26,
  RDTSCP = (6 << 5) | 27,
  LONG_MODE = (6 << 5) | 29,
  // CPUID.(0xd,1):EAX
  XSAVEOPT = (7 << 5) | 0,
  XSAVES = (7 << 5) | 3,
  // CPUID.80000007:EDX
  INVARIANT_TSC = (8 << 5) | 8,
}

const WORD_1_ECX: usize = 0;
const WORD_1_EDX: usize = 1;
const WORD_7_EBX: usize = 2;
const WORD_7_ECX: usize = 3;
const WORD_7_EDX: usize = 4;
const WORD_EXT1_ECX: usize = 5;
const WORD_EXT1_EDX: usize = 6;
const WORD_D1_EAX: usize = 7;
const WORD_EXT7_EDX: usize = 8;

const EAX: usize = 0;
const EBX: usize = 1;
const ECX: usize = 2;
const EDX: usize = 3;

/** 12 vendor bytes + NUL, e.g. "AuthenticAMD". */
const vendorBytes = array<u8, 13>();
/** 48 brand bytes + NUL. */
const brandBytes = array<u8, 49>();
/** The CPUID feature registers, indexed by WORD_*. */
const words = array<u32, 9>();

let maxLeaf: u32 = 0;
let maxExtLeaf: u32 = 0;
let familyId: u32 = 0;
let modelId: u32 = 0;
let steppingId: u32 = 0;

function storeWord(dst: Arr<u8, number>, at: usize, word: u32): void {
  dst[at] = u8(word);
  dst[at + 1] = u8(word >> 8);
  dst[at + 2] = u8(word >> 16);
  dst[at + 3] = u8(word >> 24);
}

export function has(f: Feature): bool {
  return ((words[usize(f >> 5)] >> (f & 31)) & 1) !== 0;
}

function sign(f: Feature): str {
  return has(f) ? "+" : "-";
}

function bit(v: u64, n: u32): str {
  return ((v >> n) & 1) !== 0 ? "+" : "-";
}

function readStrings(r: Arr<u32, 4>): void {
  cpuid(LEAF_VENDOR, 0, r);
  maxLeaf = r[EAX];
  // The vendor string is EBX, EDX, ECX in that order.
  storeWord(vendorBytes, 0, r[EBX]);
  storeWord(vendorBytes, 4, r[EDX]);
  storeWord(vendorBytes, 8, r[ECX]);

  cpuid(LEAF_EXT_MAX, 0, r);
  maxExtLeaf = r[EAX] >= LEAF_EXT_MAX ? r[EAX] : 0;
  if (maxExtLeaf < LEAF_BRAND_LAST) return; // no brand string: stays empty
  let at: usize = 0;
  for (let leaf = LEAF_BRAND_FIRST; leaf <= LEAF_BRAND_LAST; leaf++) {
    cpuid(leaf, 0, r);
    for (let i: usize = 0; i < 4; i++) {
      storeWord(brandBytes, at, r[i]);
      at += 4;
    }
  }
  // Some CPUs right-align the brand with leading blanks, others pad it with trailing ones.
  let skip: usize = 0;
  while (skip < 48 && brandBytes[skip] === 0x20) skip++;
  for (let i: usize = 0; i + skip <= 48; i++) brandBytes[i] = brandBytes[i + skip];
  let end: usize = 48 - skip;
  while (end > 0 && (brandBytes[end - 1] === 0x20 || brandBytes[end - 1] === 0)) end--;
  brandBytes[end] = 0;
}

function readFeatures(r: Arr<u32, 4>): void {
  if (maxLeaf >= LEAF_FEATURES) {
    cpuid(LEAF_FEATURES, 0, r);
    // Intel SDM vol. 2 CPUID, "Family/Model/Stepping": the extended fields count only for
    // family 0xf (family) and families 6 and 0xf (model); AMD defines the same.
    const base = (r[EAX] >> 8) & 0xf;
    familyId = base === 0xf ? base + ((r[EAX] >> 20) & 0xff) : base;
    modelId = (r[EAX] >> 4) & 0xf;
    if (base === 0x6 || base === 0xf) modelId |= ((r[EAX] >> 16) & 0xf) << 4;
    steppingId = r[EAX] & 0xf;
    words[WORD_1_ECX] = r[ECX];
    words[WORD_1_EDX] = r[EDX];
  }
  if (maxLeaf >= LEAF_EXTENDED_FEATURES) {
    cpuid(LEAF_EXTENDED_FEATURES, 0, r);
    words[WORD_7_EBX] = r[EBX];
    words[WORD_7_ECX] = r[ECX];
    words[WORD_7_EDX] = r[EDX];
  }
  if (maxLeaf >= LEAF_XSAVE && has(Feature.XSAVE)) {
    cpuid(LEAF_XSAVE, 1, r);
    words[WORD_D1_EAX] = r[EAX];
  }
  if (maxExtLeaf >= LEAF_EXT_FEATURES) {
    cpuid(LEAF_EXT_FEATURES, 0, r);
    words[WORD_EXT1_ECX] = r[ECX];
    words[WORD_EXT1_EDX] = r[EDX];
  }
  if (maxExtLeaf >= LEAF_POWER) {
    cpuid(LEAF_POWER, 0, r);
    words[WORD_EXT7_EDX] = r[EDX];
  }
}

/**
 * VMX from its capability MSRs (Intel SDM vol. 3 appendix A). Each MSR is read only when the
 * one before says it exists: RDMSR of an absent MSR is a #GP.
 */
function logVmx(): void {
  if (!has(Feature.VMX)) {
    log(`VMX: not supported`);
    return;
  }
  const basic = rdmsr(IA32_VMX_BASIC);
  const control = rdmsr(IA32_FEATURE_CONTROL);
  // Allowed-1 settings are the high halves of the control MSRs.
  const pin = rdmsr(IA32_VMX_PINBASED_CTLS) >> 32;
  const proc = rdmsr(IA32_VMX_PROCBASED_CTLS) >> 32;
  const secondary = (proc >> 31) & 1;
  const proc2 = secondary !== 0 ? rdmsr(IA32_VMX_PROCBASED_CTLS2) >> 32 : u64(0);
  log(
    `VMX: revision ${hex(basic & 0x7fffffff)} vmcs ${(basic >> 32) & 0x1fff} bytes feature-control ${hex(control)} ${bit(basic, 55)}true-controls ${bit(proc, 31)}secondary ${bit(proc2, 1)}ept ${bit(proc2, 5)}vpid ${bit(proc2, 7)}unrestricted-guest ${bit(pin, 6)}preemption-timer ${bit(pin, 7)}posted-interrupts ${bit(proc2, 8)}apic-register-virtualization ${bit(proc2, 9)}virtual-interrupt-delivery ${bit(proc2, 14)}vmcs-shadowing ${bit(proc2, 17)}pml ${bit(proc2, 22)}mbec ${bit(proc2, 25)}tsc-scaling`,
  );
  if ((proc2 & ((1 << 1) | (1 << 5))) === 0) {
    log(`VMX: EPT/VPID: none`);
    return;
  }
  const ept = rdmsr(IA32_VMX_EPT_VPID_CAP);
  log(
    `VMX: EPT/VPID ${bit(ept, 6)}4-level ${bit(ept, 7)}5-level ${bit(ept, 14)}wb ${bit(ept, 16)}2m ${bit(ept, 17)}1g ${bit(ept, 21)}accessed-dirty ${bit(ept, 0)}execute-only ${bit(ept, 20)}invept ${bit(ept, 32)}invvpid`,
  );
}

/** SVM from CPUID leaf 0x8000000a (AMD APM vol. 3, CPUID Fn8000_000A). */
function logSvm(r: Arr<u32, 4>): void {
  if (!has(Feature.SVM) || maxExtLeaf < LEAF_SVM) {
    log(`SVM: not supported`);
    return;
  }
  cpuid(LEAF_SVM, 0, r);
  const f = u64(r[EDX]);
  log(
    `SVM: revision ${r[EAX] & 0xff} asids ${r[EBX]} ${bit(f, 0)}npt ${bit(f, 3)}nrips ${bit(f, 5)}vmcb-clean ${bit(f, 6)}flush-by-asid ${bit(f, 7)}decode-assists ${bit(f, 1)}lbr-virt ${bit(f, 10)}pause-filter ${bit(f, 13)}avic ${bit(f, 15)}vmsave-virt ${bit(f, 16)}vgif`,
  );
}

/** Reads the boot CPU's CPUID and logs `CPU:`, `VMX:` and `SVM:` lines (docs/boot-log.md). */
export function identify(): void {
  const r = array<u32, 4>();
  readStrings(r);
  readFeatures(r);
  log(`CPU: ${vendor()} ${brand()}`);
  log(`CPU: family ${hex(familyId)} model ${hex(modelId)} stepping ${hex(steppingId)}`);
  log(
    `CPU: features ${sign(Feature.APIC)}apic ${sign(Feature.X2APIC)}x2apic ${sign(Feature.TSC_DEADLINE)}tsc-deadline ${sign(Feature.INVARIANT_TSC)}invariant-tsc ${sign(Feature.PCID)}pcid ${sign(Feature.INVPCID)}invpcid ${sign(Feature.NX)}nx ${sign(Feature.PAGES_1G)}1g-pages ${sign(Feature.LA57)}la57 ${sign(Feature.SMEP)}smep ${sign(Feature.SMAP)}smap ${sign(Feature.UMIP)}umip ${sign(Feature.PKU)}pku ${sign(Feature.FSGSBASE)}fsgsbase ${sign(Feature.XSAVE)}xsave ${sign(Feature.XSAVES)}xsaves ${sign(Feature.AVX)}avx ${sign(Feature.AVX512F)}avx512f ${sign(Feature.HYPERVISOR)}hypervisor`,
  );
  logVmx();
  logSvm(r);
}

export function vendor(): str {
  return strFromBytes(vendorBytes);
}

export function brand(): str {
  return strFromBytes(brandBytes);
}

export function family(): u32 {
  return familyId;
}

export function model(): u32 {
  return modelId;
}

export function stepping(): u32 {
  return steppingId;
}

/** The highest basic CPUID leaf. */
export function maxBasicLeaf(): u32 {
  return maxLeaf;
}
