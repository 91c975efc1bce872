// Expression typing: the exact dialect type of every expression, by the rules
// of docs/dialect.md. tsc has already accepted the program; what is checked
// here is what tsc cannot see (widths, signedness, literal ranges, shifts).

import { ts } from "ts-morph";
import { applyBinary, arithmeticOps, foldAt, isLiteralOnly, shiftOps } from "./constants.ts";
import { checkIntrinsicCall } from "./intrinsics.ts";
import type { Sema } from "./sema.ts";
import { declType } from "./declarations.ts";
import { qualified } from "../lower/names.ts";
import {
  BOOL,
  type DType,
  type IntType,
  intType,
  isIntName,
  maxOf,
  minOf,
  NULL,
  sameType,
  show,
  STR,
  U64,
  USIZE,
  widensTo,
} from "./types.ts";

const K = ts.SyntaxKind;

const relationalOps = new Set([
  K.LessThanToken,
  K.LessThanEqualsToken,
  K.GreaterThanToken,
  K.GreaterThanEqualsToken,
]);
const equalityOps = new Set([K.EqualsEqualsEqualsToken, K.ExclamationEqualsEqualsToken]);
export const compoundOps = new Map<ts.SyntaxKind, ts.SyntaxKind>([
  [K.PlusEqualsToken, K.PlusToken],
  [K.MinusEqualsToken, K.MinusToken],
  [K.AsteriskEqualsToken, K.AsteriskToken],
  [K.SlashEqualsToken, K.SlashToken],
  [K.PercentEqualsToken, K.PercentToken],
  [K.AmpersandEqualsToken, K.AmpersandToken],
  [K.BarEqualsToken, K.BarToken],
  [K.CaretEqualsToken, K.CaretToken],
  [K.LessThanLessThanEqualsToken, K.LessThanLessThanToken],
  [K.GreaterThanGreaterThanEqualsToken, K.GreaterThanGreaterThanToken],
]);

/** Fixes the type of an integer-literal expression from its context. */
export function resolveLit(sema: Sema, e: ts.Expression, t: IntType): void {
  const v = foldAt(sema, e, t, true);
  sema.exprTypes.set(e, t);
  if (v !== undefined) sema.constValues.set(e, v);
}

function assignable(from: DType, to: DType): boolean {
  if (from.k === "never") return true;
  if (from.k === "int" && to.k === "int") return widensTo(from, to);
  if (from.k === "null") return (to.k === "struct" || to.k === "ptr") && to.nullable;
  if (from.k === "struct" && to.k === "struct")
    return from.decl === to.decl && (to.nullable || !from.nullable);
  if (from.k === "inline" && to.k === "struct") return from.struct.decl === to.decl;
  if (from.k === "ptr" && to.k === "ptr")
    return sameType(from.elem, to.elem) && (to.nullable || !from.nullable);
  if (from.k === "arr" && to.k === "arr")
    return sameType(from.elem, to.elem) && (to.len < 0 || to.len === from.len);
  return sameType(from, to);
}

/**
 * Checks that an expression of type `t` may be used where `target` is wanted,
 * resolving integer literals to the target type. Returns the final type.
 */
export function coerce(
  sema: Sema,
  e: ts.Expression,
  t: DType | undefined,
  target: DType | undefined,
): DType | undefined {
  if (!t || !target) return target;
  if (t.k === "lit") {
    if (target.k === "int") {
      resolveLit(sema, e, target);
      return target;
    }
    sema.diags.at(
      e,
      "KTS1201",
      target.k === "addr"
        ? `an integer literal is not a ${target.name} address: write ${target.name === "Phys" ? "phys" : "virt"}(...)`
        : `an integer literal cannot be used as ${show(target)}`,
    );
    return undefined;
  }
  if (!assignable(t, target)) {
    const hint =
      t.k === "int" && target.k === "int" ? `: write ${target.name}(...) to convert` : "";
    sema.diags.at(
      e,
      "KTS1201",
      `'${show(t)}' does not convert to '${show(target)}' without a conversion${hint}`,
    );
  }
  return target;
}

/** Types an expression whose value is used; literals without a context are an error. */
export function checkValue(sema: Sema, e: ts.Expression, expected?: DType): DType | undefined {
  const t = checkExpr(sema, e, expected);
  if (t?.k === "lit") {
    if (expected?.k === "int") return coerce(sema, e, t, expected);
    sema.diags.at(
      e,
      "KTS1206",
      "cannot infer the type of this integer literal expression: write a conversion such as u64(...)",
    );
    return undefined;
  }
  return t;
}

function record(sema: Sema, e: ts.Node, t: DType | undefined): DType | undefined {
  if (t && t.k !== "lit") sema.exprTypes.set(e, t);
  return t;
}

export function checkExpr(sema: Sema, e: ts.Expression, expected?: DType): DType | undefined {
  return record(sema, e, typeExpr(sema, e, expected));
}

function typeExpr(sema: Sema, e: ts.Expression, expected?: DType): DType | undefined {
  const d = sema.diags;
  if (isLiteralOnly(e)) {
    // Report non-integer literals at once; the value is folded when the type is known.
    if (ts.isNumericLiteral(e) && !/^(0[xXbBoO][0-9a-fA-F_]+|[0-9_]+)$/.test(e.getText())) {
      d.at(e, "KTS1207", `'${e.getText()}' is not an integer literal`);
      return undefined;
    }
    return { k: "lit", value: 0n };
  }
  switch (e.kind) {
    case K.ParenthesizedExpression:
      return checkExpr(sema, (e as ts.ParenthesizedExpression).expression, expected);
    case K.TrueKeyword:
    case K.FalseKeyword:
      return BOOL;
    case K.NullKeyword:
      return NULL;
    case K.StringLiteral:
    case K.NoSubstitutionTemplateLiteral:
      return STR;
    case K.TemplateExpression:
      d.at(
        e,
        "KTS1305",
        "template literals are only allowed as the message of log, panic or assert",
      );
      return undefined;
    case K.Identifier:
      return typeIdentifier(sema, e as ts.Identifier);
    case K.ThisKeyword: {
      const cls = ts.findAncestor(e, ts.isClassDeclaration);
      const m = ts.findAncestor(e, ts.isMethodDeclaration);
      if (!cls || !m || m.modifiers?.some((x) => x.kind === K.StaticKeyword)) {
        d.at(e, "KTS1307", "`this` is only available in instance methods");
        return undefined;
      }
      return declType(sema, cls);
    }
    case K.PropertyAccessExpression:
      return typeProperty(sema, e as ts.PropertyAccessExpression);
    case K.ElementAccessExpression:
      return typeElement(sema, e as ts.ElementAccessExpression);
    case K.CallExpression:
      return typeCall(sema, e as ts.CallExpression, expected);
    case K.NewExpression:
      return typeNew(sema, e as ts.NewExpression);
    case K.PrefixUnaryExpression:
      return typePrefix(sema, e as ts.PrefixUnaryExpression, expected);
    case K.PostfixUnaryExpression:
      d.at(e, "KTS1308", "`++`/`--` is a statement here, not a value");
      return undefined;
    case K.BinaryExpression:
      return typeBinary(sema, e as ts.BinaryExpression, expected);
    case K.ConditionalExpression:
      return typeConditional(sema, e as ts.ConditionalExpression, expected);
    case K.NonNullExpression: {
      const t = checkValue(sema, (e as ts.NonNullExpression).expression);
      if (t && (t.k === "struct" || t.k === "ptr")) return { ...t, nullable: false };
      return t;
    }
    case K.AsExpression:
    case K.TypeAssertionExpression:
      d.at(
        e,
        "KTS1205",
        "`as` does not convert: use a conversion such as u32(x), phys(x) or ptrCast<T>(p)",
      );
      return undefined;
    case K.ArrowFunction:
    case K.FunctionExpression:
      d.at(
        e,
        "KTS1301",
        "function expressions and closures are not part of the dialect: declare a module-level function",
      );
      return undefined;
    case K.AwaitExpression:
    case K.YieldExpression:
      d.at(e, "KTS1303", "await and yield are not part of the dialect");
      return undefined;
    case K.ClassExpression:
      d.at(e, "KTS1301", "class expressions are not part of the dialect");
      return undefined;
    default:
      d.at(e, "KTS1307", `${describeExpression(e)} is not part of the dialect`);
      return undefined;
  }
}

function describeExpression(e: ts.Node): string {
  switch (e.kind) {
    case K.ObjectLiteralExpression:
      return "an object literal";
    case K.ArrayLiteralExpression:
      return "an array literal";
    case K.DeleteExpression:
      return "`delete`";
    case K.TypeOfExpression:
      return "`typeof`";
    case K.VoidExpression:
      return "`void`";
    case K.SpreadElement:
      return "spread";
    case K.RegularExpressionLiteral:
      return "a regular expression";
    case K.BigIntLiteral:
      return "a bigint literal (integers are plain literals with a fixed-width type)";
    case K.TaggedTemplateExpression:
      return "a tagged template";
    case K.SatisfiesExpression:
      return "`satisfies`";
    case K.MetaProperty:
      return "a meta-property";
    default:
      return `this expression (${K[e.kind]})`;
  }
}

const jsGlobals = new Set([
  "arguments",
  "undefined",
  "NaN",
  "Infinity",
  "Math",
  "console",
  "JSON",
  "Object",
  "Array",
  "String",
  "Number",
  "Date",
  "Promise",
  "Map",
  "Set",
  "Symbol",
  "BigInt",
  "Error",
  "parseInt",
  "parseFloat",
  "setTimeout",
  "globalThis",
  "window",
  "process",
  "require",
]);
export function isJsGlobal(name: string): boolean {
  return jsGlobals.has(name);
}

function typeIdentifier(sema: Sema, id: ts.Identifier): DType | undefined {
  return typeNamed(sema, id, id);
}

/** A name (`x`, or `mod.x` through a namespace import); `node` is what the reference is recorded on. */
function typeNamed(sema: Sema, node: ts.Expression, id: ts.Identifier): DType | undefined {
  const decl = sema.resolve(id);
  if (!decl) {
    if (isJsGlobal(id.text))
      sema.diags.at(id, "KTS1312", `'${id.text}' is JavaScript runtime, not part of the dialect`);
    return undefined;
  }
  if (sema.isPreludeNode(decl)) {
    sema.diags.at(id, "KTS1316", `intrinsic '${id.text}' can only be called`);
    return undefined;
  }
  if (ts.isVariableDeclaration(decl) || ts.isParameter(decl)) {
    sema.refs.set(node, { k: "var", decl });
    return narrowed(sema, node, declType(sema, decl));
  }
  if (ts.isFunctionDeclaration(decl)) {
    sema.refs.set(node, { k: "fn", decl });
    return declType(sema, decl);
  }
  // A destructured name: the destructuring is reported where it is written (KTS1309).
  if (ts.isBindingElement(decl)) return undefined;
  sema.diags.at(id, "KTS1307", `'${id.text}' is not a value`);
  return undefined;
}

/**
 * A `T | null` variable or field where tsc's control flow has ruled out null
 * (`if (p !== null) return p;`) is a `T` there.
 */
function narrowed(sema: Sema, e: ts.Expression, t: DType | undefined): DType | undefined {
  if (!t || (t.k !== "struct" && t.k !== "ptr") || !t.nullable) return t;
  const tt = sema.checker.getTypeAtLocation(e);
  const parts = tt.isUnion() ? tt.types : [tt];
  return parts.some((u) => u.flags & ts.TypeFlags.Null) ? t : { ...t, nullable: false };
}

function typeProperty(sema: Sema, e: ts.PropertyAccessExpression): DType | undefined {
  const d = sema.diags;
  if (e.questionDotToken) {
    d.at(e, "KTS1307", "optional chaining is not part of the dialect");
    return undefined;
  }
  const name = e.name.text;
  // u32.MAX, Enum.MEMBER
  if (ts.isIdentifier(e.expression)) {
    const target = sema.resolve(e.expression);
    if (target && ts.isSourceFile(target) && ts.isIdentifier(e.name))
      return typeNamed(sema, e, e.name);
    if (target && sema.isPreludeNode(target) && isIntName(e.expression.text)) {
      const t = intType(e.expression.text);
      const value = name === "MAX" ? maxOf(t) : minOf(t);
      sema.refs.set(e, { k: "const", value, type: t });
      return t;
    }
    if (target && ts.isEnumDeclaration(target) && sema.isPreludeNode(target)) {
      d.at(
        e,
        "KTS1320",
        `'${e.getText()}' is only the memory-order argument of an Atomic operation`,
      );
      return undefined;
    }
    if (target && ts.isEnumDeclaration(target)) return typeEnumMember(sema, e, target);
    if (target && ts.isClassDeclaration(target)) {
      d.at(e, "KTS1307", "static members are only called: `Class.method(...)`");
      return undefined;
    }
  }
  // mod.Enum.MEMBER through a namespace import
  if (ts.isPropertyAccessExpression(e.expression)) {
    const target = sema.resolve(e.expression.name);
    if (target && ts.isEnumDeclaration(target)) return typeEnumMember(sema, e, target);
  }
  const ot = checkValue(sema, e.expression);
  if (!ot) return undefined;
  if (ot.k === "arr" && name === "length") {
    sema.refs.set(e, { k: "const", value: BigInt(ot.len), type: USIZE });
    return USIZE;
  }
  const st = ot.k === "inline" ? ot.struct : ot;
  if (st.k === "struct") {
    const decl = sema.resolve(e.name);
    if (decl && ts.isPropertyDeclaration(decl)) {
      sema.refs.set(e, { k: "field", decl, struct: st });
      return narrowed(sema, e, declType(sema, decl));
    }
    d.at(
      e.name,
      "KTS1307",
      `'${name}' is a method, not a value (the dialect has no bound methods): call it, or pass a module-level function`,
    );
    return undefined;
  }
  d.at(e.name, "KTS1307", `'${show(ot)}' has no property '${name}' in the dialect`);
  return undefined;
}

/** `Enum.MEMBER`: a u32 constant. */
function typeEnumMember(
  sema: Sema,
  e: ts.PropertyAccessExpression,
  target: ts.EnumDeclaration,
): DType | undefined {
  const info = sema.enumInfo(target);
  const m = info?.members.find((x) => x.name === e.name.text);
  if (!m) return undefined;
  const t = intType("u32");
  sema.refs.set(e, { k: "const", value: m.value, type: t, name: qualified(info!.name, m.name) });
  return t;
}

function typeElement(sema: Sema, e: ts.ElementAccessExpression): DType | undefined {
  const d = sema.diags;
  if (e.questionDotToken) {
    d.at(e, "KTS1307", "optional chaining is not part of the dialect");
    return undefined;
  }
  const at = checkValue(sema, e.expression);
  if (!at) return undefined;
  if (at.k !== "arr") {
    d.at(e, "KTS1213", `'${show(at)}' cannot be indexed: only Arr<T, N> (use p.get(i) for Ptr<T>)`);
    return undefined;
  }
  checkIndex(sema, e.argumentExpression, at.len);
  return at.elem;
}

/** An array index: any unsigned integer; a constant index must be in range. */
export function checkIndex(sema: Sema, ix: ts.Expression, len: number): void {
  const it = checkExpr(sema, ix, USIZE);
  if (it?.k === "lit") {
    resolveLit(sema, ix, USIZE);
    const v = sema.constValues.get(ix);
    if (v !== undefined && len >= 0 && v >= BigInt(len))
      sema.diags.at(ix, "KTS1203", `index ${v} is out of range for an array of ${len}`);
    return;
  }
  if (it && (it.k !== "int" || it.signed))
    sema.diags.at(ix, "KTS1201", `an index must be an unsigned integer, not '${show(it)}'`);
}

function typeNew(sema: Sema, e: ts.NewExpression): DType | undefined {
  const decl = sema.resolve(e.expression);
  if (!decl || !ts.isClassDeclaration(decl) || sema.isPreludeNode(decl)) {
    sema.diags.at(e, "KTS1307", "`new` takes a struct class of this project");
    return undefined;
  }
  if (e.arguments?.length) {
    sema.diags.at(e, "KTS1313", "`new` takes no arguments: objects start zeroed");
  }
  return declType(sema, decl);
}

function typePrefix(sema: Sema, e: ts.PrefixUnaryExpression, expected?: DType): DType | undefined {
  const d = sema.diags;
  switch (e.operator) {
    case K.ExclamationToken: {
      const t = checkValue(sema, e.operand);
      if (t && t.k !== "bool") {
        d.at(e, "KTS1211", `'!' takes a bool, not '${show(t)}': compare explicitly`);
      }
      return BOOL;
    }
    case K.MinusToken:
    case K.TildeToken: {
      const t = checkExpr(sema, e.operand, expected);
      if (t?.k === "lit") {
        if (expected?.k === "int") resolveLit(sema, e.operand, expected);
        else return t;
        return expected;
      }
      if (t && t.k !== "int") {
        d.at(
          e,
          "KTS1213",
          `unary '${ts.tokenToString(e.operator)}' is not defined for '${show(t)}'`,
        );
        return undefined;
      }
      return t;
    }
    case K.PlusPlusToken:
    case K.MinusMinusToken:
      d.at(e, "KTS1308", "`++`/`--` is a statement here, not a value");
      return undefined;
    default:
      d.at(e, "KTS1307", `unary '${ts.tokenToString(e.operator)}' is not part of the dialect`);
      return undefined;
  }
}

/** Unifies two integer operands: same signedness, the wider type wins; literals adopt the other side. */
function unifyInts(
  sema: Sema,
  e: ts.BinaryExpression,
  lt: DType,
  rt: DType,
  expected: DType | undefined,
): DType | undefined {
  const d = sema.diags;
  if (lt.k === "lit" && rt.k === "lit") {
    return { k: "lit", value: 0n };
  }
  if (lt.k === "lit" && rt.k === "int") {
    resolveLit(sema, e.left, rt);
    return rt;
  }
  if (rt.k === "lit" && lt.k === "int") {
    resolveLit(sema, e.right, lt);
    return lt;
  }
  if (lt.k === "int" && rt.k === "int") {
    if (lt.signed !== rt.signed) {
      d.at(
        e.operatorToken,
        "KTS1202",
        `'${lt.name}' and '${rt.name}' differ in signedness: convert one side explicitly`,
      );
      return undefined;
    }
    return widensTo(lt, rt) ? rt : lt;
  }
  void expected;
  return undefined;
}

function isUnsignedLike(t: DType): boolean {
  return t.k === "lit" || (t.k === "int" && !t.signed);
}

function typeAddress(sema: Sema, e: ts.BinaryExpression, lt: DType, rt: DType): DType | undefined {
  const d = sema.diags;
  const op = e.operatorToken.kind;
  const bad = (msg: string) => {
    d.at(e.operatorToken, "KTS1212", msg);
    return undefined;
  };
  if (lt.k === "addr" && rt.k === "addr") {
    if (lt.name !== rt.name)
      return bad(`'${lt.name}' and '${rt.name}' never mix: convert explicitly`);
    if (op === K.MinusToken) return U64;
    return bad(`'${ts.tokenToString(op)}' on two addresses is not defined (only a - b)`);
  }
  const [addr, other, otherNode] =
    lt.k === "addr" ? [lt, rt, e.right] : [rt as Extract<DType, { k: "addr" }>, lt, e.left];
  if (!isUnsignedLike(other))
    return bad(`'${show(other)}' cannot be combined with an address: use an unsigned integer`);
  if (other.k === "int" && !widensTo(other, U64))
    return bad(`'${show(other)}' cannot be combined with an address`);
  const allowed =
    op === K.PlusToken ||
    op === K.AmpersandToken ||
    op === K.BarToken ||
    (op === K.MinusToken && lt.k === "addr");
  if (!allowed)
    return bad(`'${ts.tokenToString(op)}' is not defined on addresses (only +, -, &, |)`);
  if (other.k === "lit") resolveLit(sema, otherNode, U64);
  return addr;
}

function typeBinary(sema: Sema, e: ts.BinaryExpression, expected?: DType): DType | undefined {
  const d = sema.diags;
  const op = e.operatorToken.kind;
  if (op === K.EqualsToken || compoundOps.has(op)) {
    d.at(e, "KTS1308", "an assignment is a statement, not a value");
    return undefined;
  }
  if (op === K.EqualsEqualsToken || op === K.ExclamationEqualsToken) {
    d.at(
      e.operatorToken,
      "KTS1210",
      `use '${op === K.EqualsEqualsToken ? "===" : "!=="}': loose equality is not part of the dialect`,
    );
    return undefined;
  }
  if (
    op === K.GreaterThanGreaterThanGreaterThanToken ||
    op === K.GreaterThanGreaterThanGreaterThanEqualsToken
  ) {
    d.at(e.operatorToken, "KTS1209", "use '>>': it is a logical shift on unsigned types");
    return undefined;
  }
  if (op === K.AmpersandAmpersandToken || op === K.BarBarToken) {
    for (const side of [e.left, e.right]) {
      const t = checkValue(sema, side, BOOL);
      if (t && t.k !== "bool")
        d.at(side, "KTS1211", `'${ts.tokenToString(op)}' takes bool operands, not '${show(t)}'`);
    }
    return BOOL;
  }
  if (
    op === K.CommaToken ||
    op === K.QuestionQuestionToken ||
    op === K.InKeyword ||
    op === K.InstanceOfKeyword
  ) {
    d.at(e.operatorToken, "KTS1307", `'${ts.tokenToString(op)}' is not part of the dialect`);
    return undefined;
  }
  if (shiftOps.has(op)) return typeShift(sema, e, expected);

  const ctx = expected?.k === "int" ? expected : undefined;
  const lt = checkExpr(sema, e.left, ctx);
  const rt = checkExpr(sema, e.right, lt?.k === "int" ? lt : ctx);
  if (!lt || !rt) return undefined;

  if (lt.k === "str" || rt.k === "str") {
    d.at(
      e,
      "KTS1304",
      "strings cannot be concatenated or compared: the dialect has no dynamic strings",
    );
    return undefined;
  }
  if (arithmeticOps.has(op)) {
    if (lt.k === "addr" || rt.k === "addr") return typeAddress(sema, e, lt, rt);
    if ((lt.k === "int" || lt.k === "lit") && (rt.k === "int" || rt.k === "lit")) {
      const t = unifyInts(sema, e, lt, rt, expected);
      if (t?.k === "int" && (op === K.SlashToken || op === K.PercentToken)) {
        const v = foldTyped(sema, e.right);
        if (v === 0n) d.at(e.right, "KTS1208", "division by constant zero");
        else if (v !== undefined && !(t.signed && v === -1n)) sema.safeRhs.add(e);
      }
      return t;
    }
    d.at(
      e.operatorToken,
      "KTS1213",
      `'${ts.tokenToString(op)}' is not defined for '${show(lt)}' and '${show(rt)}'`,
    );
    return undefined;
  }
  if (relationalOps.has(op) || equalityOps.has(op)) {
    if ((lt.k === "int" || lt.k === "lit") && (rt.k === "int" || rt.k === "lit")) {
      const t = unifyInts(sema, e, lt, rt, expected);
      if (t?.k === "lit") {
        d.at(e, "KTS1206", "comparing two literal expressions: write a conversion on one side");
      }
      return BOOL;
    }
    if (lt.k === "addr" && rt.k === "addr" && lt.name === rt.name) return BOOL;
    if (lt.k === "addr" || rt.k === "addr") {
      d.at(e.operatorToken, "KTS1212", `cannot compare '${show(lt)}' with '${show(rt)}'`);
      return BOOL;
    }
    if (equalityOps.has(op)) {
      const refLike = (t: DType) => t.k === "struct" || t.k === "ptr" || t.k === "null";
      if (lt.k === "bool" && rt.k === "bool") return BOOL;
      if (refLike(lt) && refLike(rt)) {
        if (
          lt.k === "null" ||
          rt.k === "null" ||
          sameType({ ...lt, nullable: false } as DType, { ...rt, nullable: false } as DType)
        )
          return BOOL;
      }
      if (lt.k === "fn" && rt.k === "fn" && sameType(lt, rt)) return BOOL;
    }
    d.at(
      e.operatorToken,
      "KTS1213",
      `'${ts.tokenToString(op)}' is not defined for '${show(lt)}' and '${show(rt)}'`,
    );
    return BOOL;
  }
  d.at(e.operatorToken, "KTS1307", `'${ts.tokenToString(op)}' is not part of the dialect`);
  return undefined;
}

function typeShift(sema: Sema, e: ts.BinaryExpression, expected?: DType): DType | undefined {
  const d = sema.diags;
  const lt = checkExpr(sema, e.left, expected?.k === "int" ? expected : undefined);
  const rt = checkExpr(sema, e.right);
  if (!lt || !rt) return undefined;
  if (rt.k === "lit") {
    // The count of a literal shift is folded with the left side; otherwise checked here.
    if (lt.k === "lit") return lt;
    if (lt.k !== "int") {
      d.at(e.operatorToken, "KTS1213", `shifts are not defined for '${show(lt)}'`);
      return undefined;
    }
    if (badLiteralCount(sema, e, lt)) return undefined;
    resolveLit(sema, e.right, intType("u32"));
    checkConstantCount(sema, e, lt);
    return lt;
  }
  if (rt.k !== "int") {
    d.at(e.right, "KTS1213", `a shift count must be an integer, not '${show(rt)}'`);
    return undefined;
  }
  if (lt.k === "lit") {
    if (expected?.k === "int") {
      resolveLit(sema, e.left, expected);
      return expected;
    }
    d.at(
      e.left,
      "KTS1206",
      "cannot infer the type of the shifted literal: write a conversion such as u64(1)",
    );
    return undefined;
  }
  if (lt.k !== "int") {
    d.at(e.operatorToken, "KTS1213", `shifts are not defined for '${show(lt)}'`);
    return undefined;
  }
  checkConstantCount(sema, e, lt);
  return lt;
}

/**
 * A literal shift count out of range for `lt`, a negative one too, is reported as such
 * (KTS1204), not as a literal that does not fit the count's u32 (KTS1203); true if it was.
 */
export function badLiteralCount(
  sema: Sema,
  e: ts.BinaryExpression,
  lt: Extract<DType, { k: "int" }>,
): boolean {
  const count = foldAt(sema, e.right, intType("i64"), false);
  if (count === undefined || (count >= 0n && count < BigInt(lt.bits))) return false;
  sema.diags.at(
    e.right,
    "KTS1204",
    `shift count ${count} is out of range for ${lt.name} (0..${lt.bits - 1})`,
  );
  return true;
}

/**
 * A shift count that is a named constant (`const W: u32 = 32; x << W`) is
 * range-checked like a literal one; in range, the shift needs no masking.
 */
export function checkConstantCount(
  sema: Sema,
  e: ts.BinaryExpression,
  lt: Extract<DType, { k: "int" }>,
): void {
  const c = foldTyped(sema, e.right);
  if (c === undefined) return;
  if (c < 0n || c >= BigInt(lt.bits))
    sema.diags.at(
      e.right,
      "KTS1204",
      `shift count ${c} is out of range for ${lt.name} (0..${lt.bits - 1})`,
    );
  else sema.safeRhs.add(e);
}

function typeConditional(
  sema: Sema,
  e: ts.ConditionalExpression,
  expected?: DType,
): DType | undefined {
  const ct = checkValue(sema, e.condition, BOOL);
  if (ct && ct.k !== "bool")
    sema.diags.at(e.condition, "KTS1211", `a condition must be bool, not '${show(ct)}'`);
  const a = checkExpr(sema, e.whenTrue, expected);
  const b = checkExpr(sema, e.whenFalse, expected);
  if (!a || !b) return undefined;
  if (a.k === "lit" && b.k === "lit") {
    if (expected?.k === "int") {
      resolveLit(sema, e.whenTrue, expected);
      resolveLit(sema, e.whenFalse, expected);
      return expected;
    }
    return checkValue(sema, e.whenTrue);
  }
  if (a.k === "lit") return coerce(sema, e.whenTrue, a, b);
  if (b.k === "lit") return coerce(sema, e.whenFalse, b, a);
  // Both null: null, which converts to whatever nullable type the context wants.
  if (a.k === "null" && b.k === "null") return a;
  if (a.k === "null")
    return (
      coerce(sema, e.whenFalse, b, { ...(b as DType), nullable: true } as DType) &&
      ({ ...b, nullable: true } as DType)
    );
  if (b.k === "null") return { ...a, nullable: true } as DType;
  if (a.k === "int" && b.k === "int" && a.signed === b.signed) return widensTo(a, b) ? b : a;
  if (a.k === "never" || b.k === "never") {
    sema.diags.at(
      a.k === "never" ? e.whenTrue : e.whenFalse,
      "KTS1201",
      "a branch of ?: that never returns (a panic) has no value: write an if statement",
    );
    return undefined;
  }
  if (!sameType(a, b)) {
    sema.diags.at(e, "KTS1201", `the branches have different types '${show(a)}' and '${show(b)}'`);
    return undefined;
  }
  return a;
}

/** Checks call arguments against parameter types. */
export function checkArgs(sema: Sema, e: ts.CallExpression, params: (DType | undefined)[]): void {
  e.arguments.forEach((a, i) => {
    const p = params[i];
    const t = checkExpr(sema, a, p);
    coerce(sema, a, t, p);
  });
}

function typeCall(sema: Sema, e: ts.CallExpression, expected?: DType): DType | undefined {
  const d = sema.diags;
  if (e.questionDotToken) {
    d.at(e, "KTS1307", "optional calls are not part of the dialect");
    return undefined;
  }
  const callee = e.expression;
  if (callee.kind === K.SuperKeyword || callee.kind === K.ImportKeyword) {
    d.at(e, "KTS1307", "`super` and dynamic `import` are not part of the dialect");
    return undefined;
  }
  const target =
    ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee)
      ? sema.resolve(ts.isIdentifier(callee) ? callee : callee.name)
      : undefined;
  if (
    target &&
    sema.isPreludeNode(target) &&
    ts.isFunctionDeclaration(target) &&
    ts.isIdentifier(callee)
  )
    return checkIntrinsicCall(sema, e, callee.text, expected);
  if (target && ts.isFunctionDeclaration(target)) {
    sema.calls.set(e, { k: "direct", decl: target });
    sema.refs.set(callee, { k: "fn", decl: target });
    const ft = declType(sema, target);
    if (ft?.k !== "fn") return undefined;
    checkArgs(sema, e, ft.params);
    return ft.ret;
  }
  if (
    target &&
    ts.isMethodSignature(target) &&
    ts.isPropertyAccessExpression(callee) &&
    sema.isPreludeNode(target)
  )
    return checkPreludeMethod(sema, e, callee, target);
  if (target && ts.isMethodDeclaration(target) && ts.isPropertyAccessExpression(callee)) {
    const isStatic = !!target.modifiers?.some((m) => m.kind === K.StaticKeyword);
    if (!isStatic) {
      const ot = checkValue(sema, callee.expression);
      if (ot && ot.k !== "struct" && ot.k !== "inline") return undefined;
    }
    sema.calls.set(e, { k: "method", decl: target, isStatic });
    const ft = declType(sema, target);
    if (ft?.k !== "fn") return undefined;
    checkArgs(sema, e, ft.params);
    return ft.ret;
  }
  // A call through a function-typed variable, parameter or field.
  const ct = checkValue(sema, callee);
  if (ct?.k === "fn") {
    sema.calls.set(e, { k: "indirect" });
    checkArgs(sema, e, ct.params);
    return ct.ret;
  }
  if (ct) d.at(e, "KTS1318", `'${show(ct)}' cannot be called`);
  return undefined;
}

/** Methods of the prelude's Ptr, Atomic and PerCpu. */
function checkPreludeMethod(
  sema: Sema,
  e: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
  decl: ts.MethodDeclaration | ts.MethodSignature,
): DType | undefined {
  const d = sema.diags;
  const ot = checkValue(sema, callee.expression);
  if (!ot) return undefined;
  const op = callee.name.text;
  void decl;
  if (ot.k === "ptr") {
    sema.calls.set(e, { k: "ptr", op });
    const el = ot.elem;
    switch (op) {
      case "load":
      case "loadVolatile":
        return el;
      case "store":
      case "storeVolatile":
        checkArgs(sema, e, [el]);
        return { k: "void" };
      case "get":
        checkIndex(sema, e.arguments[0], -1);
        return el;
      case "set":
        checkIndex(sema, e.arguments[0], -1);
        checkArgs(sema, { ...e, arguments: e.arguments.slice(1) } as unknown as ts.CallExpression, [
          el,
        ]);
        return { k: "void" };
      case "add":
        checkArgs(sema, e, [USIZE]);
        return { ...ot, nullable: false };
    }
  }
  if (ot.k === "percpu") {
    sema.calls.set(e, { k: ot.k, op });
    if (op === "get") return ot.elem;
    checkArgs(sema, e, [ot.elem]);
    return { k: "void" };
  }
  if (ot.k === "atomic") {
    const el = ot.elem;
    const values = op === "load" ? 0 : op === "compareExchange" ? 2 : 1;
    const orders = atomicOrders(sema, op, e.arguments.slice(values));
    sema.calls.set(e, { k: "atomic", op, orders });
    const args = e.arguments.slice(0, values);
    const check = (params: DType[]) =>
      args.forEach((a, i) => coerce(sema, a, checkExpr(sema, a, params[i]), params[i]));
    if (op === "load") return el;
    if (op === "store") {
      check([el]);
      return { k: "void" };
    }
    if (op === "exchange") {
      check([el]);
      return el;
    }
    if (op === "compareExchange") {
      check([el, el]);
      return BOOL;
    }
    if (el.k !== "int") {
      d.at(callee.name, "KTS1213", `'${op}' needs an integer Atomic`);
      return undefined;
    }
    check([el]);
    return el;
  }
  d.at(callee.name, "KTS1318", `'${op}' cannot be called on '${show(ot)}'`);
  return undefined;
}

/** The members of the prelude's `Order`, by how much of an acquire each one has. */
const acquireStrength: Record<string, number> = {
  RELAXED: 0,
  RELEASE: 0,
  ACQUIRE: 1,
  ACQ_REL: 1,
  SEQ_CST: 2,
};

/** `Order.X` naming a member of the prelude's `Order`: the member's name. */
function orderConstant(sema: Sema, a: ts.Expression): string | undefined {
  if (!ts.isPropertyAccessExpression(a) || !ts.isIdentifier(a.expression)) return undefined;
  const target = sema.resolve(a.expression);
  if (!target || !ts.isEnumDeclaration(target) || !sema.isPreludeNode(target)) return undefined;
  return a.name.text in acquireStrength ? a.name.text : undefined;
}

/**
 * The memory orders of an atomic operation (its arguments after the values):
 * each a constant `Order.X` that the operation allows, SEQ_CST where left out.
 * compareExchange has two, for success and failure; a failure left out is
 * the success's order without its release part, as in C11.
 */
function atomicOrders(sema: Sema, op: string, args: readonly ts.Expression[]): string[] {
  const d = sema.diags;
  const names = args.map((a) => {
    const name = orderConstant(sema, a);
    if (name === undefined) {
      d.at(
        a,
        "KTS1320",
        "a memory order is written as a constant: Order.RELAXED, Order.ACQUIRE, Order.RELEASE, Order.ACQ_REL or Order.SEQ_CST",
      );
      return "SEQ_CST";
    }
    // The C of the builtins' argument, so that lowering can spell it like any constant.
    const u32 = intType("u32");
    sema.refs.set(a, { k: "const", value: 0n, type: u32, name: `__ATOMIC_${name}` });
    sema.exprTypes.set(a, u32);
    return name;
  });
  const success = names[0] ?? "SEQ_CST";
  const refuse = (i: number, why: string) => {
    if (args[i]) d.at(args[i], "KTS1321", `Order.${names[i]} ${why}`);
  };
  if (op === "load" && (success === "RELEASE" || success === "ACQ_REL"))
    refuse(0, "is not an order of a load: it has nothing to release");
  if (op === "store" && (success === "ACQUIRE" || success === "ACQ_REL"))
    refuse(0, "is not an order of a store: it has nothing to acquire");
  if (op !== "compareExchange") return [success];
  const failure =
    names[1] ?? (success === "ACQ_REL" ? "ACQUIRE" : success === "RELEASE" ? "RELAXED" : success);
  if (failure === "RELEASE" || failure === "ACQ_REL")
    refuse(1, "is not a failure order: a failed compareExchange only loads");
  else if (acquireStrength[failure] > acquireStrength[success])
    refuse(1, `is stronger than the success order Order.${success}`);
  return [success, failure];
}

/**
 * The folded value of a checked integer expression, or undefined when it is
 * not a compile-time constant.
 */
export function foldTyped(sema: Sema, e: ts.Expression): bigint | undefined {
  const known = sema.constValues.get(e);
  if (known !== undefined) return known;
  if (ts.isParenthesizedExpression(e)) return foldTyped(sema, e.expression);
  const t = sema.typeOf(e);
  if (!t || t.k !== "int") return undefined;
  const ref = sema.refs.get(e);
  if (ref?.k === "const") return ref.value;
  if (ref?.k === "var") return sema.globalConsts.get(ref.decl);
  if (ts.isPrefixUnaryExpression(e)) {
    const v = foldTyped(sema, e.operand);
    if (v === undefined) return undefined;
    if (e.operator === K.MinusToken) return applyBinary(K.MinusToken, 0n, v, t);
    if (e.operator === K.TildeToken) return applyBinary(K.CaretToken, v, -1n, t);
    return undefined;
  }
  if (ts.isBinaryExpression(e)) {
    const a = foldTyped(sema, e.left);
    const b = foldTyped(sema, e.right);
    if (a === undefined || b === undefined) return undefined;
    return applyBinary(e.operatorToken.kind, a, b, t);
  }
  if (ts.isCallExpression(e)) {
    const c = sema.calls.get(e);
    if (c?.k === "conv" && c.to.k === "int" && e.arguments.length === 1) {
      const v = foldTyped(sema, e.arguments[0]);
      return v === undefined ? undefined : applyBinary(K.PlusToken, v, 0n, c.to);
    }
  }
  return undefined;
}
