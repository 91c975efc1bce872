// The dialect's own types: what each TypeScript type means in C.

import { ts } from "ts-morph";

export type IntName =
  "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize";

export interface IntType {
  k: "int";
  name: IntName;
  bits: 8 | 16 | 32 | 64;
  signed: boolean;
}

export type DType =
  | IntType
  | { k: "addr"; name: "Phys" | "Virt" }
  | { k: "bool" }
  | { k: "void" }
  | { k: "never" }
  | { k: "null" }
  | { k: "str" }
  | { k: "fmt" }
  /** An expression made only of integer literals, typed later by its context. */
  | { k: "lit"; value: bigint }
  | { k: "ptr"; elem: DType; nullable: boolean }
  | { k: "struct"; name: string; decl: ts.ClassDeclaration; nullable: boolean }
  | { k: "inline"; struct: StructType }
  | { k: "arr"; elem: DType; len: number }
  | { k: "atomic"; elem: DType }
  | { k: "percpu"; elem: DType }
  | { k: "fn"; params: DType[]; ret: DType };

export type StructType = Extract<DType, { k: "struct" }>;
export type PtrType = Extract<DType, { k: "ptr" }>;

const intInfo: Record<IntName, [8 | 16 | 32 | 64, boolean]> = {
  u8: [8, false],
  u16: [16, false],
  u32: [32, false],
  u64: [64, false],
  usize: [64, false],
  i8: [8, true],
  i16: [16, true],
  i32: [32, true],
  i64: [64, true],
  isize: [64, true],
};

export const intNames = Object.keys(intInfo) as IntName[];

export function intType(name: IntName): IntType {
  const [bits, signed] = intInfo[name];
  return { k: "int", name, bits, signed };
}

export function isIntName(s: string): s is IntName {
  return Object.prototype.hasOwnProperty.call(intInfo, s);
}

export const BOOL: DType = { k: "bool" };
export const VOID: DType = { k: "void" };
export const NEVER: DType = { k: "never" };
export const NULL: DType = { k: "null" };
export const STR: DType = { k: "str" };
export const U64 = intType("u64");
export const USIZE = intType("usize");
export const U32 = intType("u32");

export function minOf(t: IntType): bigint {
  return t.signed ? -(1n << BigInt(t.bits - 1)) : 0n;
}
export function maxOf(t: IntType): bigint {
  return t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n;
}
export function fits(v: bigint, t: IntType): boolean {
  return v >= minOf(t) && v <= maxOf(t);
}
/** Reduces v to t's width with two's-complement wrap-around. */
export function wrap(v: bigint, t: IntType): bigint {
  return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v);
}

/**
 * Whether every value of `from` is a value of `to`: the lattice the prelude's
 * brands encode (u8 ⊂ u16 ⊂ u32 ⊂ u64, usize ⊂ u64, unsigned into a wider
 * signed type). Kept in one place so tsc's and the compiler's view agree.
 */
export function widensTo(from: IntType, to: IntType): boolean {
  if (from.name === to.name) return true;
  if (from.name === "u64" && to.name === "usize") return false;
  if (from.name === "i64" && to.name === "isize") return false;
  if (from.signed === to.signed) return from.bits <= to.bits;
  if (!from.signed && to.signed) return from.bits < to.bits;
  return false;
}

export function sameType(a: DType, b: DType): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "int":
      return a.name === (b as IntType).name;
    case "addr":
      return a.name === (b as typeof a).name;
    case "ptr":
      return sameType(a.elem, (b as PtrType).elem);
    case "struct":
      return a.decl === (b as StructType).decl;
    case "inline":
      return a.struct.decl === (b as typeof a).struct.decl;
    case "arr":
      return a.len === (b as typeof a).len && sameType(a.elem, (b as typeof a).elem);
    case "atomic":
    case "percpu":
      return sameType(a.elem, (b as typeof a).elem);
    case "fn": {
      const f = b as typeof a;
      return (
        a.params.length === f.params.length &&
        a.params.every((p, i) => sameType(p, f.params[i])) &&
        sameType(a.ret, f.ret)
      );
    }
    default:
      return true;
  }
}

export function show(t: DType): string {
  switch (t.k) {
    case "int":
      return t.name;
    case "addr":
      return t.name;
    case "lit":
      return "integer literal";
    case "ptr":
      return `Ptr<${show(t.elem)}>${t.nullable ? " | null" : ""}`;
    case "struct":
      return t.name + (t.nullable ? " | null" : "");
    case "inline":
      return `Inline<${t.struct.name}>`;
    case "arr":
      return `Arr<${show(t.elem)}, ${t.len < 0 ? "number" : t.len}>`;
    case "atomic":
      return `Atomic<${show(t.elem)}>`;
    case "percpu":
      return `PerCpu<${show(t.elem)}>`;
    case "fn":
      return `(${t.params.map(show).join(", ")}) => ${show(t.ret)}`;
    default:
      return t.k;
  }
}
