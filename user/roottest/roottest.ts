// The root test task: ctrl_pd (nova-abi.md §4.8), create_sm (§4.7), ctrl_sm
// (§4.12) and create_pd (§4.3) from ring 3. It copies the space capabilities
// of the NOVA object space (§9.3) into the root object space, delegates
// COM1's ports 0x3f8-0x3ff from the NOVA PIO space to the root PIO space,
// and from then on writes to COM1 itself (a polling serial writer).
// Semaphores live at 0x3000…, created PDs and spaces at 0x3100… of the root
// object space; the root PD is §9.4's SELNUM-3. Each check prints `TEST <id> <name> PASS|FAIL`, then
// `TESTS: <passed>/<total> passed`. start.S ends with an OUTB to a port the
// root PIO space does not hold (#GP: the kernel kills the EC).
//
// Root object space after the first delegation (NOVA SELNUM-8…SELNUM-1 →
// 0x1000…0x1007, order 3): 0x1000 root PIO space (0x7), 0x1002 root object
// space (0x3), 0x1004 NOVA PIO space (TAKE), 0x1006 NOVA object space (TAKE),
// 0x1007 the console semaphore (0x3), the other odd ones CAP0 (no object exists for them yet).

const SELNUM: u64 = 0x40000;
/** §9.4: the root object space's own selectors. */
const ROOT_NOVA_OBJ: u64 = SELNUM - 1;
const ROOT_ROOT_OBJ: u64 = SELNUM - 2;
/** §9.3: the NOVA object space's space capabilities, SELNUM-8…SELNUM-1. */
const NOVA_SPACES: u64 = SELNUM - 8;

/** Where the task copies them. */
const ROOT_PIO: u64 = 0x1000;
const ROOT_OBJ: u64 = 0x1002;
const NOVA_PIO: u64 = 0x1004;
const NOVA_OBJ: u64 = 0x1006;
/** Always CAP0 in the root object space. */
const EMPTY: u64 = 0x2000;

/** §9.4: the root PD. */
const ROOT_PD: u64 = SELNUM - 3;
/** §9.5: the HIP (RSP at entry) and its STC frequency (TSC ticks per second). */
const HIP_ADDRESS: u64 = 0x7fff_ffff_f000;
const HIP_STC_FREQUENCY: u64 = 0x50;

const CREATE_PD: u64 = 0x2;
const CREATE_EC: u64 = 0x3;
const CREATE_SM: u64 = 0x6;
const CTRL_PD: u64 = 0x7;
const CTRL_SM: u64 = 0xb;
/** ctrl_sm flags (RDI[7:4]): D, Z. */
const SM_DOWN: u64 = 0x10;
const SM_ZERO: u64 = 0x20;
const SUCCESS: u64 = 0x0;
const TIMEOUT: u64 = 0x1;
const ABORTED: u64 = 0x2;
const OVRFLOW: u64 = 0x3;
const BAD_HYP: u64 = 0x4;
const BAD_CAP: u64 = 0x5;
const BAD_PAR: u64 = 0x6;
const BAD_FTR: u64 = 0x7;

/** Space permissions (§2.2). */
const GRANT: u64 = 0x1;
const TAKE: u64 = 0x2;
const ALL: u64 = 0x1f;
/** Semaphore permissions (§2.2). */
const CTRLUP: u64 = 0x1;
const CTRLDN: u64 = 0x2;

const COM1: u16 = 0x3f8;
const LSR: u16 = COM1 + 5;
const LSR_THR_EMPTY: u8 = 0x20;

/** The port start.S probes last: delegated, used, then revoked. */
export let probe_port: u64 = 0x80;

class Counts {
  passed: u64;
  total: u64;
  /** Whether COM1 is ours: results before that are kept and printed later. */
  console: bool;
  early: u64;
}

const counts = new Counts();
const early = array<u8, 8>();
const earlyNames = array<str, 8>();

const r = array<u64, 8>();

/** ctrl_pd(src, dst, ssb, ord, dsb, pmm): the whole RDI after the call. */
function ctrlPd(src: u64, dst: u64, ssb: u64, ord: u64, dsb: u64, pmm: u64): u64 {
  r[0] = (src << 8) | CTRL_PD;
  r[1] = dst;
  r[2] = (ssb << 12) | ord;
  r[3] = (dsb << 12) | pmm;
  r[4] = 0;
  syscall(r);
  return r[0];
}

/** An object-space copy of one capability within the root object space. */
function copy(from: u64, to: u64, pmm: u64): u64 {
  return ctrlPd(ROOT_OBJ, ROOT_OBJ, from, 0, to, pmm);
}

/** create_pd(sel, op, pd): the whole RDI after the call. */
function createPd(sel: u64, op: u64, pd: u64): u64 {
  r[0] = (sel << 8) | (op << 4) | CREATE_PD;
  r[1] = pd;
  syscall(r);
  return r[0];
}

/** create_sm(sel, pd, counter): the whole RDI after the call. */
function createSm(sel: u64, pd: u64, counter: u64): u64 {
  r[0] = (sel << 8) | CREATE_SM;
  r[1] = pd;
  r[2] = counter;
  syscall(r);
  return r[0];
}

/** ctrl_sm up. */
function up(sm: u64): u64 {
  r[0] = (sm << 8) | CTRL_SM;
  r[1] = 0;
  syscall(r);
  return r[0];
}

/** ctrl_sm down (Z with `zero`) with the absolute TSC `timeout` (0: none). */
function down(sm: u64, zero: bool, timeout: u64): u64 {
  r[0] = (sm << 8) | (zero ? SM_DOWN | SM_ZERO : SM_DOWN) | CTRL_SM;
  r[1] = timeout;
  syscall(r);
  return r[0];
}

/** A timeout already passed: a down on an empty semaphore returns TIMEOUT at once. */
const PAST: u64 = 1;

/** `n` downs that succeed, then one that times out (the counter was exactly n). */
function drains(sm: u64, n: u64): bool {
  for (let i: u64 = 0; i < n; i++) if (down(sm, false, 0) !== SUCCESS) return false;
  return down(sm, false, PAST) === TIMEOUT;
}

function putc(c: u8): void {
  while ((inb(LSR) & LSR_THR_EMPTY) === 0) pause();
  outb(COM1, c);
}

function puts(s: str): void {
  for (let i: usize = 0; i < strLength(s); i++) {
    const c = strByte(s, i);
    if (c === 0x0a) putc(0x0d);
    putc(c);
  }
}

function putDec(v: u64): void {
  const digits = array<u8, 20>();
  let n: usize = 0;
  let x = v;
  for (;;) {
    digits[n] = u8(0x30 + (x % 10));
    n++;
    x = x / 10;
    if (x === 0) break;
  }
  while (n > 0) {
    n--;
    putc(digits[n]);
  }
}

function line(id: u64, name: str, ok: bool): void {
  puts("TEST ");
  putDec(id);
  puts(" ");
  puts(name);
  puts(ok ? " PASS\n" : " FAIL\n");
}

function check(name: str, ok: bool): void {
  counts.total++;
  if (ok) counts.passed++;
  if (counts.console) {
    line(counts.total, name, ok);
    return;
  }
  const i = usize(counts.early);
  early[i] = ok ? 1 : 0;
  earlyNames[i] = name;
  counts.early++;
}

export function main(_magic: u64, _info: u64, _hip: u64): u64 {
  // The space capabilities of the NOVA object space (SELNUM-1: TAKE) into the root object space.
  check(
    "ctrl_pd-obj-nova-to-root",
    ctrlPd(ROOT_NOVA_OBJ, ROOT_ROOT_OBJ, NOVA_SPACES, 3, ROOT_PIO, ALL) === SUCCESS,
  );
  // COM1 from the NOVA PIO space (the copy at 0x1004) to the root PIO space (0x1000).
  const com1 = ctrlPd(NOVA_PIO, ROOT_PIO, u64(COM1), 3, u64(COM1), ALL);
  check("ctrl_pd-pio-com1", com1 === SUCCESS);
  // From here on the TSS's I/O bitmap lets ring 3 reach COM1 (a #GP otherwise).
  counts.console = true;
  puts("roottest: COM1 delegated, writing from ring 3\n");
  for (let i: usize = 0; i < usize(counts.early); i++)
    line(u64(i + 1), earlyNames[i], early[i] !== 0);

  // Success cases: a copy of a space capability is usable as source and destination.
  check("ctrl_pd-obj-copy", copy(ROOT_PIO, 0x1100, ALL) === SUCCESS);
  check("ctrl_pd-pio-via-copy", ctrlPd(NOVA_PIO, 0x1100, u64(COM1), 3, u64(COM1), ALL) === SUCCESS);
  check("ctrl_pd-status-whole-rdi", copy(EMPTY, 0x1101, ALL) === 0);
  check("ctrl_pd-pio-port-0x80", ctrlPd(NOVA_PIO, ROOT_PIO, 0x80, 0, 0x80, ALL) === SUCCESS);
  outb(u16(probe_port), 0x55);
  check("pio-out-delegated-port", true);

  // BAD_PAR: alignment (before the capabilities: CAP0 selectors here), range end, PIO ssb != dsb.
  check("bad_par-misaligned-ssb", ctrlPd(NOVA_PIO, ROOT_PIO, 0x3f9, 3, 0x3f9, ALL) === BAD_PAR);
  check("bad_par-misaligned-dsb", ctrlPd(ROOT_OBJ, ROOT_OBJ, 0x1000, 1, 0x1101, ALL) === BAD_PAR);
  check("bad_par-misaligned-before-caps", ctrlPd(EMPTY, EMPTY, 1, 1, 1, ALL) === BAD_PAR);
  check("bad_par-obj-range-end", ctrlPd(ROOT_OBJ, ROOT_OBJ, SELNUM, 0, 0x1200, ALL) === BAD_PAR);
  check("bad_par-obj-order-19", ctrlPd(ROOT_OBJ, ROOT_OBJ, 0, 19, 0, ALL) === BAD_PAR);
  check("bad_par-pio-range-end", ctrlPd(NOVA_PIO, ROOT_PIO, 0x10000, 0, 0x10000, ALL) === BAD_PAR);
  check("bad_par-pio-order-17", ctrlPd(NOVA_PIO, ROOT_PIO, 0, 17, 0, ALL) === BAD_PAR);
  check("bad_par-pio-ssb-ne-dsb", ctrlPd(NOVA_PIO, ROOT_PIO, 0x3f8, 3, 0x2f8, ALL) === BAD_PAR);

  // BAD_CAP: missing TAKE/GRANT, wrong pairs, CAP0 selectors.
  check(
    "bad_cap-dst-without-grant",
    ctrlPd(ROOT_OBJ, NOVA_OBJ, 0x1000, 0, 0x1200, ALL) === BAD_CAP,
  );
  check("bad_cap-root-dst-nova-obj", ctrlPd(ROOT_OBJ, ROOT_NOVA_OBJ, 0, 0, 0, ALL) === BAD_CAP);
  check(
    "bad_cap-src-without-take",
    copy(ROOT_OBJ, 0x1200, GRANT) === SUCCESS &&
      ctrlPd(0x1200, ROOT_OBJ, 0x1000, 0, 0x1201, ALL) === BAD_CAP,
  );
  check("bad_cap-pair-pio-to-obj", ctrlPd(NOVA_PIO, ROOT_OBJ, 0x3f8, 0, 0x3f8, ALL) === BAD_CAP);
  check("bad_cap-pair-obj-to-pio", ctrlPd(ROOT_OBJ, ROOT_PIO, 0x1000, 0, 0x1000, ALL) === BAD_CAP);
  check("bad_cap-cap0-src", ctrlPd(EMPTY, ROOT_OBJ, 0x1000, 0, 0x1201, ALL) === BAD_CAP);
  check("bad_cap-cap0-dst", ctrlPd(ROOT_OBJ, EMPTY, 0x1000, 0, 0x1201, ALL) === BAD_CAP);

  // Rights reduction: a copy with GRANT only is a destination, not a source; TAKE only the reverse.
  check("reduce-grant-only-is-dst", ctrlPd(ROOT_OBJ, 0x1200, 0x1000, 0, 0x1202, ALL) === SUCCESS);
  check("reduce-take-only-copy", copy(ROOT_OBJ, 0x1203, TAKE) === SUCCESS);
  check("reduce-take-only-is-src", ctrlPd(0x1203, ROOT_OBJ, 0x1000, 0, 0x1204, ALL) === SUCCESS);
  check("reduce-take-only-not-dst", ctrlPd(ROOT_OBJ, 0x1203, 0x1000, 0, 0x1205, ALL) === BAD_CAP);
  check(
    "reduce-copy-never-gains",
    copy(0x1203, 0x1206, ALL) === SUCCESS &&
      ctrlPd(ROOT_OBJ, 0x1206, 0x1000, 0, 0x1207, ALL) === BAD_CAP,
  );
  check(
    "reduce-pio-space-grant-only",
    copy(ROOT_PIO, 0x1210, GRANT) === SUCCESS &&
      ctrlPd(0x1210, ROOT_PIO, 0x3f8, 3, 0x3f8, ALL) === BAD_CAP &&
      ctrlPd(NOVA_PIO, 0x1210, 0x3f8, 3, 0x3f8, ALL) === SUCCESS,
  );

  // Revocation: CAP0 over a range, pmm 0 over a range, and what was derived from it.
  check("revoke-cap0-range", ctrlPd(ROOT_OBJ, ROOT_OBJ, EMPTY, 3, 0x1200, ALL) === SUCCESS);
  check("revoke-cap0-range-gone", ctrlPd(0x1203, ROOT_OBJ, 0x1000, 0, 0x1204, ALL) === BAD_CAP);
  check(
    "revoke-pmm0-range",
    copy(ROOT_OBJ, 0x1300, ALL) === SUCCESS &&
      copy(ROOT_OBJ, 0x1301, ALL) === SUCCESS &&
      ctrlPd(ROOT_OBJ, ROOT_OBJ, 0x1300, 1, 0x1300, 0) === SUCCESS &&
      ctrlPd(0x1300, ROOT_OBJ, 0x1000, 0, 0x1302, ALL) === BAD_CAP &&
      ctrlPd(0x1301, ROOT_OBJ, 0x1000, 0, 0x1302, ALL) === BAD_CAP,
  );
  check(
    "revoke-derived-copies",
    copy(ROOT_OBJ, 0x1400, ALL) === SUCCESS &&
      copy(0x1400, 0x1401, ALL) === SUCCESS &&
      copy(EMPTY, 0x1400, ALL) === SUCCESS &&
      ctrlPd(0x1401, ROOT_OBJ, 0x1000, 0, 0x1402, ALL) === BAD_CAP,
  );
  check("revoke-pio-port-0x80", ctrlPd(NOVA_PIO, ROOT_PIO, 0x80, 0, 0x80, 0) === SUCCESS);

  // create_sm (§4.7): the root PD's capability with SM, a CAP0 slot; new capabilities get 0x03.
  check("create_sm-success", createSm(0x3000, ROOT_PD, 0) === SUCCESS);
  check(
    "create_sm-bad_cap-sel-occupied",
    createSm(0x3000, ROOT_PD, 7) === BAD_CAP && up(0x3000) === SUCCESS && drains(0x3000, 1),
  );
  check(
    "create_sm-bad_cap-sel-is-space",
    createSm(ROOT_OBJ, ROOT_PD, 0) === BAD_CAP && copy(ROOT_OBJ, 0x3001, ALL) === SUCCESS,
  );
  check("create_sm-bad_cap-sel-out-of-range", createSm(SELNUM, ROOT_PD, 0) === BAD_CAP);
  check(
    "create_sm-bad_cap-pd-not-pd",
    createSm(0x3002, ROOT_OBJ, 0) === BAD_CAP && up(0x3002) === BAD_CAP,
  );
  check("create_sm-bad_cap-pd-cap0", createSm(0x3002, EMPTY, 0) === BAD_CAP);
  check(
    "create_sm-bad_cap-pd-without-sm",
    copy(ROOT_PD, 0x3003, ALL & ~u64(0x10)) === SUCCESS &&
      createSm(0x3002, 0x3003, 0) === BAD_CAP &&
      copy(ROOT_PD, 0x3004, 0x10) === SUCCESS &&
      createSm(0x3002, 0x3004, 0) === SUCCESS,
  );

  // ctrl_sm (§4.12): counts, Z, OVRFLOW, timeouts, permissions, revocation.
  check(
    "ctrl_sm-up-3-down-3",
    createSm(0x3010, ROOT_PD, 0) === SUCCESS &&
      up(0x3010) === SUCCESS &&
      up(0x3010) === SUCCESS &&
      up(0x3010) === SUCCESS &&
      drains(0x3010, 3),
  );
  check("ctrl_sm-initial-counter", createSm(0x3011, ROOT_PD, 2) === SUCCESS && drains(0x3011, 2));
  check(
    "ctrl_sm-down-zero",
    createSm(0x3012, ROOT_PD, 5) === SUCCESS &&
      down(0x3012, true, 0) === SUCCESS &&
      down(0x3012, false, PAST) === TIMEOUT &&
      up(0x3012) === SUCCESS &&
      drains(0x3012, 1),
  );
  check(
    "ctrl_sm-overflow",
    createSm(0x3013, ROOT_PD, u64.MAX) === SUCCESS &&
      up(0x3013) === OVRFLOW &&
      down(0x3013, false, 0) === SUCCESS &&
      up(0x3013) === SUCCESS &&
      up(0x3013) === OVRFLOW,
  );
  check("ctrl_sm-up-ignores-z", up(0x3012) === SUCCESS && drains(0x3012, 1));
  const freq = ptrFromVirt<u64>(virt(HIP_ADDRESS + HIP_STC_FREQUENCY)).load();
  const ms = freq / 1000;
  const t0 = rdtsc();
  const st = down(0x3010, false, t0 + ms);
  const waited = rdtsc() - t0;
  check("ctrl_sm-timeout-1ms", freq !== 0 && st === TIMEOUT && waited >= ms);
  check("ctrl_sm-status-whole-rdi", down(0x3010, false, PAST) === 1 && up(0x3010) === 0);
  check(
    "ctrl_sm-bad_cap-up-without-ctrlup",
    copy(0x3010, 0x3020, CTRLDN) === SUCCESS && up(0x3020) === BAD_CAP && drains(0x3020, 1),
  );
  check(
    "ctrl_sm-bad_cap-down-without-ctrldn",
    copy(0x3010, 0x3021, CTRLUP) === SUCCESS &&
      down(0x3021, false, PAST) === BAD_CAP &&
      up(0x3021) === SUCCESS &&
      drains(0x3020, 1),
  );
  check(
    "ctrl_sm-bad_cap-not-sm",
    up(ROOT_OBJ) === BAD_CAP &&
      down(ROOT_PD, false, PAST) === BAD_CAP &&
      up(ROOT_PIO) === BAD_CAP &&
      up(EMPTY) === BAD_CAP,
  );
  check(
    "ctrl_sm-revoked-pmm0",
    ctrlPd(ROOT_OBJ, ROOT_OBJ, 0x3010, 0, 0x3010, 0) === SUCCESS &&
      up(0x3010) === BAD_CAP &&
      down(0x3020, false, PAST) === BAD_CAP &&
      up(0x3021) === BAD_CAP,
  );
  check("create_sm-after-revoke", createSm(0x3010, ROOT_PD, 1) === SUCCESS && drains(0x3010, 1));

  // create_pd (§4.3): OP 0 a PD with the PD capability's permissions, OP 1 an OBJ space (one
  // per PD), OP 5 a PIO space (the first needs a host space); HST/GST/DMA/MSR spaces BAD_FTR.
  check("create_pd-op0-success", createPd(0x3100, 0, ROOT_PD) === SUCCESS);
  check(
    "create_pd-op0-same-perms",
    copy(ROOT_PD, 0x3101, 0x11) === SUCCESS &&
      createPd(0x3102, 0, 0x3101) === SUCCESS &&
      createSm(0x3103, 0x3102, 0) === SUCCESS &&
      createPd(0x3104, 0, 0x3102) === SUCCESS &&
      copy(ROOT_PD, 0x3105, 0x01) === SUCCESS &&
      createPd(0x3106, 0, 0x3105) === SUCCESS &&
      createSm(0x3107, 0x3106, 0) === BAD_CAP &&
      createPd(0x3107, 0, 0x3106) === SUCCESS,
  );
  // The new OBJ space's capability (0x03) is a destination (GRANT) and a source (TAKE).
  check(
    "create_pd-op1-obj-space",
    createPd(0x3110, 1, 0x3100) === SUCCESS &&
      ctrlPd(ROOT_OBJ, 0x3110, 0x1000, 0, 0x10, ALL) === SUCCESS &&
      ctrlPd(0x3110, ROOT_OBJ, 0x10, 0, 0x3111, ALL) === SUCCESS,
  );
  check("create_pd-op1-second-aborted", createPd(0x3112, 1, 0x3100) === ABORTED);
  check("create_pd-op1-root-aborted", createPd(0x3112, 1, ROOT_PD) === ABORTED);
  check(
    "create_pd-op5-pio-space",
    createPd(0x3120, 5, ROOT_PD) === SUCCESS &&
      ctrlPd(NOVA_PIO, 0x3120, 0x80, 0, 0x80, ALL) === SUCCESS &&
      ctrlPd(0x3120, ROOT_PIO, 0x80, 0, 0x80, ALL) === SUCCESS &&
      ctrlPd(0x3120, ROOT_PIO, 0x80, 0, 0x80, 0) === SUCCESS,
  );
  check("create_pd-op5-without-hst-aborted", createPd(0x3121, 5, 0x3100) === ABORTED);
  check(
    "create_pd-bad_ftr-hst-gst-dma-msr",
    createPd(0x3122, 2, ROOT_PD) === BAD_FTR &&
      createPd(0x3122, 3, ROOT_PD) === BAD_FTR &&
      createPd(0x3122, 4, ROOT_PD) === BAD_FTR &&
      createPd(0x3122, 6, ROOT_PD) === BAD_FTR,
  );
  check(
    "create_pd-bad_par-op7-op15",
    createPd(0x3122, 7, ROOT_PD) === BAD_PAR && createPd(0x3122, 15, ROOT_PD) === BAD_PAR,
  );
  check("create_pd-bad_cap-before-bad_par", createPd(0x3122, 7, EMPTY) === BAD_CAP);
  check("create_pd-bad_cap-sel-occupied", createPd(0x3100, 0, ROOT_PD) === BAD_CAP);
  check(
    "create_pd-bad_cap-sel-occupied-space",
    createPd(0x3100, 1, 0x3106) === BAD_CAP && createPd(0x3123, 1, 0x3106) === SUCCESS,
  );
  check("create_pd-bad_cap-pd-not-pd", createPd(0x3122, 0, ROOT_OBJ) === BAD_CAP);
  check(
    "create_pd-bad_cap-pd-without-pd",
    copy(ROOT_PD, 0x3124, 0x1e) === SUCCESS && createPd(0x3122, 0, 0x3124) === BAD_CAP,
  );
  check(
    "create_pd-revoked",
    ctrlPd(ROOT_OBJ, ROOT_OBJ, EMPTY, 0, 0x3100, ALL) === SUCCESS &&
      createPd(0x3122, 0, 0x3100) === BAD_CAP &&
      ctrlPd(ROOT_OBJ, 0x3110, 0x1000, 0, 0x11, ALL) === SUCCESS,
  );

  // The other hypercalls are not implemented yet; 0xf never is.
  r[0] = CREATE_EC;
  syscall(r);
  const createEc = r[0];
  r[0] = 0xf;
  syscall(r);
  check("bad_hyp-create_ec-and-0xf", createEc === BAD_HYP && r[0] === BAD_HYP);

  interruptsAndPlatform();

  puts("TESTS: ");
  putDec(counts.passed);
  puts("/");
  putDec(counts.total);
  puts(" passed\n");
  puts("roottest: OUT to revoked port 0x80 next: #GP expected\n");
  return (counts.passed << 32) | counts.total;
}

// ---- Interrupt semaphores, assign_int (§10.3), ctrl_hw (§10.1), the console semaphore (§9.9) ----
//
// Copies of NOVA object space selectors in the root object space: interrupt
// semaphore GSI 2 (0x10002) at 0x4002, the first MSI slot (0x10000 + INTPIN)
// at 0x4100; the console semaphore (NOVA SELNUM-1) is 0x1007 since the first
// delegation. Regular semaphores of this block at 0x4010…

const CTRL_HW: u64 = 0xc;
const ASSIGN_INT: u64 = 0xd;
const BAD_CPU: u64 = 0x8;
/** §9.3: interrupt semaphore n at 0x10000 + n of the NOVA object space. */
const INT_SM_BASE: u64 = 0x10000;
/** HIP fields (§9.5). */
const HIP_MBUF_START: u64 = 0x18;
const HIP_MBUF_END: u64 = 0x20;
const HIP_INTPIN: u64 = 0x6c;
/** assign_int flags (RDI[7:4]): M, T (level), P (active low). */
const INT_MASKED: u64 = 0x1;
const INT_LEVEL: u64 = 0x2;
/** QEMU and Bochs wire ISA IRQ 0 (the PIT) to GSI 2 (the kernel logs the MADT override). */
const PIT_GSI: u64 = 2;
const GSI2: u64 = 0x4002;
const MSI0: u64 = 0x4100;
const CONSOLE_SM: u64 = 0x1007;
/** The PIT: channel 0 data, command; mode 0 (interrupt on terminal count), lobyte/hibyte. */
const PIT_CHANNEL0: u16 = 0x40;
const PIT_COMMAND: u16 = 0x43;
const PIT_ONESHOT: u8 = 0x30;
/** About 1 ms of the PIT's 1.193182 MHz. */
const PIT_1MS: u64 = 1193;

/** assign_int(sm, flags, cpu): the whole RDI; RSI/RDX (MSI address/data) in r[1]/r[2]. */
function assignInt(sm: u64, flags: u64, cpu: u64): u64 {
  r[0] = (sm << 8) | (flags << 4) | ASSIGN_INT;
  r[1] = cpu;
  r[2] = 0x5555;
  syscall(r);
  return r[0];
}

/** ctrl_hw(op, desc): the whole RDI. */
function ctrlHw(op: u64, desc: u64): u64 {
  r[0] = (desc << 8) | (op << 4) | CTRL_HW;
  syscall(r);
  return r[0];
}

function hip(offset: u64): u64 {
  return ptrFromVirt<u64>(virt(HIP_ADDRESS + offset)).load();
}

/** The PIT in mode 0: its output goes low now and rises (GSI 2's edge) `count` ticks after the count. */
function pitOneShot(count: u64): void {
  outb(PIT_COMMAND, PIT_ONESHOT);
  outb(PIT_CHANNEL0, u8(count & 0xff));
  outb(PIT_CHANNEL0, u8(count >> 8));
}

/**
 * The mode word alone: a real 8254 (and Bochs) drops the output and waits for a count;
 * QEMU's keeps the output as it was. Either way no edge follows.
 */
function pitStop(): void {
  outb(PIT_COMMAND, PIT_ONESHOT);
}

/** Read-back command: latch counter 0's status; its bit 7 is the output (GSI 2's line). */
const PIT_READ_BACK_STATUS0: u8 = 0xe2;
function pitOutput(): bool {
  outb(PIT_COMMAND, PIT_READ_BACK_STATUS0);
  return (inb(PIT_CHANNEL0) & 0x80) !== 0;
}

/** Whether the CPU has RDT allocation (CPUID.(7,0):EBX[15]). */
function hasRdt(): bool {
  const regs = array<u32, 4>();
  cpuid(0, 0, regs);
  if (regs[0] < 7) return false;
  cpuid(7, 0, regs);
  return (regs[1] & (u32(1) << 15)) !== 0;
}

/** This CPU's initial APIC id (CPUID.1:EBX[31:24]): the MSI destination. */
function apicId(): u64 {
  const regs = array<u32, 4>();
  cpuid(1, 0, regs);
  return u64(regs[1] >> 24);
}

function interruptsAndPlatform(): void {
  const intPin = u64(ptrFromVirt<u16>(virt(HIP_ADDRESS + HIP_INTPIN)).load());
  const intMsi = u64(ptrFromVirt<u16>(virt(HIP_ADDRESS + HIP_INTPIN + 2)).load());
  // The kernel's choice: vectors 0x20…0xee, one per interrupt (docs/interrupts.md).
  check("hip-intpin-intmsi", intPin >= 16 && intPin + intMsi === 207);
  const mbuf = hip(HIP_MBUF_START);
  check(
    "hip-mbuf-one-page",
    mbuf !== 0 && (mbuf & 0xfff) === 0 && hip(HIP_MBUF_END) === mbuf + 4096,
  );

  // Interrupt semaphores: copies from the NOVA object space keep 0x12 (ASSIGN|CTRLDN).
  check(
    "int_sm-copy",
    ctrlPd(ROOT_NOVA_OBJ, ROOT_ROOT_OBJ, INT_SM_BASE + PIT_GSI, 0, GSI2, ALL) === SUCCESS &&
      ctrlPd(ROOT_NOVA_OBJ, ROOT_ROOT_OBJ, INT_SM_BASE + intPin, 0, MSI0, ALL) === SUCCESS,
  );
  check("int_sm-up-bad_cap", up(GSI2) === BAD_CAP);
  check("int_sm-down-counter-0", down(GSI2, false, PAST) === TIMEOUT);

  // assign_int: the CPU first (BAD_CPU even for a CAP0 selector), then the capability.
  check("assign_int-bad_cpu", assignInt(GSI2, INT_MASKED, 1) === BAD_CPU);
  check("assign_int-bad_cpu-before-cap", assignInt(EMPTY, 0, 0xffff) === BAD_CPU);
  check(
    "assign_int-bad_cap-regular-sm",
    createSm(0x4010, ROOT_PD, 0) === SUCCESS && assignInt(0x4010, 0, 0) === BAD_CAP,
  );
  check(
    "assign_int-bad_cap-not-sm",
    assignInt(ROOT_OBJ, 0, 0) === BAD_CAP && assignInt(EMPTY, 0, 0) === BAD_CAP,
  );
  check(
    "assign_int-bad_cap-without-assign",
    copy(GSI2, 0x4003, CTRLDN) === SUCCESS &&
      assignInt(0x4003, INT_MASKED, 0) === BAD_CAP &&
      down(0x4003, false, PAST) === TIMEOUT,
  );
  check(
    "assign_int-msi-address-data",
    assignInt(MSI0, 0, 0) === SUCCESS &&
      r[1] === (0xfee0_0000 | (apicId() << 12)) &&
      r[2] === 0x20 + intPin,
  );
  check(
    "assign_int-pin-rsi-rdx-0",
    assignInt(GSI2, INT_MASKED, 0) === SUCCESS && r[1] === 0 && r[2] === 0,
  );

  // A real interrupt: the PIT's ports, GSI 2 edge-triggered and unmasked on CPU 0.
  check(
    "pit-ports-delegated",
    ctrlPd(NOVA_PIO, ROOT_PIO, u64(PIT_CHANNEL0), 2, u64(PIT_CHANNEL0), ALL) === SUCCESS,
  );
  const freq = hip(HIP_STC_FREQUENCY);
  const ms = freq / 1000;
  pitStop();
  check(
    "int-edge-quiet-pit-times-out",
    assignInt(GSI2, 0, 0) === SUCCESS && down(GSI2, false, rdtsc() + 5 * ms) === TIMEOUT,
  );
  pitOneShot(PIT_1MS);
  check("int-edge-pit-one-shot", down(GSI2, false, rdtsc() + 1000 * ms) === SUCCESS);
  check("int-edge-exactly-one", down(GSI2, false, rdtsc() + 5 * ms) === TIMEOUT);

  // Level-triggered: the handler masks the pin, each down unmasks it. The PIT's output stays
  // high after its count, so every down sees one more interrupt until the output goes low.
  pitStop();
  check("int-level-assign", assignInt(GSI2, INT_LEVEL, 0) === SUCCESS);
  pitOneShot(PIT_1MS);
  check(
    "int-level-down-unmasks",
    down(GSI2, false, rdtsc() + 1000 * ms) === SUCCESS &&
      down(GSI2, false, rdtsc() + 1000 * ms) === SUCCESS &&
      down(GSI2, false, rdtsc() + 1000 * ms) === SUCCESS,
  );
  // A new count pulls the line low for 65536 PIT ticks. After a down that drains what is
  // pending, a 1 ms down times out while the output is still low; should the PIT have expired
  // meanwhile (an emulator whose PIT outruns its TSC), it must have been an interrupt instead.
  pitOneShot(0);
  const drained = down(GSI2, true, PAST);
  const low = down(GSI2, false, rdtsc() + ms);
  const high = pitOutput();
  check(
    "int-level-line-low-quiet",
    (drained === SUCCESS || drained === TIMEOUT) &&
      ((low === TIMEOUT && !high) || (low === SUCCESS && high)),
  );
  check("int-masked-again", assignInt(GSI2, INT_MASKED, 0) === SUCCESS);

  // ctrl_hw: OPs other than 0 and 4-7, S2 (and the states without a resume path).
  check(
    "ctrl_hw-bad_par-op",
    ctrlHw(1, 0) === BAD_PAR &&
      ctrlHw(2, 0) === BAD_PAR &&
      ctrlHw(3, 0) === BAD_PAR &&
      ctrlHw(8, 0) === BAD_PAR &&
      ctrlHw(15, 0) === BAD_PAR,
  );
  check("ctrl_hw-s2-bad_ftr", ctrlHw(0, 2) === BAD_FTR);
  check(
    "ctrl_hw-s0-s1-s3-s6-bad_ftr",
    ctrlHw(0, 0) === BAD_FTR &&
      ctrlHw(0, 1 | (1 << 3) | (1 << 6)) === BAD_FTR &&
      ctrlHw(0, 3 | (1 << 3) | (1 << 6)) === BAD_FTR &&
      ctrlHw(0, 6) === BAD_FTR,
  );
  // QOS (§10.2, §12.18): OP 5-7 before OP 4 ABORTED; OP 4 once; without RDT OP 5-7 BAD_PAR.
  check(
    "ctrl_hw-qos-before-op4-aborted",
    ctrlHw(5, 1 << 16) === ABORTED && ctrlHw(6, 1 << 16) === ABORTED && ctrlHw(7, 0) === ABORTED,
  );
  const rdt = hasRdt();
  check(
    "ctrl_hw-qos-op4-bad-bits",
    ctrlHw(4, 1) === BAD_PAR && ctrlHw(4, 8) === BAD_PAR && (rdt || ctrlHw(4, 2) === BAD_PAR),
  );
  check("ctrl_hw-qos-op4", ctrlHw(4, 0) === SUCCESS);
  check("ctrl_hw-qos-op4-twice-aborted", ctrlHw(4, 0) === ABORTED);
  check(
    "ctrl_hw-qos-masks",
    ctrlHw(5, 0) === BAD_PAR &&
      ctrlHw(5, 0x5 << 16) === BAD_PAR &&
      (rdt ||
        (ctrlHw(5, 1 << 16) === BAD_PAR &&
          ctrlHw(6, 1 << 16) === BAD_PAR &&
          ctrlHw(7, 0) === BAD_PAR)),
  );

  // The console semaphore (§9.9, perms 0x03): an up per kernel log line since boot, none since.
  check(
    "console_sm-counts-lines",
    down(CONSOLE_SM, true, PAST) === SUCCESS && down(CONSOLE_SM, false, PAST) === TIMEOUT,
  );
}
