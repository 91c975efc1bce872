// The kernel's symbol, line and unwind tables (read by kernel-ts/symbols.ts and
// kernel-ts/unwind.ts for fault reports), generated from a first link of the image:
//
//   1. link with an empty table          -> out/hypervisor.pass1.elf
//   2. `nm` for the code symbols, `objdump --dwarf=decodedline` for the line
//      rows (gcc and clang write them from ktsc's `#line` directives, so they
//      name TypeScript files and lines), `addr2line -i` for the dialect line
//      that called an inlined intrinsic, `readelf --debug-dump=frames-interp`
//      for the unwind rows (build/unwind.ts)
//   3. write them as assembly            -> out/gen/symbols.S -> out/obj/symbols.o
//   4. link again with the real table     -> out/hypervisor.elf
//
// The tables only hold addresses in .text and live in .rodata, which the
// linker script places after .text, so step 4 moves no code: build/kernel.ts
// checks that every code symbol has the same address in both links. The text
// depends only on the first link's output, so the table is as deterministic as
// the image.

import { execa } from "execa";
import type { UnwindRow } from "./unwind.ts";

/** -mcmodel=kernel code lives in the top 2 GiB; lower symbols are the 32-bit boot path. */
const KERNEL_OFFSET = 0xffffffff80000000n;
/** LineEntry.file for code without a source line (assembly, gaps between sequences). */
const NO_FILE = 0xffff;

export interface TextSymbol {
  address: bigint;
  size: number;
  name: string;
}

export interface LineRow {
  address: bigint;
  /** Index into the file list, or NO_FILE. */
  file: number;
  line: number;
}

export interface Tables {
  textStart: bigint;
  symbols: TextSymbol[];
  lines: LineRow[];
  files: string[];
  unwind: UnwindRow[];
}

/** Code symbols of `elf`, sorted by address, one per address, each with a size; and .text's start. */
export async function textSymbols(
  elf: string,
): Promise<{ symbols: TextSymbol[]; textStart: bigint }> {
  const { stdout } = await execa("nm", ["-n", "-S", "--defined-only", elf]);
  const raw: { address: bigint; size?: number; name: string; global: boolean }[] = [];
  let textStart = KERNEL_OFFSET;
  let textEnd: bigint | undefined;
  for (const line of stdout.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3) continue;
    const [addr, size, type, name] = f.length === 4 ? f : [f[0], undefined, f[1], f[2]];
    const address = BigInt(`0x${addr}`);
    if (name === "__text_start") textStart = address;
    if (name === "__text_end") textEnd = address;
    if (!/^[tTwW]$/.test(type) || address < KERNEL_OFFSET) continue;
    if (name.startsWith("__") || name.startsWith(".L")) continue;
    raw.push({
      address,
      size: size === undefined ? undefined : parseInt(size, 16),
      name,
      global: type === "T" || type === "W",
    });
  }
  // One name per address: a global over a local, then the first in name order.
  raw.sort((a, b) => {
    if (a.address !== b.address) return a.address < b.address ? -1 : 1;
    if (a.global !== b.global) return a.global ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const symbols: TextSymbol[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i];
    if (symbols.length && symbols[symbols.length - 1].address === s.address) continue;
    let next = textEnd ?? s.address + 1n;
    for (let j = i + 1; j < raw.length; j++)
      if (raw[j].address > s.address) {
        next = raw[j].address;
        break;
      }
    // Assembly labels have no size: they reach to the next symbol.
    const size = s.size !== undefined && s.size > 0 ? s.size : Number(next - s.address);
    symbols.push({ address: s.address, size, name: s.name });
  }
  return { symbols, textStart };
}

/** The first location outside kts.h in each address's inline chain (`addr2line -i`). */
async function callerLines(elf: string, addresses: bigint[]): Promise<Map<bigint, string>> {
  const out = new Map<bigint, string>();
  if (!addresses.length) return out;
  const { stdout } = await execa("addr2line", ["-e", elf, "-a", "-i"], {
    input: addresses.map((a) => `0x${a.toString(16)}`).join("\n") + "\n",
    maxBuffer: 1 << 30,
  });
  let current: bigint | undefined;
  for (const text of stdout.split("\n")) {
    if (/^0x[0-9a-f]+$/.test(text)) {
      current = BigInt(text);
      continue;
    }
    if (current === undefined || out.has(current)) continue;
    const m = /^(.*):(\d+)/.exec(text);
    if (m && !m[1].endsWith("/kts.h") && m[1] !== "kts.h")
      out.set(current, text.replace(/ .*/, ""));
  }
  return out;
}

/**
 * The line rows of `elf` from its DWARF line table, one per address where the source line
 * changes. `sources` maps a file's base name to the path reports show (kernel-ts/fault.ts,
 * runtime-c/log.c). Code from kts.h (intrinsics, always inlined) counts as the line of the
 * dialect code that called it, found through the inline chain; rows of unknown files and
 * the ends of sequences have no file.
 */
export async function lineRows(
  elf: string,
  sources: Map<string, string>,
): Promise<{ rows: LineRow[]; files: string[] }> {
  const { stdout } = await execa("objdump", ["--dwarf=decodedline", elf], {
    maxBuffer: 1 << 30,
  });
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const fileOf = (base: string) => {
    const path = sources.get(base);
    if (path === undefined) return NO_FILE;
    if (!fileIndex.has(path)) {
      fileIndex.set(path, files.length);
      files.push(path);
    }
    return fileIndex.get(path)!;
  };
  const byAddress = new Map<bigint, LineRow>();
  const inlined: bigint[] = [];
  const row = /^(\S+)\s+(\d+|-)\s+0x([0-9a-f]+)(?:\s+\d+)?(?:\s+x)?\s*$/;
  for (const text of stdout.split("\n")) {
    const m = row.exec(text);
    if (!m) continue;
    const [, base, lineText, hexAddress] = m;
    const address = BigInt(`0x${hexAddress}`);
    if (address < KERNEL_OFFSET) continue;
    if (lineText === "-") {
      // End of a sequence: no line from here until the next row.
      if (!byAddress.has(address)) byAddress.set(address, { address, file: NO_FILE, line: 0 });
      continue;
    }
    if (base === "kts.h") inlined.push(address);
    // The last row at an address is the one in force for the instruction there.
    byAddress.set(address, { address, file: fileOf(base), line: Number(lineText) });
  }
  for (const [address, where] of await callerLines(elf, inlined)) {
    const m = /^(.*):(\d+)$/.exec(where)!;
    const r = byAddress.get(address)!;
    r.file = fileOf(m[1].replace(/.*\//, ""));
    r.line = Number(m[2]);
  }
  const sorted = [...byAddress.values()].sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
  );
  const rows: LineRow[] = [];
  for (const r of sorted) {
    const last = rows[rows.length - 1];
    if (last && last.file === r.file && last.line === r.line) continue;
    rows.push(r);
  }
  return { rows, files };
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

/**
 * The tables as assembly (layout: kernel-ts/symbols.ts). With `tables` undefined, the empty
 * table of the first link.
 */
export function tableAsm(tables?: Tables): string {
  const symbols = tables?.symbols ?? [];
  const files = tables?.files ?? [];
  const textStart = tables?.textStart ?? 0n;
  const lines = (tables?.lines ?? []).filter((l) => l.address >= textStart);
  const unwind = (tables?.unwind ?? []).filter((u) => u.address >= textStart);
  const names: string[] = [];
  let pool = 0;
  const intern = (s: string) => {
    const at = pool;
    names.push(s);
    pool += Buffer.byteLength(s) + 1;
    return at;
  };
  const symbolNames = symbols.map((s) => intern(s.name));
  const fileNames = files.map((f) => intern(f));
  const HEADER = 48;
  const symbolsAt = HEADER;
  const linesAt = symbolsAt + 16 * symbols.length;
  const unwindAt = linesAt + 8 * lines.length;
  const filesAt = unwindAt + 8 * unwind.length;
  const namesAt = filesAt + 4 * files.length;
  const out = [
    "/* Generated by build/symbols.ts from the first link of the kernel. Do not edit. */",
    '        .section .rodata.kts_symbol_table, "a", @progbits',
    "        .balign 8",
    "        .global kts_symbol_table",
    "        .type   kts_symbol_table, @object",
    "kts_symbol_table:",
    `        .long   ${symbols.length}, ${lines.length}, ${files.length}, ${unwind.length}`,
    `        .quad   ${hex(textStart)}`,
    `        .long   ${symbolsAt}, ${linesAt}, ${filesAt}, ${namesAt}, ${unwindAt}, 0`,
  ];
  symbols.forEach((s, i) => {
    if (s.size > 0xffffffff) throw new Error(`symbol ${s.name} is too large`);
    out.push(`        .quad   ${hex(s.address)}`, `        .long   ${s.size}, ${symbolNames[i]}`);
  });
  for (const l of lines) {
    const offset = l.address - textStart;
    if (offset > 0xffffffffn || l.line > 0xffff) throw new Error(`line row ${hex(l.address)}`);
    out.push(`        .long   ${offset}`, `        .short  ${l.file}, ${l.line}`);
  }
  for (const u of unwind) {
    const offset = u.address - textStart;
    if (offset > 0xffffffffn) throw new Error(`unwind row ${hex(u.address)}`);
    out.push(
      `        .long   ${offset}`,
      `        .short  ${u.cfaOffset}`,
      `        .byte   ${u.base}, ${u.rbpOffset / 8}`,
    );
  }
  for (const f of fileNames) out.push(`        .long   ${f}`);
  for (const n of names) out.push(`        .asciz  "${n}"`);
  out.push(
    "        .size   kts_symbol_table, . - kts_symbol_table",
    '        .section .note.GNU-stack, "", @progbits',
    "",
  );
  return out.join("\n");
}
