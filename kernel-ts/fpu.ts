// FPU, SSE and XSAVE state, enabled as NOVA does: the kernel itself never
// uses it (it is built with -mgeneral-regs-only), but the ECs and vCPUs it
// runs do, and their state is switched with XSAVE(S)/XRSTOR(S).
//
// - CR0: MP (WAIT/FWAIT honour TS), NE (x87 errors as #MF, not the legacy
//   FERR# pin), EM clear (x87 present, SSE allowed).
// - CR4: OSFXSR (FXSAVE/FXRSTOR and SSE), OSXMMEXCPT (SIMD errors as #XM),
//   and OSXSAVE when the CPU has XSAVE.
// - XCR0: the state components NOVA manages, as far as the CPU has them:
//   x87, SSE, AVX and the three AVX-512 components (all or none: XSETBV
//   rejects a partial set, and AVX-512 needs AVX). MPX, PKRU, AMX are left off.
// - The context size comes from CPUID leaf 0xd after XCR0 is set: the
//   compacted size (sub-leaf 1) when XSAVES exists, which NOVA then uses, the
//   standard size (sub-leaf 0) otherwise.
// - Finally CR0.TS is set: the FPU is "disabled" until an EC with FPU state
//   runs, and a kernel that touched it by mistake gets #NM (a panic report)
//   instead of silently corrupting a guest's registers.

import * as cpu from "./cpu.ts";

const CR0_MP: u64 = 1 << 1;
const CR0_EM: u64 = 1 << 2;
const CR0_TS: u64 = 1 << 3;
const CR0_NE: u64 = 1 << 5;
const CR4_OSFXSR: u64 = 1 << 9;
const CR4_OSXMMEXCPT: u64 = 1 << 10;
const CR4_OSXSAVE: u64 = 1 << 18;

const XCR0_X87: u64 = 1 << 0;
const XCR0_SSE: u64 = 1 << 1;
const XCR0_AVX: u64 = 1 << 2;
const XCR0_AVX512: u64 = 7 << 5; // opmask, ZMM0-15 upper halves, ZMM16-31
/** The components NOVA manages (its Fpu::managed). */
const MANAGED: u64 = XCR0_AVX512 | XCR0_AVX | XCR0_SSE | XCR0_X87;

const LEAF_XSAVE: u32 = 0xd;
/** FXSAVE's fixed 512-byte legacy area. */
const FXSAVE_SIZE: u32 = 512;

let xcr0: u64 = 0;
let contextSize: u32 = 0;
let compacted = false;

/**
 * The XCR0 a guest may have for the `wanted` one (vcpu.ts, MTD XSAVE): the components the host
 * enabled, x87 always, AVX only with SSE, AVX-512 whole and with AVX (XSETBV refuses others).
 */
export function guestXcr0(wanted: u64): u64 {
  let v = (wanted & xcr0) | XCR0_X87;
  if ((v & XCR0_SSE) === 0) v &= ~XCR0_AVX;
  if ((v & XCR0_AVX) === 0 || (v & XCR0_AVX512) !== XCR0_AVX512) v &= ~XCR0_AVX512;
  return v;
}

/** The XCR0 value in force (0 without XSAVE). */
export function features(): u64 {
  return xcr0;
}

/** Bytes of FPU context per EC: the XSAVE area for XCR0, or the FXSAVE area. */
export function size(): u32 {
  return contextSize;
}

/** Whether contexts use the compacted format (XSAVES/XRSTORS). */
export function compactedFormat(): bool {
  return compacted;
}

/** Enables x87/SSE/XSAVE on this CPU and logs the `FPU:` line (docs/boot-log.md). Needs cpu.identify(). */
export function init(): void {
  enableUnits();

  if (!cpu.has(cpu.Feature.XSAVE) || cpu.maxBasicLeaf() < LEAF_XSAVE) {
    contextSize = FXSAVE_SIZE;
    log(`FPU: FXSAVE, no XSAVE: context ${contextSize} bytes`);
  } else {
    const r = array<u32, 4>();
    cpuid(LEAF_XSAVE, 0, r);
    const supported = (u64(r[3]) << 32) | u64(r[0]);
    let want = supported & MANAGED;
    if ((want & XCR0_AVX512) !== XCR0_AVX512 || (want & XCR0_AVX) === 0) want &= ~XCR0_AVX512;
    if ((want & XCR0_SSE) === 0) want &= ~XCR0_AVX;
    xcr0 = want | XCR0_X87;
    xsetbv(0, xcr0);
    compacted = cpu.has(cpu.Feature.XSAVES);
    cpuid(LEAF_XSAVE, compacted ? 1 : 0, r);
    contextSize = r[1];
    log(
      `FPU: XSAVE xcr0 ${hex(xgetbv(0))} (${(xcr0 & XCR0_SSE) !== 0 ? "+" : "-"}sse ${(xcr0 & XCR0_AVX) !== 0 ? "+" : "-"}avx ${(xcr0 & XCR0_AVX512) !== 0 ? "+" : "-"}avx512) context ${contextSize} bytes ${compacted ? "compacted (XSAVES)" : "standard (XSAVE)"}`,
    );
  }
  writeCr0(readCr0() | CR0_TS);
}

/** CR0 and CR4 as the header says (TS clear until setup is done). */
function enableUnits(): void {
  writeCr0((readCr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
  let cr4 = readCr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
  if (cpu.has(cpu.Feature.XSAVE)) cr4 |= CR4_OSXSAVE;
  writeCr4(cr4);
}

/** An AP's FPU set up as init() set up the boot CPU's (same XCR0, CR0.TS set); logs nothing. */
export function initAp(): void {
  enableUnits();
  if (xcr0 !== 0) xsetbv(0, xcr0);
  writeCr0(readCr0() | CR0_TS);
}

/** Sets CR0.TS: the next FPU instruction raises #NM (ec.ts switches FPU state lazily). */
export function trapNext(): void {
  writeCr0(readCr0() | CR0_TS);
}

/** Saves the FPU state into an EC's area (size() bytes, 64-byte aligned). CR0.TS must be clear. */
export function save(area: Virt): void {
  if (xcr0 === 0) fxsave(area);
  else if (compacted) xsaves(area, xcr0);
  else xsave(area, xcr0);
}

/** Loads the FPU state from an EC's area written by save(). */
export function restore(area: Virt): void {
  if (xcr0 === 0) fxrstor(area);
  else if (compacted) xrstors(area, xcr0);
  else xrstor(area, xcr0);
}

/** Offsets in the legacy area (SDM Vol. 1 Table 10-2) and the XSAVE header (§13.4.2). */
const FCW_OFFSET: usize = 0;
const MXCSR_OFFSET: usize = 24;
const XSTATE_BV_OFFSET: usize = 512;
const XCOMP_BV_OFFSET: usize = 520;
/** FNINIT's control word and the reset MXCSR (all exceptions masked, round to nearest). */
const FCW_INIT: u16 = 0x37f;
const MXCSR_INIT: u32 = 0x1f80;
const XCOMP_COMPACTED: u64 = u64(1) << 63;

class InitialState {
  /** A first state for every EC's FPU: x87 and SSE as after FNINIT, other components in their init state. */
  area: Arr<u64, 1024>;
  built: bool;
}
const initial = new InitialState();

/** Loads the initial FPU state (an EC's first FPU instruction). */
export function restoreInitial(): void {
  const base = arrayPtr(initial.area);
  const va = virt((u64(ptrToVirt(base)) + 63) & ~u64(63));
  if (!initial.built) {
    const bytes = ptrFromVirt<u8>(va);
    for (let i: usize = 0; i < 4096; i++) bytes.set(i, 0);
    ptrFromVirt<u16>(virt(u64(va) + FCW_OFFSET)).store(FCW_INIT);
    ptrFromVirt<u32>(virt(u64(va) + MXCSR_OFFSET)).store(MXCSR_INIT);
    // XSTATE_BV: x87 and SSE come from the area (the rest from their init state).
    if (xcr0 !== 0) ptrFromVirt<u64>(virt(u64(va) + XSTATE_BV_OFFSET)).store(xcr0 & 3);
    if (compacted) ptrFromVirt<u64>(virt(u64(va) + XCOMP_BV_OFFSET)).store(XCOMP_COMPACTED | xcr0);
    initial.built = true;
  }
  restore(va);
}
