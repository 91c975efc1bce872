// A reference model of the dialect's integer semantics (docs/dialect.md),
// on unbounded BigInt values. It is deliberately written from the rules
// themselves and shares no code with the compiler (not even its type table or
// its constant folder, compiler/check/constants.ts): the oracle test compares
// what compiled programs print against what this model says they must print.
//
// A value is always the mathematical value of an integer of its type: an
// unsigned value is in 0 .. 2^w - 1, a signed one in -2^(w-1) .. 2^(w-1) - 1.

export type IntName =
  "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize";

export interface IntT {
  readonly name: IntName;
  readonly bits: 8 | 16 | 32 | 64;
  readonly signed: boolean;
}

function T(name: IntName, bits: 8 | 16 | 32 | 64, signed: boolean): IntT {
  return { name, bits, signed };
}

/** Every integer type of the dialect; usize and isize are 64 bits wide. */
export const TYPES: Record<IntName, IntT> = {
  u8: T("u8", 8, false),
  u16: T("u16", 16, false),
  u32: T("u32", 32, false),
  u64: T("u64", 64, false),
  usize: T("usize", 64, false),
  i8: T("i8", 8, true),
  i16: T("i16", 16, true),
  i32: T("i32", 32, true),
  i64: T("i64", 64, true),
  isize: T("isize", 64, true),
};
export const ALL: IntT[] = Object.values(TYPES);

const pow2 = (k: number): bigint => 1n << BigInt(k);

export function minOf(t: IntT): bigint {
  return t.signed ? -pow2(t.bits - 1) : 0n;
}
export function maxOf(t: IntT): bigint {
  return t.signed ? pow2(t.bits - 1) - 1n : pow2(t.bits) - 1n;
}
export function inRange(v: bigint, t: IntT): boolean {
  return v >= minOf(t) && v <= maxOf(t);
}

/** Euclidean remainder: always in 0 .. m - 1. */
function mod(v: bigint, m: bigint): bigint {
  const r = v % m;
  return r < 0n ? r + m : r;
}

/**
 * The value of type t whose w-bit two's complement pattern equals the low w
 * bits of v: reduction modulo 2^w into t's range. This is both "wraps around
 * at the result width" and "narrowing keeps the low bits".
 */
export function reduce(v: bigint, t: IntT): bigint {
  const m = pow2(t.bits);
  const r = mod(v, m);
  return t.signed && r >= m / 2n ? r - m : r;
}

/** Floor of a / 2^k (an arithmetic right shift on the mathematical value). */
function floorDivPow2(a: bigint, k: bigint): bigint {
  const d = 1n << k;
  const q = a / d; // truncates toward zero
  return a < 0n && q * d !== a ? q - 1n : q;
}

/** a / b truncated toward zero: the quotient of the magnitudes, with the sign of a * b. */
function truncDiv(a: bigint, b: bigint): bigint {
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const q = abs(a) / abs(b); // both non-negative: floor
  return a < 0n !== b < 0n ? -q : q;
}

/** Bitwise operations on the w-bit two's complement patterns of a and b. */
function bitwise(op: "&" | "|" | "^", a: bigint, b: bigint, t: IntT): bigint {
  const pa = mod(a, pow2(t.bits));
  const pb = mod(b, pow2(t.bits));
  return reduce(op === "&" ? pa & pb : op === "|" ? pa | pb : pa ^ pb, t);
}

export type ArithOp = "+" | "-" | "*" | "/" | "%" | "&" | "|" | "^";
export type ShiftOp = "<<" | ">>";
export type BinOp = ArithOp | ShiftOp;
export type CmpOp = "<" | "<=" | ">" | ">=" | "===" | "!==";
export const ARITH_OPS: ArithOp[] = ["+", "-", "*", "/", "%", "&", "|", "^"];
export const SHIFT_OPS: ShiftOp[] = ["<<", ">>"];
export const CMP_OPS: CmpOp[] = ["<", "<=", ">", ">=", "===", "!=="];

/** Whether an operation of the two operand types is allowed: same signedness only. */
export function compatible(a: IntT, b: IntT): boolean {
  return a.signed === b.signed;
}

/** The result type of `a op b` for an arithmetic operator: the wider operand type. */
export function resultType(a: IntT, b: IntT): IntT {
  if (!compatible(a, b)) throw new Error(`${a.name} and ${b.name} differ in signedness`);
  return b.bits > a.bits ? b : a;
}

/** Whether `x op= y` (x: to, y: from) is allowed without a conversion: strictly narrower, same signedness. */
export function narrowerSameSign(from: IntT, to: IntT): boolean {
  return from.signed === to.signed && from.bits < to.bits;
}

/**
 * Whether a `from` value is accepted where a `to` is wanted (assignment,
 * argument) without a conversion, for strictly wider types: every value of
 * `from` is a value of `to`. The value is unchanged.
 */
export function widensImplicitly(from: IntT, to: IntT): boolean {
  if (to.bits <= from.bits) return false;
  return from.signed === to.signed || (!from.signed && to.signed);
}

/** Thrown for a division or remainder by zero: the program must panic. */
export class DivisionByZero extends Error {
  constructor() {
    super("division by zero");
  }
}

/** `a op b` for an arithmetic operator at type t (both operands already values of their types). */
export function arith(op: ArithOp, a: bigint, b: bigint, t: IntT): bigint {
  switch (op) {
    case "+":
      return reduce(a + b, t);
    case "-":
      return reduce(a - b, t);
    case "*":
      return reduce(a * b, t);
    case "/":
      if (b === 0n) throw new DivisionByZero();
      return reduce(truncDiv(a, b), t);
    case "%":
      if (b === 0n) throw new DivisionByZero();
      return reduce(a - truncDiv(a, b) * b, t);
    case "&":
    case "|":
    case "^":
      return bitwise(op, a, b, t);
  }
}

/** The effective count of a run-time shift of a t value: the count's two's complement bits & (w - 1). */
export function shiftCount(count: bigint, t: IntT): bigint {
  return mod(count, BigInt(t.bits));
}

/** `a << c` / `a >> c` where a has type t; c may have any integer type (reduced modulo the width). */
export function shift(op: ShiftOp, a: bigint, count: bigint, t: IntT): bigint {
  const c = shiftCount(count, t);
  if (op === "<<") return reduce(a * (1n << c), t);
  // Arithmetic on signed (floor of the mathematical value), logical on unsigned (a >= 0).
  return floorDivPow2(a, c);
}

export function compare(op: CmpOp, a: bigint, b: bigint): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "===":
      return a === b;
    case "!==":
      return a !== b;
  }
}

/** Unary minus: 0 - a at the width (also on unsigned types: 2^w - a). */
export function neg(a: bigint, t: IntT): bigint {
  return reduce(-a, t);
}

/** `~a`: every bit of the w-bit pattern flipped. */
export function bitNot(a: bigint, t: IntT): bigint {
  return reduce(maxOf({ ...t, signed: false }) - mod(a, pow2(t.bits)), t);
}

/** `to(v)`: the low bits when narrowing; zero/sign extension when widening follow from v's value. */
export function convert(v: bigint, to: IntT): bigint {
  return reduce(v, to);
}

/** What `log(`${v}`)` prints for an integer: decimal, with '-' for negative signed values. */
export function dec(v: bigint): string {
  return v.toString(10);
}

/** What `hex(v)` prints for a non-negative value: 0x and lowercase digits, no leading zeros. */
export function hex(v: bigint): string {
  if (v < 0n) throw new Error("hex() of a negative value is not modelled");
  return "0x" + v.toString(16);
}

export function bool(b: boolean): string {
  return b ? "true" : "false";
}

/** The unsigned type of the same width (for printing a signed value's bit pattern with hex). */
export function unsignedOf(t: IntT): IntT {
  return {
    u8: TYPES.u8,
    u16: TYPES.u16,
    u32: TYPES.u32,
    u64: TYPES.u64,
    usize: TYPES.usize,
    i8: TYPES.u8,
    i16: TYPES.u16,
    i32: TYPES.u32,
    i64: TYPES.u64,
    isize: TYPES.usize,
  }[t.name];
}
