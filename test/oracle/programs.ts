// The dialect programs of the semantics oracle, and what they must print.
//
// Every printed value is described once, as a small expression tree that
// yields both its dialect source text and its expected value from the model
// (model.ts). Operands reach the programs at run time: module `data` declares
// one X and one Y array per integer type, which the C harness fills from a
// binary file before calling a program's `run()`. The compiler therefore
// cannot fold them; only the `fold` program deliberately uses constants, to
// check the compile-time paths (the compiler's folder and C's) as well.

import {
  ALL,
  arith,
  type ArithOp,
  bitNot,
  bool,
  ARITH_OPS,
  CMP_OPS,
  type CmpOp,
  compare,
  convert,
  dec,
  hex,
  type IntT,
  maxOf,
  minOf,
  narrowerSameSign,
  neg,
  reduce,
  resultType,
  shift,
  type ShiftOp,
  SHIFT_OPS,
  TYPES,
  unsignedOf,
  widensImplicitly,
} from "./model.ts";

// ---------------------------------------------------------------------------
// Seeded pseudo-random numbers (sfc32): the same seed gives the same operands.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.next32();
  }
  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** 0 .. n - 1 */
  int(n: number): number {
    return Math.floor((this.next32() / 2 ** 32) * n);
  }
  /** A uniformly random k-bit pattern, 0 <= k <= 64. */
  bits(k: number): bigint {
    const v = (BigInt(this.next32()) << 32n) | BigInt(this.next32());
    return k === 0 ? 0n : v >> BigInt(64 - k);
  }
}

/** A random value of t, biased toward the interesting: small, near the ends, powers of two. */
export function randomValue(rng: Rng, t: IntT): bigint {
  const w = t.bits;
  const k = rng.int(100);
  let v: bigint;
  if (k < 30) {
    v = rng.bits(w); // every bit pattern equally likely
  } else if (k < 55) {
    v = rng.bits(rng.int(w + 1)); // a random magnitude
    if (t.signed && rng.int(2)) v = -v;
  } else if (k < 70) {
    const ends = [0n, maxOf(t), minOf(t), maxOf(t) / 2n, -1n];
    v = ends[rng.int(ends.length)] + BigInt(rng.int(9) - 4);
  } else if (k < 85) {
    v = BigInt(rng.int(41) - 20);
  } else {
    const p = 1n << BigInt(rng.int(w));
    v = [p, p - 1n, -p, p + 1n][rng.int(4)];
  }
  return reduce(v, t);
}

/** Sixteen edge values per type; rows 0..255 of the data are their cross product. */
export const EDGES = 16;
export function edgeValues(t: IntT): bigint[] {
  const w = BigInt(t.bits);
  const max = maxOf(t);
  const min = minOf(t);
  // Index 0 is 0 and index 1 is 1: the panic programs rely on row 16 being (1, 0).
  // prettier-ignore
  const want = t.signed
    ? [0n, 1n, -1n, max, min, max - 1n, min + 1n, 2n, -2n, w - 1n, w, w + 1n, -(w - 1n), max / 2n, 0x55n, -w]
    : [0n, 1n, max, max - 1n, 2n, max / 2n, max / 2n + 1n, w - 1n, w, w + 1n, 3n, 2n * w, 0x5an, max - w, 7n, 255n];
  const out: bigint[] = [];
  for (const v of want.map((x) => reduce(x, t))) if (!out.includes(v)) out.push(v);
  // Narrow types may repeat themselves (255 is max for u8): top up with more values.
  for (let extra = 4n; out.length < EDGES; extra++) {
    const v = reduce(extra * 3n, t);
    if (!out.includes(v)) out.push(v);
  }
  if (out[0] !== 0n || out[1] !== 1n) throw new Error("edge layout");
  return out.slice(0, EDGES);
}

// ---------------------------------------------------------------------------
// Expressions: dialect text plus model value.

/** The operands of one row: a and b of the program's operand types. */
export interface Row {
  a: bigint;
  b: bigint;
}

export interface IntE {
  k: "int";
  src: string;
  t: IntT;
  /** A bare name, literal or call: needs no parentheses as an operand. */
  atom: boolean;
  ev(r: Row): bigint;
}
interface BoolE {
  k: "bool";
  src: string;
  ev(r: Row): boolean;
}
interface HexE {
  k: "hex";
  src: string;
  ev(r: Row): bigint;
}
type Field = IntE | BoolE | HexE;

const paren = (e: IntE) => (e.atom ? e.src : `(${e.src})`);

export function v(name: string, t: IntT, ev: (r: Row) => bigint): IntE {
  return { k: "int", src: name, t, atom: true, ev };
}
/** A literal operand; it takes the type of the other operand (checked to be in range). */
export function lit(value: bigint, t: IntT): IntE {
  if (reduce(value, t) !== value) throw new Error(`literal ${value} does not fit ${t.name}`);
  return { k: "int", src: value < 0n ? `(${value})` : `${value}`, t, atom: true, ev: () => value };
}
export function bin(op: ArithOp, x: IntE, y: IntE): IntE {
  const t = resultType(x.t, y.t);
  return {
    k: "int",
    src: `${paren(x)} ${op} ${paren(y)}`,
    t,
    atom: false,
    ev: (r) => arith(op, x.ev(r), y.ev(r), t),
  };
}
export function sh(op: ShiftOp, x: IntE, count: IntE): IntE {
  return {
    k: "int",
    src: `${paren(x)} ${op} ${paren(count)}`,
    t: x.t,
    atom: false,
    ev: (r) => shift(op, x.ev(r), count.ev(r), x.t),
  };
}
/** A constant shift count: must be in 0 .. bits - 1. */
export function shc(op: ShiftOp, x: IntE, count: number): IntE {
  if (count < 0 || count >= x.t.bits) throw new Error("constant shift count out of range");
  return {
    k: "int",
    src: `${paren(x)} ${op} ${count}`,
    t: x.t,
    atom: false,
    ev: (r) => shift(op, x.ev(r), BigInt(count), x.t),
  };
}
export function unary(op: "-" | "~", x: IntE): IntE {
  return {
    k: "int",
    src: `${op}${paren(x)}`,
    t: x.t,
    atom: false,
    ev: (r) => (op === "-" ? neg(x.ev(r), x.t) : bitNot(x.ev(r), x.t)),
  };
}
export function conv(to: IntT, x: IntE): IntE {
  return {
    k: "int",
    src: `${to.name}(${x.src})`,
    t: to,
    atom: true,
    ev: (r) => convert(x.ev(r), to),
  };
}
export function cmp(op: CmpOp, x: IntE, y: IntE): BoolE {
  resultType(x.t, y.t); // same signedness
  return {
    k: "bool",
    src: `${paren(x)} ${op} ${paren(y)}`,
    ev: (r) => compare(op, x.ev(r), y.ev(r)),
  };
}
/** `T.MAX` / `T.MIN` */
export function limit(t: IntT, which: "MAX" | "MIN"): IntE {
  const value = which === "MAX" ? maxOf(t) : minOf(t);
  return { k: "int", src: `${t.name}.${which}`, t, atom: true, ev: () => value };
}
/** `hex(x)` of an unsigned expression. */
export function hx(x: IntE): HexE {
  if (x.t.signed) throw new Error("hex of a signed type is not part of the oracle");
  return { k: "hex", src: `hex(${x.src})`, ev: x.ev };
}
/** A literal-only operand written as an expression (`~15`, `(1 << 7)`), with its value at the other operand's type. */
export function litExpr(src: string, value: bigint, t: IntT): IntE {
  return { k: "int", src, t, atom: true, ev: () => value };
}
/** A literal-only expression `l op r` typed by its context `to(...)`: folded by the compiler at `to`. */
export function litOnly(op: ArithOp | ShiftOp, l: bigint, r: bigint, to: IntT): IntE {
  if (reduce(l, to) !== l || reduce(r, to) !== r)
    throw new Error(`literal out of range for ${to.name}`);
  const value = op === "<<" || op === ">>" ? shift(op, l, r, to) : arith(op, l, r, to);
  return { k: "int", src: `${to.name}(${l} ${op} ${r})`, t: to, atom: true, ev: () => value };
}

export function format(f: Field, r: Row): string {
  if (f.k === "bool") return bool(f.ev(r));
  if (f.k === "hex") return hex(f.ev(r));
  return dec(f.ev(r));
}

// ---------------------------------------------------------------------------
// Lines and programs.

/** One `log` line: fields separated by spaces, optionally behind a guard (else it prints "-"). */
export interface Line {
  label: string;
  guard?: BoolE;
  /** Statements before the log (inside the guard): compound assignments. */
  pre?: string[];
  fields: { label: string; f: Field }[];
}

/** A loop over rows of the data arrays: `a` and `b` bound per row. */
export interface Loop {
  fn: string;
  ta: IntT;
  tb: IntT;
  rows: number;
  lines: Line[];
}

export interface Program {
  name: string;
  source: string;
  /** What the program must print, computed by the model. */
  expected(data: Data): Expected;
  /** Random operand pairs per operator and type, for the report. */
  pairs: Map<string, number>;
}

export interface Expected {
  /** One entry per printed line. */
  lines: string[];
  /** Number of values (fields) on all lines. */
  values: number;
  /** Where line k comes from and the dialect expression of each of its fields, for mismatch reports. */
  explain(k: number): { where: string; labels: string[] };
}

export interface Data {
  rows: number;
  x: Map<string, bigint[]>;
  y: Map<string, bigint[]>;
}

/** A fresh local variable name (unique in a generated program). */
let tmpCounter = 0;
function fresh(prefix: string): string {
  return `${prefix}${tmpCounter++}`;
}

/** `let t: T = x; t op= y;` as the statements and the variable's final value. */
function compound(x: IntE, op: ArithOp | ShiftOp, y: IntE, pre: string[]): IntE {
  const name = fresh("c");
  pre.push(`let ${name}: ${x.t.name} = ${x.src};`, `${name} ${op}= ${y.src};`);
  const t = x.t;
  const ev =
    op === "<<" || op === ">>"
      ? (r: Row) => shift(op, x.ev(r), y.ev(r), t)
      : (r: Row) => arith(op, x.ev(r), y.ev(r), t);
  return v(name, t, ev);
}
function incdec(x: IntE, op: "++" | "--", pre: string[]): IntE {
  const name = fresh("c");
  pre.push(`let ${name}: ${x.t.name} = ${x.src};`, `${name}${op};`);
  return v(name, x.t, (r) => arith(op === "++" ? "+" : "-", x.ev(r), 1n, x.t));
}

const fields = (list: Field[]) => list.map((f) => ({ label: f.src, f }));
const U64 = TYPES.u64;
const I64 = TYPES.i64;

/** Everything about one type: a and b both of type t. */
function sameTypeLoop(t: IntT, rows: number): Loop {
  const a = v("a", t, (r) => r.a);
  const b = v("b", t, (r) => r.b);
  const w = t.bits;
  const wide = t.signed ? I64 : U64;
  const lines: Line[] = [];
  const nz = cmp("!==", b, lit(0n, t));

  // The operators with run-time operands.
  lines.push({
    label: "arith",
    fields: fields([
      ...(["+", "-", "*", "&", "|", "^"] as ArithOp[]).map((op) => bin(op, a, b)),
      unary("-", a),
      unary("~", a),
    ]),
  });
  {
    const pre: string[] = [];
    const q = compound(a, "/", b, pre);
    const m = compound(a, "%", b, pre);
    const far = lit(t.signed ? minOf(t) : maxOf(t), t);
    lines.push({
      label: "div",
      guard: nz,
      pre,
      fields: fields([bin("/", a, b), bin("%", a, b), q, m, bin("/", far, b), bin("%", far, b)]),
    });
  }
  lines.push({
    label: "shift",
    fields: fields([
      sh("<<", a, b),
      sh(">>", a, b),
      ...ALL.flatMap((ct) => [sh("<<", a, conv(ct, b)), sh(">>", a, conv(ct, b))]),
    ]),
  });
  lines.push({ label: "cmp", fields: fields(CMP_OPS.map((op) => cmp(op, a, b))) });
  lines.push({ label: "conv", fields: fields(ALL.map((to) => conv(to, a))) });
  {
    const pre: string[] = [];
    const list = [
      ...(["+", "-", "*", "&", "|", "^"] as ArithOp[]).map((op) => compound(a, op, b, pre)),
      compound(a, "<<", b, pre),
      compound(a, ">>", b, pre),
      compound(a, "<<", conv(TYPES.i8, b), pre),
      compound(a, ">>", conv(TYPES.u64, b), pre),
      incdec(a, "++", pre),
      incdec(a, "--", pre),
    ];
    // Read-modify-write of an element whose index is computed (evaluated once, through a pointer).
    const buf = fresh("buf");
    pre.push(
      `const ${buf} = array<${t.name}, 2>();`,
      `${buf}[usize(b) & 1] = a;`,
      `${buf}[usize(b) & 1] += b;`,
      `${buf}[usize(b) & 1] <<= b;`,
    );
    list.push({
      ...v(`${buf}[usize(b) & 1]`, t, (r) => shift("<<", arith("+", r.a, r.b, t), r.b, t)),
      atom: false,
    });
    // A literal shifted by a run-time count takes its type from the context.
    for (const [init, ev] of [
      ["1 << b", (r: Row) => shift("<<", 1n, r.b, t)],
      ["(1 << b) - 1", (r: Row) => arith("-", shift("<<", 1n, r.b, t), 1n, t)],
      ["~0 << b", (r: Row) => shift("<<", bitNot(0n, t), r.b, t)],
      ["3 >> b", (r: Row) => shift(">>", 3n, r.b, t)],
    ] as const) {
      const name = fresh("k");
      pre.push(`let ${name}: ${t.name} = ${init};`);
      list.push(v(name, t, ev));
    }
    lines.push({ label: "compound", pre, fields: fields(list) });
  }
  // Implicit widening to every strictly wider type: assignment, argument, conditional.
  {
    const pre: string[] = [];
    const list: Field[] = [];
    for (const to of ALL.filter((u) => widensImplicitly(t, u))) {
      const name = fresh("w");
      pre.push(`let ${name}: ${to.name} = a;`);
      list.push(
        v(name, to, (r) => r.a),
        v(`pass_${to.name}(a)`, to, (r) => r.a),
      );
    }
    list.push(
      v("a < b ? a : b", t, (r) => (r.a < r.b ? r.a : r.b)),
      v("a === b ? 0 : a ^ b", t, (r) => (r.a === r.b ? 0n : arith("^", r.a, r.b, t))),
    );
    lines.push({ label: "widen", pre, fields: fields(list) });
  }
  // Literal operands adopt a's type; constant divisors and shift counts take the unchecked paths.
  {
    const max = maxOf(t);
    const min = minOf(t);
    const L = (x: bigint) => lit(x, t);
    const list: Field[] = [
      bin("+", a, L(1n)),
      bin("-", a, L(1n)),
      bin("-", L(1n), a),
      bin("*", a, L(3n)),
      bin("*", a, L(max)),
      bin("+", a, L(max)),
      bin("&", a, L(0x5an)),
      bin("|", a, L(0x41n)),
      bin("^", a, L(max)),
      bin("/", a, L(7n)),
      bin("%", a, L(7n)),
      bin("/", a, L(max)),
      bin("%", a, L(max)),
      bin("/", L(max), bin("|", b, L(1n))),
      shc("<<", a, 0),
      shc("<<", a, 1),
      shc("<<", a, w - 1),
      shc(">>", a, 0),
      shc(">>", a, 1),
      shc(">>", a, w - 1),
      sh("<<", conv(t, lit(1n, t)), b),
      sh(">>", limit(t, "MAX"), b),
      sh(">>", limit(t, "MIN"), b),
      cmp("<", a, L(1n)),
      cmp(">=", a, L(max)),
      cmp("===", a, L(0n)),
      cmp("!==", a, limit(t, "MAX")),
      // Always true or always false for the type: still valid dialect code.
      cmp(">=", a, L(0n)),
      cmp("<", a, L(0n)),
      cmp("<=", a, limit(t, "MAX")),
      cmp(">", a, limit(t, "MAX")),
      cmp(">=", a, limit(t, "MIN")),
      cmp("<", a, limit(t, "MIN")),
      cmp("<=", limit(t, "MIN"), a),
      cmp("<", L(1n), a),
      cmp("===", L(max), a),
      // Literal-only operands, typed (and folded) at a's type.
      bin("&", a, litExpr("~15", bitNot(15n, t), t)),
      bin("|", a, litExpr(`(1 << ${w - 1})`, shift("<<", 1n, BigInt(w - 1), t), t)),
      bin("+", a, litExpr("(2 - 3)", arith("-", 2n, 3n, t), t)),
      bin("*", a, litExpr("(3 * 5)", 15n, t)),
      sh("<<", a, litExpr("(1 + 2)", 3n, TYPES.u32)),
    ];
    if (t.signed)
      list.push(
        bin("/", a, L(-1n)),
        bin("%", a, L(-1n)),
        bin("*", a, L(-1n)),
        bin("/", a, L(-7n)),
        bin("%", a, L(-7n)),
        bin("/", a, L(min)),
        bin("%", a, L(min)),
        bin("+", a, L(min)),
        sh(">>", conv(t, lit(-1n, t)), b),
        cmp(">", a, L(-1n)),
      );
    lines.push({ label: "literal", fields: fields(list) });
  }
  // Results wrap at their width before anything else sees them.
  {
    const list: Field[] = [
      conv(wide, bin("+", a, b)),
      conv(wide, bin("*", a, b)),
      conv(wide, unary("-", a)),
      conv(wide, unary("~", a)),
      conv(wide, sh("<<", a, b)),
      shc(">>", bin("+", a, b), 1),
      bin("/", bin("*", a, b), lit(3n, t)),
      cmp("<", bin("+", a, b), a),
      cmp("===", unary("-", a), a),
      conv(t.signed ? TYPES.u8 : TYPES.i8, bin("*", a, b)),
      // Where C's integer promotions would leak extra high bits without a cast back.
      shc(">>", unary("~", a), 1),
      shc(">>", shc("<<", a, 1), 1),
      shc(">>", unary("-", a), 1),
      sh(">>", bin("*", a, b), b),
      bin("%", bin("+", a, b), lit(7n, t)),
      bin("/", unary("~", a), lit(3n, t)),
      cmp("===", unary("~", a), unary("~", b)),
      cmp(">", shc("<<", a, 1), a),
      hx(t.signed ? conv(unsignedOf(t), a) : a),
      hx(t.signed ? conv(unsignedOf(t), bin("*", a, b)) : bin("*", a, b)),
      hx(conv(U64, a)),
    ];
    lines.push({ label: "composite", fields: fields(list) });
  }
  return { fn: `ops_${t.name}`, ta: t, tb: t, rows, lines };
}

/** Two different types of the same signedness: the wider type wins; compound assignment when b is narrower. */
function mixedLoop(ta: IntT, tb: IntT, rows: number): Loop {
  const a = v("a", ta, (r) => r.a);
  const b = v("b", tb, (r) => r.b);
  const lines: Line[] = [];
  const nz = cmp("!==", b, lit(0n, tb));
  lines.push({
    label: "arith",
    fields: fields([
      ...(["+", "-", "*", "&", "|", "^"] as ArithOp[]).map((op) => bin(op, a, b)),
      ...(["+", "-", "*", "&", "|", "^"] as ArithOp[]).map((op) => bin(op, b, a)),
      sh("<<", a, b),
      sh(">>", a, b),
      sh("<<", b, a),
      sh(">>", b, a),
      ...CMP_OPS.map((op) => cmp(op, a, b)),
      // Against the other type's limits: out of range of the narrower operand.
      ...(["<", "<=", ">", ">="] as CmpOp[]).flatMap((op) => [
        cmp(op, a, limit(tb, "MAX")),
        cmp(op, a, limit(tb, "MIN")),
        cmp(op, b, limit(ta, "MAX")),
        cmp(op, b, limit(ta, "MIN")),
      ]),
    ]),
  });
  {
    const wide = resultType(ta, tb);
    const list: Field[] = [
      v("a < b ? a : b", wide, (r) => (r.a < r.b ? r.a : r.b)),
      v("a > b ? a : b", wide, (r) => (r.a > r.b ? r.a : r.b)),
    ];
    if (widensImplicitly(tb, ta)) list.push(v(`pass_${ta.name}(b)`, ta, (r) => r.b));
    lines.push({ label: "select", fields: fields(list) });
  }
  const pre: string[] = [];
  const div: Field[] = [
    bin("/", a, b),
    bin("%", a, b),
    bin("/", b, bin("|", a, lit(1n, ta))),
    bin("%", b, bin("|", a, lit(1n, ta))),
  ];
  if (narrowerSameSign(tb, ta)) div.push(compound(a, "/", b, pre), compound(a, "%", b, pre));
  lines.push({ label: "div", guard: nz, pre, fields: fields(div) });
  if (narrowerSameSign(tb, ta)) {
    const pre2: string[] = [];
    const list = [...ARITH_OPS.filter((op) => op !== "/" && op !== "%"), ...SHIFT_OPS].map((op) =>
      compound(a, op, b, pre2),
    );
    lines.push({ label: "compound", pre: pre2, fields: fields(list) });
  }
  return { fn: `mix_${ta.name}_${tb.name}`, ta, tb, rows, lines };
}

function loopSource(l: Loop): string[] {
  const out: string[] = [];
  out.push(`function ${l.fn}(): void {`);
  out.push(`  for (let i: usize = 0; i < ${l.rows}; i++) {`);
  out.push(`    const a: ${l.ta.name} = X_${l.ta.name}[i];`);
  out.push(`    const b: ${l.tb.name} = Y_${l.tb.name}[i];`);
  for (const line of l.lines) {
    const log = `log(\`${line.fields.map((f) => `\${${f.f.src}}`).join(" ")}\`);`;
    const body = [...(line.pre ?? []), log];
    if (line.guard) {
      out.push(`    if (${line.guard.src}) {`);
      for (const s of body) out.push(`      ${s}`);
      out.push(`    } else {`, `      log("-");`, `    }`);
    } else if (line.pre) {
      out.push(`    {`);
      for (const s of body) out.push(`      ${s}`);
      out.push(`    }`);
    } else out.push(`    ${log}`);
  }
  out.push(`  }`, `}`);
  return out;
}

function loopExpected(l: Loop, data: Data, out: string[]): number {
  const xa = data.x.get(l.ta.name)!;
  const yb = data.y.get(l.tb.name)!;
  let values = 0;
  for (let i = 0; i < l.rows; i++) {
    const r: Row = { a: xa[i], b: yb[i] };
    for (const line of l.lines) {
      if (line.guard && !line.guard.ev(r)) {
        out.push("-");
        values++;
      } else {
        out.push(line.fields.map((f) => format(f.f, r)).join(" "));
        values += line.fields.length;
      }
    }
  }
  return values;
}

function loopProgram(name: string, loops: Loop[], pairs: Map<string, number>): Program {
  const types = new Set<string>();
  for (const l of loops) types.add(`X_${l.ta.name}`).add(`Y_${l.tb.name}`);
  const src = [
    `// Generated by test/oracle/programs.ts: run-time integer semantics.`,
    `import { ${[...types].sort().join(", ")} } from "./data.ts";`,
    ``,
  ];
  const body = loops.flatMap((l) => [...loopSource(l), ``]);
  // Identity functions for argument widening (only those used: C warns about unused static functions).
  for (const u of ALL)
    if (body.some((line) => line.includes(`pass_${u.name}(`)))
      src.push(`function pass_${u.name}(x: ${u.name}): ${u.name} {`, `  return x;`, `}`, ``);
  src.push(...body);
  src.push(`export function run(): void {`, ...loops.map((l) => `  ${l.fn}();`), `}`);
  return {
    name,
    source: src.join("\n") + "\n",
    expected(data) {
      const lines: string[] = [];
      const starts: number[] = [];
      let values = 0;
      for (const l of loops) {
        starts.push(lines.length);
        values += loopExpected(l, data, lines);
      }
      const explain = (k: number) => {
        let n = loops.length - 1;
        while (starts[n] > k) n--;
        const l = loops[n];
        const row = Math.floor((k - starts[n]) / l.lines.length);
        const line = l.lines[(k - starts[n]) % l.lines.length];
        const a = data.x.get(l.ta.name)![row];
        const b = data.y.get(l.tb.name)![row];
        return {
          where: `${name}.ts ${l.fn} row ${row} (a: ${l.ta.name} = ${a}, b: ${l.tb.name} = ${b}), line '${line.label}'`,
          labels: line.fields.map((f) => f.label),
        };
      };
      return { lines, values, explain };
    },
    pairs,
  };
}

// ---------------------------------------------------------------------------
// The programs.

/** Module `data`: the operand arrays the harness fills. */
export function dataSource(rows: number): string {
  const lines = [`// Generated by test/oracle/programs.ts: operands, filled by the C harness.`];
  for (const t of ALL) {
    lines.push(`export const X_${t.name} = array<${t.name}, ${rows}>();`);
    lines.push(`export const Y_${t.name} = array<${t.name}, ${rows}>();`);
  }
  return lines.join("\n") + "\n";
}

/** One program per type: every operator, conversion and formatting on random and edge operands. */
export function typePrograms(rows: number, randomRows: number): Program[] {
  return ALL.map((t) => {
    const loop = sameTypeLoop(t, rows);
    const pairs = new Map<string, number>();
    for (const op of [...ARITH_OPS, ...SHIFT_OPS, ...CMP_OPS, "unary -", "unary ~", "conversions"])
      pairs.set(`${op} ${t.name}`, randomRows);
    return loopProgram(`rt_${t.name}`, [loop], pairs);
  });
}

/** Operands of two different widths (same signedness). */
export function mixedPrograms(rows: number, randomRows: number): Program[] {
  // One program per left type, so that one program's output stays small.
  return ALL.map((ta) => {
    const tbs = ALL.filter((tb) => tb !== ta && tb.signed === ta.signed);
    const pairs = new Map(
      tbs.map((tb) => [`every operator ${ta.name} with ${tb.name}`, randomRows]),
    );
    return loopProgram(
      `mix_${ta.name}`,
      tbs.map((tb) => mixedLoop(ta, tb, rows)),
      pairs,
    );
  });
}

/**
 * Constants: module-level `const`s folded by the compiler, literal-only
 * expressions folded at their context type, and expressions of constants
 * that the C compiler folds. Operands are the edge values.
 */
export function foldProgram(): Program {
  const decls: string[] = [];
  const fns: string[] = [];
  const expected: { text: string; fn: string; labels: string[] }[] = [];
  const none: Row = { a: 0n, b: 0n };
  const logLines = (fn: string, list: Field[]) => {
    const body: string[] = [];
    for (let i = 0; i < list.length; i += 8) {
      const chunk = list.slice(i, i + 8);
      body.push(`  log(\`${chunk.map((f) => `\${${f.src}}`).join(" ")}\`);`);
      expected.push({
        text: chunk.map((f) => format(f, none)).join(" "),
        fn,
        labels: chunk.map((f) => f.src),
      });
    }
    fns.push(`function ${fn}(): void {`, ...body, `}`, ``);
  };
  let k = 0;
  /** A module-level integer const with the value of e (folded by the compiler). */
  const folded = (e: IntE): IntE => {
    const name = `K${k++}`;
    decls.push(`const ${name}: ${e.t.name} = ${e.src};`);
    return v(name, e.t, e.ev);
  };
  /** A module-level `let` with a constant initializer (a C static initializer). */
  const initialized = (e: IntE): IntE => {
    const name = `G${k++}`;
    decls.push(`let ${name}: ${e.t.name} = ${e.src};`);
    return v(name, e.t, e.ev);
  };
  const calls: string[] = [];
  for (const t of ALL) {
    const E = edgeValues(t).slice(0, 6);
    const consts = E.map((x) => folded(lit(x, t)));
    for (const op of ARITH_OPS) {
      const list: Field[] = [];
      for (let i = 0; i < E.length; i++)
        for (let j = 0; j < E.length; j++) {
          if ((op === "/" || op === "%") && E[j] === 0n) continue;
          const e = bin(op, consts[i], consts[j]);
          list.push(folded(e), initialized(e), e, litOnly(op, E[i], E[j], t));
        }
      const fn = `fold_${t.name}_${ARITH_OPS.indexOf(op)}`;
      logLines(fn, list);
      calls.push(fn);
    }
    {
      const list: Field[] = [];
      for (const op of SHIFT_OPS)
        for (let i = 0; i < E.length; i++)
          for (const c of [0, 1, 3, t.bits - 1]) {
            const e = shc(op, consts[i], c);
            list.push(folded(e), e, litOnly(op, E[i], BigInt(c), t));
          }
      for (let i = 0; i < E.length; i++) {
        for (const op of ["-", "~"] as const) {
          const e = unary(op, consts[i]);
          list.push(folded(e), e);
        }
        for (const to of ALL) {
          const e = conv(to, consts[i]);
          list.push(folded(e), e);
        }
        for (let j = 0; j < E.length; j++)
          for (const op of CMP_OPS) list.push(cmp(op, consts[i], consts[j]));
      }
      const max = limit(t, "MAX");
      const min = limit(t, "MIN");
      const one = lit(1n, t);
      const limits: IntE[] = [
        bin("+", max, one),
        bin("-", min, one),
        bin("*", max, lit(2n, t)),
        unary("-", min),
        unary("~", max),
        bin("*", max, max),
        shc("<<", max, 1),
        shc(">>", min, t.bits - 1),
      ];
      if (t.signed)
        limits.push(
          bin("/", min, lit(-1n, t)),
          bin("%", min, lit(-1n, t)),
          bin("*", min, lit(-1n, t)),
        );
      for (let i = 0; i < E.length; i++)
        limits.push(
          shc(">>", unary("~", consts[i]), 1),
          shc(">>", shc("<<", consts[i], 1), 1),
          bin("/", unary("-", consts[i]), lit(3n, t)),
        );
      for (const e of limits) list.push(folded(e), initialized(e), e);
      const fn = `fold_${t.name}_misc`;
      logLines(fn, list);
      calls.push(fn);
    }
  }
  const source = [
    `// Generated by test/oracle/programs.ts: compile-time constants.`,
    ...decls,
    ``,
    ...fns,
    `export function run(): void {`,
    ...calls.map((c) => `  ${c}();`),
    `}`,
  ].join("\n");
  return {
    name: "fold",
    source: source + "\n",
    expected: () => ({
      lines: expected.map((e) => e.text),
      values: expected.reduce((n, e) => n + e.labels.length, 0),
      explain: (k) => ({ where: `fold.ts ${expected[k].fn}`, labels: expected[k].labels }),
    }),
    pairs: new Map(),
  };
}

/** Division and remainder by a run-time zero: one function per case, each must panic. */
export interface PanicCase {
  fn: string;
  line: number;
}
export function panicProgram(): { source: string; cases: PanicCase[] } {
  const head = [`// Generated by test/oracle/programs.ts: division by zero at run time.`];
  const imports: string[] = [];
  const body: string[] = [];
  const at: { fn: string; index: number }[] = [];
  const row = EDGES; // (a, b) = (edge[1], edge[0]) = (1, 0)
  for (const t of ALL) {
    imports.push(`X_${t.name}`, `Y_${t.name}`);
    for (const op of ["/", "%"] as const)
      for (const how of ["expr", "compound"] as const) {
        const fn = `${how === "expr" ? "" : "c"}${op === "/" ? "div" : "rem"}_${t.name}`;
        body.push(`export function ${fn}(): void {`);
        body.push(`  const a: ${t.name} = X_${t.name}[${row}];`);
        body.push(`  const b: ${t.name} = Y_${t.name}[${row}];`);
        if (how === "expr") {
          at.push({ fn, index: body.length });
          body.push(`  log(\`\${a ${op} b}\`);`);
        } else {
          body.push(`  let x: ${t.name} = a;`);
          at.push({ fn, index: body.length });
          body.push(`  x ${op}= b;`);
          body.push(`  log(\`\${x}\`);`);
        }
        body.push(`}`, ``);
      }
  }
  head.push(`import { ${imports.join(", ")} } from "./data.ts";`, ``);
  // File lines are 1-based: body[j] is line head.length + j + 1.
  const cases = at.map((c) => ({ fn: c.fn, line: head.length + c.index + 1 }));
  return { source: [...head, ...body].join("\n") + "\n", cases };
}
