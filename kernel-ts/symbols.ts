// The kernel's own symbol and line tables, for fault reports: which function
// an address is in, and which TypeScript line. build/symbols.ts generates
// them from the first link of the image (`nm`, and the DWARF line table gcc
// and clang write from the `#line` directives) as `kts_symbol_table` in
// .rodata, and links again; the tables hold code addresses only, and .text
// comes before .rodata, so adding them moves no code (the build checks).
//
// Layout (all offsets from the table's start):
//   header   SymbolTable
//   symbols  SymbolEntry[symbolCount], sorted by address
//   lines    LineEntry[lineCount], sorted by offset; each covers [offset, next offset)
//   unwind   UnwindEntry[unwindCount] (kernel-ts/unwind.ts), sorted by offset
//   files    u32[fileCount], name offsets of the source files lines refer to
//   names    NUL-terminated strings

export class SymbolTable {
  symbolCount: u32;
  lineCount: u32;
  fileCount: u32;
  unwindCount: u32;
  /** Line and unwind offsets count from here (the start of .text). */
  textStart: u64;
  symbols: u32;
  lines: u32;
  files: u32;
  names: u32;
  unwind: u32;
  reserved: u32;
}
layout(SymbolTable, {
  size: 48,
  offsets: {
    symbolCount: 0,
    lineCount: 4,
    fileCount: 8,
    unwindCount: 12,
    textStart: 16,
    symbols: 24,
    names: 36,
    unwind: 40,
  },
});

export class SymbolEntry {
  address: u64;
  size: u32;
  /** Offset of the name in the string pool. */
  name: u32;
}
layout(SymbolEntry, { size: 16, offsets: { address: 0, size: 8, name: 12 } });

class LineEntry {
  offset: u32;
  /** Index into the file table; NO_FILE: code without a source line (assembly). */
  file: u16;
  line: u16;
}
layout(LineEntry, { size: 8, offsets: { offset: 0, file: 4, line: 6 } });

const NO_FILE: u16 = 0xffff;

export function table(): SymbolTable {
  return structAt<SymbolTable>(linkerSymbol("kts_symbol_table"));
}

/** The address of `offset` in the table. */
export function at(offset: u32): Virt {
  return linkerSymbol("kts_symbol_table") + u64(offset);
}

function symbolAt(i: u32): SymbolEntry {
  return structAt<SymbolEntry>(at(table().symbols) + u64(i) * sizeof<SymbolEntry>());
}

function lineAt(i: u32): LineEntry {
  return structAt<LineEntry>(at(table().lines) + u64(i) * sizeof<LineEntry>());
}

/**
 * The index of the last of `count` sorted entries whose key (`keyOf`) is at or below `key`,
 * or u32.MAX when there is none (binary search over [lo, hi)).
 */
export function lastAtOrBelow(count: u32, keyOf: (i: u32) => u64, key: u64): u32 {
  let lo: u32 = 0;
  let hi: u32 = count;
  while (lo < hi) {
    const mid = lo + (hi - lo) / 2;
    if (keyOf(mid) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? u32.MAX : lo - 1;
}

function symbolAddress(i: u32): u64 {
  return symbolAt(i).address;
}

function lineOffset(i: u32): u64 {
  return u64(lineAt(i).offset);
}

/** The function `va` is in, or null (not kernel code, or the first link's empty table). */
export function find(va: Virt): SymbolEntry | null {
  const i = lastAtOrBelow(table().symbolCount, symbolAddress, u64(va));
  if (i === u32.MAX) return null;
  const s = symbolAt(i);
  if (u64(va) - s.address >= u64(s.size)) return null;
  return s;
}

export function name(s: SymbolEntry): str {
  return strAt(at(table().names + s.name));
}

/** The line entry covering `va`, or null when no source line is known. */
function lineEntry(va: Virt): LineEntry | null {
  const t = table();
  if (u64(va) < t.textStart) return null;
  const i = lastAtOrBelow(t.lineCount, lineOffset, u64(va) - t.textStart);
  if (i === u32.MAX) return null;
  const l = lineAt(i);
  return l.file === NO_FILE ? null : l;
}

/** The source line of `va` (0 when unknown); with file(). */
export function line(va: Virt): u32 {
  const l = lineEntry(va);
  return l !== null ? u32(l.line) : 0;
}

/** The source file of `va`, e.g. "kernel-ts/fault.ts" ("" when unknown). */
export function file(va: Virt): str {
  const l = lineEntry(va);
  if (l === null) return "";
  const offsets = ptrFromVirt<u32>(at(table().files));
  return strAt(at(table().names + offsets.get(usize(l.file))));
}
