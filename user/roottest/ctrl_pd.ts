// ctrl_pd (nova-abi.md §4.8): object and PIO delegation, the BAD_PAR and
// BAD_CAP checks in NOVA's order, rights reduction and revocation.

import { PERM_MASK, Perm_obj_sp, Perm_pio_sp } from "../../abi/perms.ts";
import { Status } from "../../abi/status.ts";
import { PIO_PORTS, ROOT_OBJ_NOVA_OBJ, SELNUM, ROOT_OBJ_ROOT_PD } from "../../abi/selectors.ts";
import { COM1 } from "../nova/console.ts";
import { REG_RDI, after } from "../nova/hypercall.ts";
import {
  CTRL_PD_MORE,
  EMPTY,
  NOVA_OBJ,
  NOVA_PIO,
  RANGE_ORDER,
  ROOT_OBJ,
  ROOT_PIO,
  copy,
  pd,
  revoke,
} from "./sel.ts";
import { block, check, expectStatus, isStatus, isValue } from "./test.ts";

/** The port the task delegates, uses and revokes (start.S's final OUT must #GP on it). */
export const PROBE_PORT: u64 = 0x80;

export function run(): void {
  block(100);
  // Success cases: a copy of a space capability is usable as source and destination.
  expectStatus("ctrl_pd-obj-copy", copy(ROOT_PIO, 0x1100, PERM_MASK), Status.SUCCESS);
  expectStatus(
    "ctrl_pd-pio-via-copy",
    pd(NOVA_PIO, 0x1100, u64(COM1), 3, u64(COM1), PERM_MASK),
    Status.SUCCESS,
  );
  check(
    "ctrl_pd-status-whole-rdi",
    isStatus(copy(EMPTY, 0x1101, PERM_MASK), Status.SUCCESS) && isValue(after(REG_RDI), 0),
  );
  expectStatus(
    "ctrl_pd-pio-port-0x80",
    pd(NOVA_PIO, ROOT_PIO, 0x80, 0, 0x80, PERM_MASK),
    Status.SUCCESS,
  );
  outb(u16(PROBE_PORT), 0x55);
  check("pio-out-delegated-port", true);

  // BAD_PAR: alignment (before the capabilities: CAP0 selectors here), range end, PIO ssb != dsb.
  expectStatus(
    "bad_par-misaligned-ssb",
    pd(NOVA_PIO, ROOT_PIO, 0x3f9, 3, 0x3f9, PERM_MASK),
    Status.BAD_PAR,
  );
  expectStatus(
    "bad_par-misaligned-dsb",
    pd(ROOT_OBJ, ROOT_OBJ, 0x1000, 1, 0x1101, PERM_MASK),
    Status.BAD_PAR,
  );
  expectStatus(
    "bad_par-misaligned-before-caps",
    pd(EMPTY, EMPTY, 1, 1, 1, PERM_MASK),
    Status.BAD_PAR,
  );
  expectStatus(
    "bad_par-obj-range-end",
    pd(ROOT_OBJ, ROOT_OBJ, SELNUM, 0, 0x1200, PERM_MASK),
    Status.BAD_PAR,
  );
  expectStatus("bad_par-obj-order-19", pd(ROOT_OBJ, ROOT_OBJ, 0, 19, 0, PERM_MASK), Status.BAD_PAR);
  expectStatus(
    "bad_par-pio-range-end",
    pd(NOVA_PIO, ROOT_PIO, 0x10000, 0, 0x10000, PERM_MASK),
    Status.BAD_PAR,
  );
  expectStatus("bad_par-pio-order-17", pd(NOVA_PIO, ROOT_PIO, 0, 17, 0, PERM_MASK), Status.BAD_PAR);
  expectStatus(
    "bad_par-pio-ssb-ne-dsb",
    pd(NOVA_PIO, ROOT_PIO, 0x3f8, 3, 0x2f8, PERM_MASK),
    Status.BAD_PAR,
  );

  // BAD_CAP: missing TAKE/GRANT, wrong pairs, CAP0 selectors.
  expectStatus(
    "bad_cap-dst-without-grant",
    pd(ROOT_OBJ, NOVA_OBJ, 0x1000, 0, 0x1200, PERM_MASK),
    Status.BAD_CAP,
  );
  expectStatus(
    "bad_cap-root-dst-nova-obj",
    pd(ROOT_OBJ, ROOT_OBJ_NOVA_OBJ, 0, 0, 0, PERM_MASK),
    Status.BAD_CAP,
  );
  check(
    "bad_cap-src-without-take",
    isStatus(copy(ROOT_OBJ, 0x1200, Perm_obj_sp.GRANT), Status.SUCCESS) &&
      isStatus(pd(0x1200, ROOT_OBJ, 0x1000, 0, 0x1201, PERM_MASK), Status.BAD_CAP),
  );
  expectStatus(
    "bad_cap-pair-pio-to-obj",
    pd(NOVA_PIO, ROOT_OBJ, 0x3f8, 0, 0x3f8, PERM_MASK),
    Status.BAD_CAP,
  );
  expectStatus(
    "bad_cap-pair-obj-to-pio",
    pd(ROOT_OBJ, ROOT_PIO, 0x1000, 0, 0x1000, PERM_MASK),
    Status.BAD_CAP,
  );
  expectStatus(
    "bad_cap-cap0-src",
    pd(EMPTY, ROOT_OBJ, 0x1000, 0, 0x1201, PERM_MASK),
    Status.BAD_CAP,
  );
  expectStatus(
    "bad_cap-cap0-dst",
    pd(ROOT_OBJ, EMPTY, 0x1000, 0, 0x1201, PERM_MASK),
    Status.BAD_CAP,
  );

  // Rights reduction: a copy with Perm_obj_sp.GRANT only is a destination, not a source; Perm_obj_sp.TAKE only the reverse.
  expectStatus(
    "reduce-grant-only-is-dst",
    pd(ROOT_OBJ, 0x1200, 0x1000, 0, 0x1202, PERM_MASK),
    Status.SUCCESS,
  );
  expectStatus("reduce-take-only-copy", copy(ROOT_OBJ, 0x1203, Perm_obj_sp.TAKE), Status.SUCCESS);
  expectStatus(
    "reduce-take-only-is-src",
    pd(0x1203, ROOT_OBJ, 0x1000, 0, 0x1204, PERM_MASK),
    Status.SUCCESS,
  );
  expectStatus(
    "reduce-take-only-not-dst",
    pd(ROOT_OBJ, 0x1203, 0x1000, 0, 0x1205, PERM_MASK),
    Status.BAD_CAP,
  );
  check(
    "reduce-copy-never-gains",
    isStatus(copy(0x1203, 0x1206, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(ROOT_OBJ, 0x1206, 0x1000, 0, 0x1207, PERM_MASK), Status.BAD_CAP),
  );
  check(
    "reduce-pio-space-grant-only",
    isStatus(copy(ROOT_PIO, 0x1210, Perm_pio_sp.GRANT), Status.SUCCESS) &&
      isStatus(pd(0x1210, ROOT_PIO, 0x3f8, 3, 0x3f8, PERM_MASK), Status.BAD_CAP) &&
      isStatus(pd(NOVA_PIO, 0x1210, 0x3f8, 3, 0x3f8, PERM_MASK), Status.SUCCESS),
  );

  // Revocation: CAP0 over a range, pmm 0 over a range, and what was derived from it.
  expectStatus(
    "revoke-cap0-range",
    pd(ROOT_OBJ, ROOT_OBJ, EMPTY, 3, 0x1200, PERM_MASK),
    Status.SUCCESS,
  );
  expectStatus(
    "revoke-cap0-range-gone",
    pd(0x1203, ROOT_OBJ, 0x1000, 0, 0x1204, PERM_MASK),
    Status.BAD_CAP,
  );
  check(
    "revoke-pmm0-range",
    isStatus(copy(ROOT_OBJ, 0x1300, PERM_MASK), Status.SUCCESS) &&
      isStatus(copy(ROOT_OBJ, 0x1301, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(ROOT_OBJ, ROOT_OBJ, 0x1300, 1, 0x1300, 0), Status.SUCCESS) &&
      isStatus(pd(0x1300, ROOT_OBJ, 0x1000, 0, 0x1302, PERM_MASK), Status.BAD_CAP) &&
      isStatus(pd(0x1301, ROOT_OBJ, 0x1000, 0, 0x1302, PERM_MASK), Status.BAD_CAP),
  );
  check(
    "revoke-derived-copies",
    isStatus(copy(ROOT_OBJ, 0x1400, PERM_MASK), Status.SUCCESS) &&
      isStatus(copy(0x1400, 0x1401, PERM_MASK), Status.SUCCESS) &&
      isStatus(copy(EMPTY, 0x1400, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(0x1401, ROOT_OBJ, 0x1000, 0, 0x1402, PERM_MASK), Status.BAD_CAP),
  );
  expectStatus("revoke-pio-port-0x80", pd(NOVA_PIO, ROOT_PIO, 0x80, 0, 0x80, 0), Status.SUCCESS);
  more();
}

/** A chain of `n` copies of the root object space at base, base+1, …: each a copy of the one before. */
function chain(base: u64, n: u64): bool {
  if (!isStatus(copy(ROOT_OBJ, base, PERM_MASK), Status.SUCCESS)) return false;
  for (let i: u64 = 1; i < n; i++)
    if (!isStatus(copy(base + i - 1, base + i, PERM_MASK), Status.SUCCESS)) return false;
  return true;
}

/** Whether `sel` is a usable object-space source (a copy of ROOT_OBJ into the scratch slot). */
function usable(sel: u64): bool {
  return isStatus(pd(sel, ROOT_OBJ, ROOT_OBJ, 0, CTRL_PD_MORE + 0xff, PERM_MASK), Status.SUCCESS);
}

/** Whether `sel` is no object-space source (CAP0 or revoked): BAD_CAP. */
function unusable(sel: u64): bool {
  return isStatus(pd(sel, ROOT_OBJ, ROOT_OBJ, 0, CTRL_PD_MORE + 0xff, PERM_MASK), Status.BAD_CAP);
}

/** One PIO range of NOVA's delegated to the root PIO space and revoked again. */
function pioRoundTrip(port: u64, ord: u64): bool {
  return (
    isStatus(pd(NOVA_PIO, ROOT_PIO, port, ord, port, PERM_MASK), Status.SUCCESS) &&
    isStatus(pd(NOVA_PIO, ROOT_PIO, port, ord, port, 0), Status.SUCCESS)
  );
}

/** Cases added after the first 68: selectors CTRL_PD_MORE…+0xff, revoked at the end. */
function more(): void {
  const s = CTRL_PD_MORE;
  // Selectors at or beyond SELNUM name nothing: BAD_CAP (the capability checks).
  expectStatus(
    "bad_cap-src-sel-selnum",
    pd(SELNUM, ROOT_OBJ, ROOT_OBJ, 0, s, PERM_MASK),
    Status.BAD_CAP,
  );
  expectStatus(
    "bad_cap-dst-sel-selnum",
    pd(ROOT_OBJ, SELNUM, ROOT_OBJ, 0, s, PERM_MASK),
    Status.BAD_CAP,
  );
  expectStatus(
    "bad_cap-src-sel-all-ones",
    pd((u64(1) << 56) - 1, ROOT_OBJ, ROOT_OBJ, 0, s, PERM_MASK),
    Status.BAD_CAP,
  );
  expectStatus(
    "bad_cap-src-is-pd",
    pd(ROOT_OBJ_ROOT_PD, ROOT_OBJ, ROOT_OBJ, 0, s, PERM_MASK),
    Status.BAD_CAP,
  );
  expectStatus(
    "bad_cap-dst-is-pd",
    pd(ROOT_OBJ, ROOT_OBJ_ROOT_PD, ROOT_OBJ, 0, s, PERM_MASK),
    Status.BAD_CAP,
  );
  check(
    "bad_cap-nova-obj-not-dst",
    isStatus(pd(ROOT_OBJ, ROOT_OBJ_NOVA_OBJ, ROOT_OBJ, 0, s, PERM_MASK), Status.BAD_CAP) &&
      isStatus(pd(NOVA_OBJ, ROOT_OBJ, SELNUM - 2, 0, s, PERM_MASK), Status.SUCCESS),
  );
  // Orders and ranges: order 31 (the field's maximum), an aligned range starting at SELNUM
  // (source and destination), PIO beyond 0xffff.
  expectStatus("bad_par-obj-order-31", pd(ROOT_OBJ, ROOT_OBJ, 0, 31, 0, PERM_MASK), Status.BAD_PAR);
  expectStatus(
    "bad_par-obj-ssb-selnum-ord8",
    pd(ROOT_OBJ, ROOT_OBJ, SELNUM, RANGE_ORDER, s, PERM_MASK),
    Status.BAD_PAR,
  );
  expectStatus(
    "bad_par-obj-dsb-selnum-ord8",
    pd(ROOT_OBJ, ROOT_OBJ, s, RANGE_ORDER, SELNUM, PERM_MASK),
    Status.BAD_PAR,
  );
  expectStatus(
    "bad_par-obj-dsb-selnum",
    pd(ROOT_OBJ, ROOT_OBJ, ROOT_OBJ, 0, SELNUM, PERM_MASK),
    Status.BAD_PAR,
  );
  check(
    "bad_par-obj-ssb-beyond-ord17",
    isStatus(pd(ROOT_OBJ, ROOT_OBJ, SELNUM, 17, 0, PERM_MASK), Status.BAD_PAR) && usable(ROOT_OBJ),
  );
  check(
    "ctrl_pd-obj-last-selector",
    isStatus(pd(ROOT_OBJ, ROOT_OBJ, SELNUM - 1, 0, s + 1, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(s + 1, ROOT_OBJ, SELNUM - 2, 0, s + 2, PERM_MASK), Status.SUCCESS),
  );
  expectStatus(
    "bad_par-pio-ssb-0x10000-ord8",
    pd(NOVA_PIO, ROOT_PIO, PIO_PORTS, RANGE_ORDER, PIO_PORTS, PERM_MASK),
    Status.BAD_PAR,
  );
  expectStatus("bad_par-pio-order-31", pd(NOVA_PIO, ROOT_PIO, 0, 31, 0, PERM_MASK), Status.BAD_PAR);
  expectStatus(
    "bad_par-pio-0xffff-ord1",
    pd(NOVA_PIO, ROOT_PIO, 0xffff, 1, 0xffff, PERM_MASK),
    Status.BAD_PAR,
  );
  check("ctrl_pd-pio-port-0xffff", pioRoundTrip(0xffff, 0));
  check("ctrl_pd-pio-0xfffe-ord1", pioRoundTrip(0xfffe, 1));
  check("ctrl_pd-pio-0xff00-ord8", pioRoundTrip(0xff00, 8));
  check(
    "bad_cap-pio-dst-without-grant",
    isStatus(copy(ROOT_PIO, s + 3, Perm_pio_sp.TAKE | Perm_pio_sp.ASSIGN), Status.SUCCESS) &&
      isStatus(pd(NOVA_PIO, s + 3, 0x80, 0, 0x80, PERM_MASK), Status.BAD_CAP),
  );
  check(
    "bad_cap-pio-src-without-take",
    isStatus(copy(NOVA_PIO, s + 4, Perm_pio_sp.GRANT), Status.SUCCESS) &&
      isStatus(pd(s + 4, ROOT_PIO, 0x80, 0, 0x80, PERM_MASK), Status.BAD_CAP),
  );
  // pmm: no bit in common gives CAP0; the copy has exactly the bits kept.
  check(
    "pmm-no-common-bits-is-cap0",
    isStatus(copy(ROOT_OBJ, s + 5, 0x1c), Status.SUCCESS) &&
      unusable(s + 5) &&
      isStatus(pd(ROOT_OBJ, s + 5, ROOT_OBJ, 0, s + 6, PERM_MASK), Status.BAD_CAP),
  );
  check(
    "pmm-grant-take-both",
    isStatus(copy(ROOT_OBJ, s + 7, Perm_obj_sp.GRANT | Perm_obj_sp.TAKE), Status.SUCCESS) &&
      usable(s + 7) &&
      isStatus(pd(ROOT_OBJ, s + 7, ROOT_OBJ, 0, s + 8, PERM_MASK), Status.SUCCESS),
  );
  check(
    "pmm-0-over-cap0-stays-cap0",
    isStatus(pd(ROOT_OBJ, ROOT_OBJ, EMPTY, 0, s + 9, 0), Status.SUCCESS) && unusable(s + 9),
  );
  // Revocation: depth, the middle of a chain, siblings, overwriting.
  check(
    "revoke-depth-8",
    chain(s + 0x10, 8) && isStatus(revoke(s + 0x10, 0), Status.SUCCESS) && unusable(s + 0x17),
  );
  check(
    "revoke-middle-keeps-parent",
    chain(s + 0x20, 4) &&
      isStatus(revoke(s + 0x21, 0), Status.SUCCESS) &&
      usable(s + 0x20) &&
      unusable(s + 0x22) &&
      unusable(s + 0x23),
  );
  check(
    "revoke-sibling-unaffected",
    isStatus(copy(ROOT_OBJ, s + 0x30, PERM_MASK), Status.SUCCESS) &&
      isStatus(copy(ROOT_OBJ, s + 0x31, PERM_MASK), Status.SUCCESS) &&
      isStatus(revoke(s + 0x30, 0), Status.SUCCESS) &&
      usable(s + 0x31),
  );
  check(
    "delegate-overwrites-and-revokes-derived",
    chain(s + 0x40, 2) &&
      isStatus(copy(ROOT_PIO, s + 0x40, PERM_MASK), Status.SUCCESS) &&
      unusable(s + 0x41) &&
      unusable(s + 0x40) &&
      isStatus(pd(NOVA_PIO, s + 0x40, 0x80, 0, 0x80, PERM_MASK), Status.SUCCESS) &&
      isStatus(pd(NOVA_PIO, ROOT_PIO, 0x80, 0, 0x80, 0), Status.SUCCESS),
  );
  check(
    "revoke-range-ord8",
    isStatus(revoke(s, RANGE_ORDER), Status.SUCCESS) && unusable(s + 7) && unusable(s + 0x20),
  );
  // The scratch slot `usable` fills is in the range too: clear it last.
  check(
    "revoke-scratch",
    isStatus(revoke(s + 0xff, 0), Status.SUCCESS) &&
      unusable(s + 0x31) &&
      isStatus(revoke(s + 0xff, 0), Status.SUCCESS),
  );
  expectStatus(
    "ctrl_pd-com1-still-open",
    pd(NOVA_PIO, ROOT_PIO, u64(COM1), 3, u64(COM1), PERM_MASK),
    Status.SUCCESS,
  );
}
