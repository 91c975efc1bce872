// Per-CPU data (docs/smp.md): every CPU has its own copy of the kernel's
// `.percpu` section, and its GS base is (that copy − the section's start),
// so a per-CPU variable `v` (perCpu() in the dialect, KTS_PERCPU in
// runtime-c/kts.h) is `%gs:&v` on every CPU. The section itself is only the
// template of initial values: the boot CPU gets a copy like every AP, so the
// template stays as linked and a CPU whose GS base is wrong reads no other
// CPU's data by accident. While the kernel runs, IA32_KERNEL_GS_BASE holds
// the user's GS base; entry.S and syscall.S swap the two (SWAPGS) on every
// way into and out of ring 3.

import { IA32_GS_BASE, IA32_KERNEL_GS_BASE } from "../abi/msr.ts";
import * as kmem from "./kmem.ts";
import * as memory from "./memory.ts";

const PAGE: u64 = 0x1000;

/**
 * This CPU's number (0: the boot CPU, then the APs in the order they came
 * up); u32.MAX in the template. Exported so that `percpu.cpuIndex.get()` is
 * one GS-relative load in every module (a function would be a call).
 */
export const cpuIndex = perCpu<u32>(u32.MAX);
/**
 * cpuIndex as a u8, for indexing the arrays of per-CPU entries (256 = MAX_CPUS of them): its
 * type proves the index in range, so no access needs a bounds check (install() asserts the
 * index fits). Only after checkGs() on the way into the kernel: the template's u32.MAX would
 * become 255.
 */
export function slot(): u8 {
  return u8(cpuIndex.get());
}

/** The APIC id this CPU read from its own local APIC. */
const apicId = perCpu<u32>(0);

/**
 * Panics unless GS reaches a CPU's own copy: with the user's GS base (0, or
 * a segment's) the read lands in the template, whose index is u32.MAX. The
 * entries from ring 3 call it, so a missing SWAPGS cannot go unnoticed.
 */
export function checkGs(): void {
  assert(cpuIndex.get() !== u32.MAX, "GS is not the kernel's per-CPU base (a missing SWAPGS)");
}

/** This CPU's APIC id, read through GS. */
export function localApicId(): u32 {
  return apicId.get();
}

/** Buddy order of a copy of the section. */
function order(): u32 {
  const size = linkerSymbol("__percpu_end") - linkerSymbol("__percpu_start");
  let o: u32 = 0;
  while (PAGE << u64(o) < size) o++;
  return o;
}

/** A new copy of the section's initial values (for one CPU), or 0 when memory runs out. */
export function newArea(): Virt {
  const pa = memory.allocKernel(order());
  if (u64(pa) === 0) return virt(0); // buddy.ts NONE
  const start = linkerSymbol("__percpu_start");
  const size = linkerSymbol("__percpu_end") - start;
  const from = ptrFromVirt<u8>(start);
  const to = ptrFromVirt<u8>(kmem.toVirt(pa));
  for (let i: usize = 0; i < size; i++) to.set(i, from.get(i));
  return kmem.toVirt(pa);
}

/** Records this CPU's APIC id (read from its own local APIC). */
export function setLocalApicId(id: u32): void {
  apicId.set(id);
}

/**
 * Points this CPU's GS at `area` (from newArea()) and sets its index. The
 * user's GS base starts at 0. Returns whether the copy was fresh (the index
 * still the template's): false means GS reached a copy another CPU had
 * already taken, or the template itself.
 */
export function install(area: Virt, index: u32): bool {
  // kmem's direct map lies below the kernel image, so the base is negative
  // (bits 63:47 set) and canonical, as WRMSR requires.
  const base = u64(area) - u64(linkerSymbol("__percpu_start"));
  assert(base >> 47 === 0x1_ffff, "per-CPU GS base not canonical");
  wrmsr(IA32_GS_BASE, base);
  wrmsr(IA32_KERNEL_GS_BASE, 0);
  const fresh = cpuIndex.get() === u32.MAX;
  assert(index < 256, "per-CPU index beyond the per-CPU arrays");
  cpuIndex.set(index);
  return fresh;
}
