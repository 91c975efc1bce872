// The kernel's unwind table (read by kernel-ts/unwind.ts for the fault
// report's stack walk), generated from the first link's call-frame
// information. The kernel is built without forced frame pointers, so RBP is an
// ordinary register in most functions; gcc and clang describe every
// function's frame in .debug_frame instead (DWARF CFI, exact at each
// instruction), and `readelf --debug-dump=frames-interp` decodes it into one
// row per address where the frame's shape changes:
//
//   LOC              CFA      rbx   rbp   ra
//   ffffffff80401050 rsp+8    u     u     c-8
//   ffffffff80401051 rsp+16   u     c-16  c-8
//
// The CFA (canonical frame address) is the caller's RSP before its CALL; the
// return address is always at CFA-8 on x86-64. Of the saved registers the
// walk needs only RBP: a CFA may be computed from it (functions that keep a
// frame pointer, gcc's large or variable frames). Each row becomes an 8-byte
// entry in the style of Linux's ORC: where it starts, how to compute the
// CFA, and where the caller's RBP is saved, if it is. A frame shape the
// kernel's walk does not model (CFA from another register or an expression)
// is an entry that stops the walk, as is a gap between functions.

import { execa } from "execa";

/** How the CFA is found at an address (kernel-ts/unwind.ts UnwindEntry.base). */
export enum CfaBase {
  RSP = 0,
  RBP = 1,
  /** No call-frame information here, or a shape the walk does not follow: the walk stops. */
  NONE = 2,
}

export interface UnwindRow {
  address: bigint;
  base: CfaBase;
  /** CFA = base register + cfaOffset. */
  cfaOffset: number;
  /** The caller's RBP is saved at CFA - rbpOffset (a multiple of 8); 0: RBP still holds it. */
  rbpOffset: number;
}

const none = (address: bigint): UnwindRow => ({
  address,
  base: CfaBase.NONE,
  cfaOffset: 0,
  rbpOffset: 0,
});

/** One decoded row of `readelf --debug-dump=frames-interp` as an UnwindRow. */
function decode(address: bigint, cfa: string, rbp: string | undefined): UnwindRow {
  const c = /^(rsp|rbp)\+(\d+)$/.exec(cfa);
  // "u" (undefined) and "s" (same value): RBP was not saved, it still holds the caller's.
  // "c-N": saved at CFA-N. Anything else (another register, an expression) is not followed.
  const r = rbp === undefined || rbp === "u" || rbp === "s" ? 0 : /^c-(\d+)$/.exec(rbp);
  if (!c || r === null) return none(address);
  const cfaOffset = Number(c[2]);
  const rbpOffset = r === 0 ? 0 : Number(r[1]);
  // An entry holds the CFA offset in 16 bits and RBP's in quads in 8: a frame larger than
  // that is not followed (none is, today).
  if (cfaOffset > 0xffff || rbpOffset % 8 !== 0 || rbpOffset / 8 > 0xff) return none(address);
  return { address, base: c[1] === "rsp" ? CfaBase.RSP : CfaBase.RBP, cfaOffset, rbpOffset };
}

/**
 * The unwind rows of `elf`'s .debug_frame at or above `lowest`, sorted by address, one per
 * change of rule; each holds until the next. Addresses between functions get a NONE row.
 */
export async function unwindRows(elf: string, lowest: bigint): Promise<UnwindRow[]> {
  const { stdout } = await execa("readelf", ["--debug-dump=frames-interp", elf], {
    maxBuffer: 1 << 30,
  });
  const ranges: { start: bigint; end: bigint; rows: UnwindRow[] }[] = [];
  let current: { start: bigint; end: bigint; rows: UnwindRow[] } | undefined;
  let columns: string[] = [];
  for (const text of stdout.split("\n")) {
    const fde = /\bFDE cie=\S+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(text);
    if (fde) {
      current = { start: BigInt(`0x${fde[1]}`), end: BigInt(`0x${fde[2]}`), rows: [] };
      if (current.start >= lowest) ranges.push(current);
      columns = [];
      continue;
    }
    if (/\bCIE\b/.test(text)) {
      current = undefined;
      continue;
    }
    const fields = text.trim().split(/\s+/);
    if (fields[0] === "LOC") {
      columns = fields;
      continue;
    }
    if (!current || !/^[0-9a-f]{8,}$/.test(fields[0]) || fields.length !== columns.length) continue;
    const rbp = columns.indexOf("rbp");
    current.rows.push(
      decode(BigInt(`0x${fields[0]}`), fields[1], rbp < 0 ? undefined : fields[rbp]),
    );
  }
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const rows: UnwindRow[] = [];
  const push = (r: UnwindRow) => {
    const last = rows[rows.length - 1];
    if (last && last.address === r.address) rows.pop();
    const prev = rows[rows.length - 1];
    if (
      prev &&
      prev.base === r.base &&
      prev.cfaOffset === r.cfaOffset &&
      prev.rbpOffset === r.rbpOffset
    )
      return;
    rows.push(r);
  };
  for (const range of ranges) {
    // A function without rows (readelf prints none when the CIE's rule holds throughout):
    // the CIE's initial rule, CFA = RSP + 8.
    if (!range.rows.length || range.rows[0].address !== range.start)
      push({ address: range.start, base: CfaBase.RSP, cfaOffset: 8, rbpOffset: 0 });
    for (const r of range.rows) push(r);
    push(none(range.end));
  }
  return rows;
}
