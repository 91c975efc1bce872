// A second PD and real RAM (nova-abi.md §1.2, §4.3, §4.8, §9.3, §9.7, §10.1,
// §10.5): the root task finds RAM through the boot loader's memory map
// (RSI at entry: multiboot v1 or v2 information, mapped from the NOVA host
// space), maps the last page of the highest RAM range (user memory: the
// kernel keeps the lowest part of RAM for itself) and uses it. Then it builds
// a PD with object, host and PIO spaces, loads its own image (the boot module
// the HIP names) into it with the ELF helpers of user/nova/elf.ts (mapped in
// place: the same pages), creates a local EC there and calls its portal:
// the EC runs in the other address space with an empty object space, where
// the root-only hypercalls ctrl_hw and assign_dev are BAD_HYP, and it writes
// what it saw into the shared data pages.

import { PdOp } from "../../abi/hypercall.ts";
import { Perm_mem } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { MULTIBOOT1_BOOTLOADER_MAGIC, MULTIBOOT2_BOOTLOADER_MAGIC } from "../../abi/root_pd.ts";
import { ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import {
  IpcOut,
  assignDev,
  createEc,
  createPd,
  createPt,
  ctrlHw,
  ctrlPd,
  ctrlPt,
  ipcCall,
} from "../nova/hypercall.ts";
import * as elf from "../nova/elf.ts";
import { Window } from "../nova/elf.ts";
import { hip } from "../nova/hip.ts";
import { MEM_RW } from "./hst.ts";
import { FOREIGN_SELS, NOVA_HST, ROOT_HST, revoke } from "./sel.ts";
import {
  atLeast,
  atMost,
  block,
  check,
  expect,
  expectStatus,
  isNot,
  isStatus,
  isValue,
} from "./test.ts";

const F = FOREIGN_SELS;
const PD2 = F + 0;
const PD2_OBJ = F + 1;
const PD2_HST = F + 2;
const PD2_PIO = F + 3;
const PD2_EC = F + 4;
const PD2_PT = F + 5;
/** Where the boot information pages appear in the root host space, and the RAM page. */
const INFO_VA: u64 = 0x6000_0000;
const INFO_ORDER: u64 = 3;
const INFO_PAGES: u64 = u64(1) << INFO_ORDER;
const RAM_VA: u64 = 0x6100_0000;
/** The foreign EC's UTCB (in PD2's host space only) and stack (ec.S `ec_stacks`, slot 22). */
const PD2_UTCB: u64 = 0x7fff_1000_0000;
const STACK_SLOT: u64 = 22;
const STACK_SIZE: u64 = 4096;
/** Where the ELF helpers see the root module (a window of the root host space). */
const ELF_VA: u64 = 0x6200_0000;
const ELF_ORDER: u64 = 10;
const ELF_PAGES: u64 = u64(1) << ELF_ORDER;
const E820_RAM: u32 = 1;
const MB2_TAG_MMAP: u32 = 6;
const MB1_FLAG_MMAP: u32 = 1 << 6;
/** The portal operation ec.ts dispatches to probe() (its PID's low byte). */
export const OP_FOREIGN: u64 = 8;

/** What the foreign EC saw (written in the shared data pages). */
class Probe {
  calls: u64;
  ctrlHw: u32;
  assignDev: u32;
  utcbWord: u64;
}
const probed = new Probe();
const out = new IpcOut();

/** Portal code of the foreign EC (ec.ts portal(), OP_FOREIGN): the root-only calls from PD2. */
export function probe(): u64 {
  probed.calls++;
  probed.ctrlHw = ctrlHw(0, 0);
  probed.assignDev = assignDev(0, 0, 0);
  const u = ptrFromVirt<u64>(virt(PD2_UTCB));
  u.set(1, 0x5eed);
  probed.utcbWord = u.get(1);
  return 0;
}

/** Maps physical page `page` read-only (or RW) at `va` of the root host space; the status. */
export function mapPhys(page: u64, va: u64, perms: u64): u32 {
  return ctrlPd(NOVA_HST, ROOT_HST, page, 0, va >> 12, perms, 0);
}

/** The boot information's byte at physical `pa` (mapped at INFO_VA from `first` on). */
function infoAt(first: u64, pa: u64): u64 {
  return INFO_VA + (pa - (first << 12));
}

class Ram {
  /** End (exclusive) of the highest RAM range. */
  top: u64;
  ranges: u64;
}
const ram = new Ram();

function noteRange(base: u64, length: u64, type: u32): void {
  if (type !== E820_RAM || length < 0x1000) return;
  ram.ranges++;
  if (base + length > ram.top) ram.top = base + length;
}

/** Reads the memory map from the multiboot information at physical `info`; false if unusable. */
function memoryMap(magic: u64, info: u64): bool {
  const first = info >> 12;
  // The information may cross pages: map what exists (pages beyond it may be the kernel's).
  let mapped: u64 = 0;
  while (
    mapped < INFO_PAGES &&
    mapPhys(first + mapped, INFO_VA + (mapped << 12), Perm_mem.R) === Status.SUCCESS
  )
    mapped++;
  // Each way this can go wrong is a comparison, so the case's FAIL line says which.
  if (!isNot(mapped, 0)) return false;
  const limit = (first + mapped) << 12;
  if (magic === MULTIBOOT1_BOOTLOADER_MAGIC) {
    const flags = ptrFromVirt<u32>(virt(infoAt(first, info))).load();
    if (!isValue(flags & MB1_FLAG_MMAP, MB1_FLAG_MMAP)) return false;
    const length = u64(ptrFromVirt<u32>(virt(infoAt(first, info + 44))).load());
    const addr = u64(ptrFromVirt<u32>(virt(infoAt(first, info + 48))).load());
    if (!atLeast(addr, first << 12) || !atMost(addr + length, limit)) return false;
    let at = addr;
    while (at + 24 <= addr + length) {
      const size = u64(ptrFromVirt<u32>(virt(infoAt(first, at))).load());
      const base = ptrFromVirt<u64>(virt(infoAt(first, at + 4))).load();
      const len = ptrFromVirt<u64>(virt(infoAt(first, at + 12))).load();
      noteRange(base, len, ptrFromVirt<u32>(virt(infoAt(first, at + 20))).load());
      at += size + 4;
    }
    return isNot(ram.ranges, 0);
  }
  if (!isValue(magic, MULTIBOOT2_BOOTLOADER_MAGIC)) return false;
  const total = u64(ptrFromVirt<u32>(virt(infoAt(first, info))).load());
  if (!atMost(info + total, limit)) return false;
  let tag = info + 8;
  while (tag + 8 <= info + total) {
    const type = ptrFromVirt<u32>(virt(infoAt(first, tag))).load();
    const size = u64(ptrFromVirt<u32>(virt(infoAt(first, tag + 4))).load());
    if (type === 0 || size < 8) break;
    if (type === MB2_TAG_MMAP) {
      const entrySize = u64(ptrFromVirt<u32>(virt(infoAt(first, tag + 8))).load());
      for (let e = tag + 16; entrySize !== 0 && e + 24 <= tag + size; e += entrySize) {
        const base = ptrFromVirt<u64>(virt(infoAt(first, e))).load();
        const len = ptrFromVirt<u64>(virt(infoAt(first, e + 8))).load();
        noteRange(base, len, ptrFromVirt<u32>(virt(infoAt(first, e + 16))).load());
      }
    }
    tag += (size + 7) & ~u64(7);
  }
  return isNot(ram.ranges, 0);
}

function stackTop(): u64 {
  return u64(linkerSymbol("ec_stacks")) + (STACK_SLOT + 1) * STACK_SIZE;
}

const window = new Window();

/**
 * Loads the root task's own image (the boot module the HIP names) into PD2 with the ELF
 * helpers of user/nova/elf.ts: its segments are mapped in place, so PD2 runs the same code
 * and shares the data pages (the module's pages are the ones the root PD runs from).
 */
function loadImage(): bool {
  window.self = ROOT_HST;
  window.nova = NOVA_HST;
  window.va = ELF_VA;
  window.pages = ELF_PAGES;
  const h = hip();
  // open() says no more than null: that FAIL line has no value.
  const image = elf.open(window, h.rootStart, h.rootEnd);
  if (image === null) return false;
  const entry = elf.load(window, image, h.rootStart, h.rootEnd, PD2_HST);
  return isValue(entry, u64(linkerSymbol("_start")));
}

export function run(magic: u64, info: u64): void {
  block(540);
  check("boot-memory-map-read", memoryMap(magic, info));
  // The last page of the highest RAM range is user memory: delegable, and it holds data.
  const page = (ram.top >> 12) - 1;
  expectStatus("ram-page-delegated", mapPhys(page, RAM_VA, MEM_RW), Status.SUCCESS);
  const w = ptrFromVirt<u64>(virt(RAM_VA));
  for (let i: usize = 0; i < 512; i++) w.set(i, 0xa5a5_0000_0000 + u64(i));
  let differ: u64 = 0;
  for (let i: usize = 0; i < 512; i++) if (w.get(i) !== 0xa5a5_0000_0000 + u64(i)) differ++;
  // The words that read back otherwise.
  expect("ram-page-written-and-read", differ, 0);
  check(
    "ram-page-revoked",
    isStatus(ctrlPd(ROOT_HST, ROOT_HST, 0, 0, RAM_VA >> 12, 0, 0), Status.SUCCESS) &&
      isStatus(ctrlPd(ROOT_HST, ROOT_HST, 0, INFO_ORDER, INFO_VA >> 12, 0, 0), Status.SUCCESS),
  );

  check(
    "pd2-with-spaces",
    isStatus(createPd(PD2, PdOp.PD, ROOT_OBJ_ROOT_PD), Status.SUCCESS) &&
      isStatus(createPd(PD2_OBJ, PdOp.OBJ, PD2), Status.SUCCESS) &&
      isStatus(createPd(PD2_HST, PdOp.HST, PD2), Status.SUCCESS) &&
      isStatus(createPd(PD2_PIO, PdOp.PIO, PD2), Status.SUCCESS),
  );
  check("pd2-elf-loaded", loadImage());
  check(
    "pd2-local-ec-and-portal",
    isStatus(createEc(PD2_EC, 0, PD2, PD2_UTCB, 0, stackTop(), 0), Status.SUCCESS) &&
      isStatus(
        createPt(PD2_PT, PD2, PD2_EC, u64(linkerSymbol("ec_portal_entry"))),
        Status.SUCCESS,
      ) &&
      isStatus(ctrlPt(PD2_PT, OP_FOREIGN, 0), Status.SUCCESS),
  );
  check(
    "pd2-call-runs-in-its-space",
    isStatus(ipcCall(PD2_PT, false, 0, out), Status.SUCCESS) &&
      isValue(probed.calls, 1) &&
      isValue(probed.utcbWord, 0x5eed),
  );
  expectStatus("ctrl_hw-bad_hyp-not-root", probed.ctrlHw, Status.BAD_HYP);
  expectStatus("assign_dev-bad_hyp-not-root", probed.assignDev, Status.BAD_HYP);
  check(
    "pd2-second-call",
    isStatus(ipcCall(PD2_PT, false, 0, out), Status.SUCCESS) && isValue(probed.calls, 2),
  );
  check(
    "pd2-revoked",
    isStatus(revoke(F, 4), Status.SUCCESS) &&
      isStatus(ctrlPd(ROOT_HST, ROOT_HST, 0, ELF_ORDER, ELF_VA >> 12, 0, 0), Status.SUCCESS),
  );
  check(
    "pd2-gone-call-bad_cap",
    isStatus(ipcCall(PD2_PT, false, 0, out), Status.BAD_CAP) && isValue(probed.calls, 2),
  );
}
