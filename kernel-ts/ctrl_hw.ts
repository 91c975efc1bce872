// ctrl_hw (0xc, nova-abi.md §10.1, §10.2): platform management for the root
// PD only (BAD_HYP for any other). OP 0 enters an ACPI sleep state or resets
// the platform; OP 4–7 configure cache and memory-bandwidth allocation (Intel
// RDT: CAT, CDP, MBA) on the calling CPU. Other OPs are BAD_PAR.
//
// Sleep states go through the FADT's PM1a/PM1b control registers: SLP_TYP
// from the descriptor's A (PM1a) and B (PM1b), the caller's values of \_Sx,
// together with SLP_EN (ACPI 6.5 §4.8.3.2.1, §7.4.2). S4 and S5 do not
// return. S1 and S3 would return after wake-up, which needs a resume path
// (the FACS waking vector, a real-mode trampoline, the CPU state restored)
// the kernel does not have: they are BAD_FTR, as S2 always is (§12.4) and as
// every state is without the PM1 control registers. S = 7 resets through the
// FADT reset register (BAD_FTR without one). QEMU's q35 and pc DSDTs give
// \_S5 = {0, 0} (S3 {1, 1}, S4 {2, 2}); their PM1 control (ICH9 / PIIX4 PM)
// powers off on SLP_EN with SLP_TYP 0.
//
// QOS (§10.2): OP 4 once per CPU (ABORTED after that), enabling CDP for L3
// and/or L2 where CPUID says the CPU has it (else BAD_PAR); OP 5/6 write a
// capacity bitmask, OP 7 an MBA delay, each ABORTED before OP 4 and BAD_PAR
// for a class or value the CPU does not have. On a CPU without RDT (QEMU's
// TCG CPUs) OP 4 with 0 succeeds and OP 5–7 are BAD_PAR (§12.18).

import { Status } from "../abi/status.ts";
import {
  IA32_L2_QOS_CFG,
  IA32_L2_QOS_EXT_BW_THRTL_0,
  IA32_L2_QOS_MASK_0,
  IA32_L3_QOS_CFG,
  IA32_L3_QOS_MASK_0,
} from "../abi/msr.ts";
import * as currentPd from "./current_pd.ts";
import * as fadt from "./fadt.ts";
import { ExceptionFrame } from "./frame.ts";
import * as percpu from "./percpu.ts";
import * as power from "./power.ts";
import { Space_obj } from "./space_obj.ts";

/** The root PD's object space: the running PD is the root PD iff it runs on this one. */
class Root {
  objects: Space_obj | null;
}
const root = new Root();

/** root.ts: which object space is the root PD's (before it, ctrl_hw is BAD_HYP for everyone). */
export function setRootObjects(s: Space_obj): void {
  root.objects = s;
}

/** Whether `objects` (the running PD's object space) is the root PD's: root-only hypercalls. */
export function isRoot(objects: Space_obj | null): bool {
  const r = root.objects;
  return objects !== null && r !== null && structAddress(objects) === structAddress(r);
}

const OP_SLEEP: u32 = 0;
const OP_QOS: u32 = 4;
const OP_CAT_L3: u32 = 5;
const OP_CAT_L2: u32 = 6;
const OP_MBA: u32 = 7;

/** 0xc: `desc` is RDI[63:8], `op` RDI[7:4]; the running PD must be the root PD. */
export function ctrlHw(_f: ExceptionFrame, desc: u64, op: u32): Status {
  if (!isRoot(currentPd.currentObjects())) return Status.BAD_HYP;
  if (op === OP_SLEEP) return sleep(desc);
  if (op === OP_QOS) return configureQos(desc);
  if (op === OP_CAT_L3) return capacityMask(desc, L3);
  if (op === OP_CAT_L2) return capacityMask(desc, L2);
  if (op === OP_MBA) return mbaDelay(desc);
  return Status.BAD_PAR;
}

// ---- OP 0: sleep states and reset ----

const STATE_RESET: u32 = 7;
/** PM1 control (ACPI 6.5 Table 4.13): SLP_TYP bits 12:10, SLP_EN bit 13. */
const SLP_TYP_SHIFT: u16 = 10;
const SLP_TYP_MASK: u16 = 0x7 << 10;
const SLP_EN: u16 = 1 << 13;

/** Writes SLP_TYP = `type` with SLP_EN into the PM1 control register at `port`, keeping its other bits. */
function enterSleep(port: u32, type: u32): void {
  const p = u16(port);
  const v = inw(p) & ~(SLP_TYP_MASK | SLP_EN);
  outw(p, v | (u16(type & 0x7) << SLP_TYP_SHIFT) | SLP_EN);
}

/** desc bits 2:0 S, 5:3 A (PM1a SLP_TYP), 8:6 B (PM1b SLP_TYP). */
function sleep(desc: u64): u32 {
  const state = u32(desc & 0x7);
  const a = u32((desc >> 3) & 0x7);
  const b = u32((desc >> 6) & 0x7);
  const f = fadt.info;
  if (state === STATE_RESET) {
    if (!f.valid || !f.resetPresent) return Status.BAD_FTR;
    log(`HW: ctrl_hw reset`);
    power.reboot();
  }
  // S4 and S5 only: S1/S3 need a resume path, S2 is not supported (§12.4), 0 and 6 are no states.
  if (state !== 4 && state !== 5) return Status.BAD_FTR;
  if (!f.valid || f.pm1aControl === 0) return Status.BAD_FTR;
  log(
    `HW: ctrl_hw S${state}: PM1a control ${hex(f.pm1aControl)} SLP_TYP ${a}, PM1b control ${hex(f.pm1bControl)} SLP_TYP ${b}`,
  );
  enterSleep(f.pm1aControl, a);
  if (f.pm1bControl !== 0) enterSleep(f.pm1bControl, b);
  // The platform should be off; give it time, then report that it is not.
  for (let i: u32 = 0; i < 1_000_000; i++) pause();
  log(`HW: S${state} did not happen (SLP_TYP ${a}/${b} wrong for this platform?)`);
  return Status.BAD_FTR;
}

// ---- OP 4-7: QOS (Intel SDM Vol. 3B §18.19, RDT allocation) ----

const LEAF_EXTENDED_FEATURES: u32 = 7;
const EBX_RDT_A: u32 = 1 << 15;
const LEAF_RDT: u32 = 0x10;
/** CPUID.(0x10,n): resource ids. */
const L3: u32 = 1;
const L2: u32 = 2;
const MBA: u32 = 3;
/** CPUID.(0x10,1/2):ECX[2]: CDP. */
const ECX_CDP: u32 = 1 << 2;

const QOS_CFG_CDP: u64 = 1;

/** desc bits of OP 4. */
const QOS_CDP_L3: u64 = 1 << 1;
const QOS_CDP_L2: u64 = 1 << 2;

/** Each CPU's QOS state (§10.2: OP 4 is once per CPU). */
class Qos {
  configured: bool;
}
const qosOf = array<Inline<Qos>, 256>();

/** This CPU's entry (the index is one GS-relative load, in range by its type). */
function qos(): Qos {
  return qosOf[percpu.slot()];
}

const regs = array<u32, 4>();

/** Whether the CPU has RDT allocation resource `res` (L3, L2, MBA). */
function hasResource(res: u32): bool {
  cpuid(0, 0, regs);
  if (regs[0] < LEAF_RDT) return false;
  cpuid(LEAF_EXTENDED_FEATURES, 0, regs);
  if ((regs[1] & EBX_RDT_A) === 0) return false;
  cpuid(LEAF_RDT, 0, regs);
  return (regs[1] & (u32(1) << res)) !== 0;
}

/** CPUID.(0x10,res) into regs when the resource exists; false otherwise. */
function resource(res: u32): bool {
  if (!hasResource(res)) return false;
  cpuid(LEAF_RDT, res, regs);
  return true;
}

function hasCdp(res: u32): bool {
  return resource(res) && (regs[2] & ECX_CDP) !== 0;
}

function configureQos(desc: u64): u32 {
  if ((desc & ~(QOS_CDP_L3 | QOS_CDP_L2)) !== 0) return Status.BAD_PAR;
  const l3 = (desc & QOS_CDP_L3) !== 0;
  const l2 = (desc & QOS_CDP_L2) !== 0;
  if ((l3 && !hasCdp(L3)) || (l2 && !hasCdp(L2))) return Status.BAD_PAR;
  if (qos().configured) return Status.ABORTED;
  if (l3) wrmsr(IA32_L3_QOS_CFG, rdmsr(IA32_L3_QOS_CFG) | QOS_CFG_CDP);
  if (l2) wrmsr(IA32_L2_QOS_CFG, rdmsr(IA32_L2_QOS_CFG) | QOS_CFG_CDP);
  qos().configured = true;
  return Status.SUCCESS;
}

/**
 * Nonzero with its 1-bits contiguous. With CDP on, N = 2·COS (data) or
 * 2·COS+1 (code) (§10.1): the same bound, N below the number of mask MSRs.
 */
function contiguous(mask: u64): bool {
  if (mask === 0) return false;
  const low = mask & (~mask + 1);
  const filled = mask + low;
  return (filled & mask) === 0;
}

/** OP 5/6: bits 15:0 N (mask MSR index), bits 47:16 the capacity bitmask. */
function capacityMask(desc: u64, res: u32): u32 {
  if (!qos().configured) return Status.ABORTED;
  if (!resource(res)) return Status.BAD_PAR;
  const n = u32(desc & 0xffff);
  const mask = (desc >> 16) & 0xffff_ffff;
  const masks = (regs[3] & 0xffff) + 1;
  const width = (regs[0] & 0x1f) + 1;
  if (n >= masks || !contiguous(mask) || mask >> u64(width) !== 0) return Status.BAD_PAR;
  wrmsr((res === L3 ? IA32_L3_QOS_MASK_0 : IA32_L2_QOS_MASK_0) + n, mask);
  return Status.SUCCESS;
}

/** OP 7: bits 15:0 COS, bits 31:16 the delay (≤ the CPU's maximum). */
function mbaDelay(desc: u64): u32 {
  if (!qos().configured) return Status.ABORTED;
  if (!resource(MBA)) return Status.BAD_PAR;
  const cos = u32(desc & 0xffff);
  const delay = u32((desc >> 16) & 0xffff);
  const classes = (regs[3] & 0xffff) + 1;
  const max = (regs[0] & 0xfff) + 1;
  if (cos >= classes || delay > max) return Status.BAD_PAR;
  wrmsr(IA32_L2_QOS_EXT_BW_THRTL_0 + cos, u64(delay));
  return Status.SUCCESS;
}
