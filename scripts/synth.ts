// A synthetic dialect project of a given size, for compiler benchmarks: modules
// that look like kernel code (structs, loops, mixed widths, calls across
// modules, logging), each importing the previous one.

import * as fs from "node:fs";
import * as path from "node:path";

function moduleText(i: number, functions: number): string {
  const lines: string[] = [];
  const prev = i > 0 ? `m${i - 1}` : undefined;
  if (prev) lines.push(`import * as ${prev} from "./${prev}.ts";`, "");
  lines.push(
    `export class Obj${i} {`,
    "  id: u32;",
    "  flags: u16;",
    "  base: Phys;",
    "  next: Obj" + i + " | null;",
    "  words: Arr<u64, 8>;",
    "}",
    "",
  );
  lines.push(`layout(Obj${i}, { offsets: { id: 0, flags: 4, base: 8 } });`, "");
  lines.push(`const LIMIT: u32 = ${100 + i};`, `let counter: u64 = 0;`, "");
  for (let f = 0; f < functions; f++) {
    lines.push(`export function f${f}(o: Obj${i}, n: u32): u64 {`);
    lines.push(`  let acc: u64 = u64(o.id) << 3;`);
    lines.push(`  for (let k: u32 = 0; k < n && k < LIMIT; k++) {`);
    lines.push(`    const w = o.words[usize(k & 7)];`);
    lines.push(`    if ((w & 1) === 0) {`);
    lines.push(`      acc += w >> 1;`);
    lines.push(`    } else {`);
    lines.push(`      acc ^= w * 3 + u64(o.flags);`);
    lines.push(`    }`);
    lines.push(`  }`);
    lines.push(`  o.base = phys(u64(o.base) & ~0xfff) + 0x1000;`);
    lines.push(`  counter += 1;`);
    if (prev && f % 4 === 0) lines.push(`  acc += ${prev}.f${f}(${prev}.make(), n / 2);`);
    lines.push(`  if (acc > 0xffff_ffff) log(\`f${f}: large ${"${acc}"} at ${"${o.base}"}\`);`);
    lines.push(`  return acc;`);
    lines.push(`}`, "");
  }
  lines.push(
    `export function make(): Obj${i} {`,
    `  const o = new Obj${i}();`,
    `  o.id = ${i};`,
    `  return o;`,
    `}`,
  );
  return lines.join("\n") + "\n";
}

/** Writes `modules` modules of about `linesPerModule` lines into dir; returns the file paths. */
export function writeSynthetic(dir: string, modules: number, linesPerModule: number): string[] {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const functions = Math.max(1, Math.round((linesPerModule - 20) / 17));
  const files: string[] = [];
  for (let i = 0; i < modules; i++) {
    const p = path.join(dir, `m${i}.ts`);
    fs.writeFileSync(p, moduleText(i, functions));
    files.push(p);
  }
  return files;
}
