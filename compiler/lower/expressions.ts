// Expressions to C. Each result is C text whose C type is exactly the
// expression's dialect type; integer arithmetic is spelled so that C's
// promotions cannot change its meaning (docs/dialect.md, "Lowering").

import { ts } from "ts-morph";
import { foldTyped } from "../check/expressions.ts";
import { type DType, type IntType, sameType } from "../check/types.ts";
import { InternalError } from "../diagnostics.ts";
import type { LowerContext } from "./context.ts";
import { indexBound } from "./bounds.ts";
import { cdecl, cint, cliteral, cstring, ctype, cwork, snake } from "./ctypes.ts";
import { fieldName } from "./names.ts";
import { isTall, lowerDeep } from "./deep.ts";
import { mustPrecede } from "./order.ts";

const K = ts.SyntaxKind;

function ice(n: ts.Node, what: string): never {
  const sf = n.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
  throw new InternalError(what, `${sf.fileName}:${line + 1}:${character + 1}`);
}

export function typeOf(cx: LowerContext, e: ts.Node): DType {
  const t = cx.sema.exprTypes.get(e);
  if (!t) ice(e, `no type recorded for ${K[e.kind]} '${e.getText()}'`);
  return t;
}

function asInt(cx: LowerContext, e: ts.Node): IntType {
  const t = typeOf(cx, e);
  if (t.k !== "int") ice(e, `expected an integer, found ${t.k}`);
  return t;
}

/** `file, line` arguments for the runtime's checked operations. */
export function where(cx: LowerContext, n: ts.Node): string {
  return `${cstring(cx.file)}, ${cx.line(n)}`;
}

/** e converted to the dialect type `to` (widening, literal typing, embedded struct address). */
export function lowerAs(cx: LowerContext, e: ts.Expression, to: DType): string {
  const from = typeOf(cx, e);
  const c = lowerExpr(cx, e);
  if (from.k === "int" && to.k === "int" && from.name !== to.name) return `((${cint(to)})${c})`;
  return c;
}

function literalText(cx: LowerContext, e: ts.Expression, v: bigint, t: IntType): string {
  const text = e.getText();
  return cliteral(v, t, /0[xX]/.test(text));
}

export function lowerExpr(cx: LowerContext, e: ts.Expression): string {
  const cv = cx.sema.constValues.get(e);
  if (cv !== undefined) return literalText(cx, e, cv, asInt(cx, e));
  const tmp = cx.evaluated.get(e);
  if (tmp !== undefined) return tmp;
  if (!cx.deep && isTall(e)) return lowerDeep(cx, e);
  return lowerNode(cx, e);
}

/** One expression node as C, its operands lowered by lowerExpr. */
export function lowerNode(cx: LowerContext, e: ts.Expression): string {
  switch (e.kind) {
    case K.ParenthesizedExpression:
      return lowerExpr(cx, (e as ts.ParenthesizedExpression).expression);
    case K.TrueKeyword:
      return "true";
    case K.FalseKeyword:
      return "false";
    case K.NullKeyword:
      return "NULL";
    case K.StringLiteral:
    case K.NoSubstitutionTemplateLiteral:
      return cstring((e as ts.StringLiteral).text);
    case K.ThisKeyword:
      return "self";
    case K.Identifier:
      return lowerName(cx, e as ts.Identifier);
    case K.NonNullExpression:
      return lowerExpr(cx, (e as ts.NonNullExpression).expression);
    case K.PropertyAccessExpression:
      return lowerProperty(cx, e as ts.PropertyAccessExpression);
    case K.ElementAccessExpression:
      return lowerElement(cx, e as ts.ElementAccessExpression);
    case K.CallExpression:
      return lowerCall(cx, e as ts.CallExpression);
    case K.NewExpression: {
      const t = typeOf(cx, e);
      if (t.k !== "struct") ice(e, "new of a non-struct");
      return `((${t.name} *)kts_new(sizeof(${t.name}), _Alignof(${t.name})))`;
    }
    case K.PrefixUnaryExpression:
      return lowerPrefix(cx, e as ts.PrefixUnaryExpression);
    case K.BinaryExpression:
      return lowerBinary(cx, e as ts.BinaryExpression);
    case K.ConditionalExpression: {
      const c = e as ts.ConditionalExpression;
      const t = typeOf(cx, e);
      return `(${lowerExpr(cx, c.condition)} ? ${lowerAs(cx, c.whenTrue, t)} : ${lowerAs(cx, c.whenFalse, t)})`;
    }
  }
  ice(e, `cannot lower ${K[e.kind]}`);
}

function lowerName(cx: LowerContext, id: ts.Expression): string {
  const ref = cx.sema.refs.get(id);
  if (!ref) ice(id, `unresolved name '${id.getText()}'`);
  if (ref.k === "fn") return cx.globalName(ref.decl);
  if (ref.k === "var") {
    const local = cx.localName(ref.decl);
    if (local) return local;
    if (ts.isVariableDeclaration(ref.decl)) return cx.globalName(ref.decl);
  }
  if (ref.k === "const") return ref.name ?? cliteral(ref.value, ref.type);
  ice(id, `cannot lower name '${id.getText()}'`);
}

/** An lvalue or value for a field; embedded structs read as their address. */
function lowerProperty(cx: LowerContext, e: ts.PropertyAccessExpression): string {
  const ref = cx.sema.refs.get(e);
  if (ref?.k === "const") return ref.name ?? cliteral(ref.value, ref.type);
  if (ref?.k === "var" || ref?.k === "fn") return lowerName(cx, e); // `mod.x` via a namespace import
  if (ref?.k !== "field") ice(e, "property without a field");
  const field = lowerFieldPath(cx, e);
  return typeOf(cx, e).k === "inline" ? `(&${field})` : field;
}

/** `obj->a.b` for a field; a field of an embedded struct is reached with `.`, not through its address. */
function lowerFieldPath(cx: LowerContext, e: ts.PropertyAccessExpression): string {
  const place = lowerPlace(cx, e.expression);
  const base = place !== undefined ? `${place}.` : `${lowerObject(cx, e.expression)}->`;
  return base + fieldName(e.name.text);
}

/**
 * An embedded struct (an `Inline<S>` field or array element) as the C lvalue
 * that holds it, without taking its address; undefined for anything else.
 */
function lowerPlace(cx: LowerContext, e: ts.Expression): string | undefined {
  if (cx.sema.exprTypes.get(e)?.k !== "inline") return undefined;
  if (ts.isParenthesizedExpression(e)) return lowerPlace(cx, e.expression);
  if (ts.isPropertyAccessExpression(e)) return lowerFieldPath(cx, e);
  if (ts.isElementAccessExpression(e)) return lowerElementPlace(cx, e);
  return undefined;
}

/** A struct-typed expression as a pointer to the struct. */
function lowerObject(cx: LowerContext, e: ts.Expression): string {
  return lowerExpr(cx, e);
}

function lowerElement(cx: LowerContext, e: ts.ElementAccessExpression): string {
  const place = lowerElementPlace(cx, e);
  // An element of an array of embedded structs reads as its address, like an Inline<S> field.
  return typeOf(cx, e).k === "inline" ? `(&${place})` : place;
}

function lowerElementPlace(cx: LowerContext, e: ts.ElementAccessExpression): string {
  const at = typeOf(cx, e.expression);
  if (at.k !== "arr") ice(e, "index into a non-array");
  const arr = lowerExpr(cx, e.expression);
  const index = lowerIndex(cx, e.argumentExpression, at.len);
  const local = (d: ts.Node) => cx.localName(d) !== undefined;
  if (!mustPrecede(cx.sema, e.expression, e.argumentExpression, local, true))
    return `${arr}[${index}]`;
  // The array's address first, then the index: still an lvalue, through a pointer.
  const tmp = cx.temp();
  return `(*({ ${cdecl({ k: "ptr", elem: at.elem, nullable: false }, tmp)} = ${arr}; &${tmp}[${index}]; }))`;
}

/**
 * An index; a constant is known to be in range (the checker rejects one that is not), and so
 * is an index whose largest value bounds.ts proves below the length; anything else is
 * checked at run time.
 */
export function lowerIndex(cx: LowerContext, ix: ts.Expression, len: number): string {
  const v = cx.sema.constValues.get(ix);
  const i = lowerAs(cx, ix, { k: "int", name: "usize", bits: 64, signed: false });
  if (v !== undefined || len < 0) return i;
  const bound = indexBound(cx, ix);
  if (bound !== undefined && bound < BigInt(len)) return i;
  return `kts_index(${i}, ${len}u, ${where(cx, ix)})`;
}

function lowerPrefix(cx: LowerContext, e: ts.PrefixUnaryExpression): string {
  if (e.operator === K.ExclamationToken) return `(!${lowerExpr(cx, e.operand)})`;
  const t = asInt(cx, e);
  const w = cwork(t);
  const a = lowerAs(cx, e.operand, t);
  if (e.operator === K.MinusToken) return `((${cint(t)})(0u - (${w})${a}))`;
  if (e.operator === K.TildeToken) {
    const c = `((${cint(t)})~(${w})${a})`;
    // Below 32 bits, gcc rejects comparing a promoted `~` with a constant (-Wsign-compare,
    // "promoted bitwise complement"), although the cast back makes the value right; through a
    // temporary it sees only a narrow value.
    if (t.bits >= 32) return c;
    const tmp = cx.temp();
    return `({ ${cint(t)} ${tmp} = ${c}; ${tmp}; })`;
  }
  ice(e, "unexpected prefix operator");
}

const cOp: Partial<Record<ts.SyntaxKind, string>> = {
  [K.PlusToken]: "+",
  [K.MinusToken]: "-",
  [K.AsteriskToken]: "*",
  [K.SlashToken]: "/",
  [K.PercentToken]: "%",
  [K.AmpersandToken]: "&",
  [K.BarToken]: "|",
  [K.CaretToken]: "^",
  [K.LessThanLessThanToken]: "<<",
  [K.GreaterThanGreaterThanToken]: ">>",
  [K.LessThanToken]: "<",
  [K.LessThanEqualsToken]: "<=",
  [K.GreaterThanToken]: ">",
  [K.GreaterThanEqualsToken]: ">=",
  [K.EqualsEqualsEqualsToken]: "==",
  [K.ExclamationEqualsEqualsToken]: "!=",
  [K.AmpersandAmpersandToken]: "&&",
  [K.BarBarToken]: "||",
};

/**
 * `a op b` at integer type t, where a and b are C expressions of type t.
 * `safe` says the right operand of a division or shift is a constant that
 * needs no run-time check.
 */
export function arith(
  cx: LowerContext,
  op: ts.SyntaxKind,
  t: IntType,
  a: string,
  b: string,
  safe: boolean,
  at: ts.Node,
): string {
  const T = cint(t);
  const W = cwork(t);
  const sym = cOp[op];
  switch (op) {
    case K.PlusToken:
    case K.MinusToken:
    case K.AsteriskToken:
      if (!t.signed && t.bits >= 32) return `(${a} ${sym} ${b})`;
      return `((${T})((${W})${a} ${sym} (${W})${b}))`;
    case K.AmpersandToken:
    case K.BarToken:
    case K.CaretToken:
      return t.bits >= 32 ? `(${a} ${sym} ${b})` : `((${T})(${a} ${sym} ${b}))`;
    case K.SlashToken:
    case K.PercentToken:
      if (safe) return t.bits >= 32 ? `(${a} ${sym} ${b})` : `((${T})(${a} ${sym} ${b}))`;
      return `kts_${op === K.SlashToken ? "div" : "rem"}_${t.name}(${a}, ${b}, ${where(cx, at)})`;
    case K.LessThanLessThanToken: {
      const count = safe ? b : `(${b} & ${t.bits - 1}u)`;
      return `((${T})((${W})${a} << ${count}))`;
    }
    case K.GreaterThanGreaterThanToken: {
      const count = safe ? b : `(${b} & ${t.bits - 1}u)`;
      return t.bits >= 32 ? `(${a} >> ${count})` : `((${T})(${a} >> ${count}))`;
    }
  }
  ice(at, `no integer lowering for ${K[op]}`);
}

/** A shift count as an unsigned C value (any integer type is accepted). */
export function lowerShiftCount(cx: LowerContext, e: ts.Expression): string {
  const v = cx.sema.constValues.get(e);
  if (v !== undefined) return `${v}`;
  const t = asInt(cx, e);
  return t.name === "u32" ? lowerExpr(cx, e) : `((uint32_t)${lowerExpr(cx, e)})`;
}

/** The C type a value of type t has in an expression: arrays decay, embedded structs are addresses. */
export function valueType(t: DType): DType {
  if (t.k === "arr") return { k: "ptr", elem: t.elem, nullable: false };
  if (t.k === "inline") return t.struct;
  return t;
}

/**
 * Operands in order: when the right operand may have a side effect that could
 * change what the left one reads, or the left one a side effect that could
 * change what the right one reads, the left is evaluated first into a
 * temporary (TypeScript's left-to-right order; C leaves it unspecified).
 */
function ordered(
  cx: LowerContext,
  left: ts.Expression,
  right: ts.Expression,
  leftC: string,
  leftType: DType,
  combine: (a: string) => string,
): string {
  if (!mustPrecede(cx.sema, left, right, (d) => cx.localName(d) !== undefined))
    return combine(leftC);
  const tmp = cx.temp();
  return `({ ${cdecl(valueType(leftType), tmp)} = ${leftC}; ${combine(tmp)}; })`;
}

function lowerBinary(cx: LowerContext, e: ts.BinaryExpression): string {
  const op = e.operatorToken.kind;
  if (op === K.AmpersandAmpersandToken || op === K.BarBarToken)
    return `(${lowerExpr(cx, e.left)} ${cOp[op]} ${lowerExpr(cx, e.right)})`;
  const lt = typeOf(cx, e.left);
  const rt = typeOf(cx, e.right);
  const t = typeOf(cx, e);
  const safe = cx.sema.safeRhs.has(e);
  const inOrder = (leftC: string, leftType: DType, combine: (a: string) => string) =>
    ordered(cx, e.left, e.right, leftC, leftType, combine);
  if (op === K.LessThanLessThanToken || op === K.GreaterThanGreaterThanToken) {
    if (t.k !== "int") ice(e, "shift of a non-integer");
    const count = lowerShiftCount(cx, e.right);
    return inOrder(lowerAs(cx, e.left, t), t, (a) => arith(cx, op, t, a, count, safe, e));
  }
  if (t.k === "int" && lt.k !== "addr") {
    const b = lowerAs(cx, e.right, t);
    return inOrder(lowerAs(cx, e.left, t), t, (a) => arith(cx, op, t, a, b, safe, e));
  }
  if (t.k === "addr" || lt.k === "addr") {
    // Addresses are 64-bit unsigned: plain C arithmetic on phys_t/virt_t is exact.
    const a = lt.k === "int" ? `((uint64_t)${lowerExpr(cx, e.left)})` : lowerExpr(cx, e.left);
    const b = rt.k === "int" ? `((uint64_t)${lowerExpr(cx, e.right)})` : lowerExpr(cx, e.right);
    const at: DType = lt.k === "int" ? { k: "int", name: "u64", bits: 64, signed: false } : lt;
    return inOrder(a, at, (x) => `(${x} ${cOp[op]} ${b})`);
  }
  // Comparisons: both sides at their common type.
  if (lt.k === "int" && rt.k === "int") {
    const common = sameType(lt, rt)
      ? lt
      : lt.bits >= rt.bits && (lt.name !== "usize" || rt.name !== "u64")
        ? lt
        : rt;
    const b = lowerAs(cx, e.right, common);
    return inOrder(lowerAs(cx, e.left, common), common, (a) => `(${a} ${cOp[op]} ${b})`);
  }
  const b = lowerExpr(cx, e.right);
  return inOrder(lowerExpr(cx, e.left), lt, (a) => `(${a} ${cOp[op]} ${b})`);
}

/**
 * A call's arguments in order: every argument that must precede a later one
 * (order.ts, mustPrecede) is evaluated first into a temporary. Returns the
 * temporaries' declarations (possibly empty) and the argument list.
 */
function orderedArgs(
  cx: LowerContext,
  nodes: readonly ts.Expression[],
  lowered: string[],
  types: DType[],
): { pre: string; args: string[] } {
  const local = (d: ts.Node) => cx.localName(d) !== undefined;
  let pre = "";
  const args = lowered.map((c, i) => {
    if (!nodes.slice(i + 1).some((later) => mustPrecede(cx.sema, nodes[i], later, local))) return c;
    const tmp = cx.temp();
    pre += `${cdecl(valueType(types[i]), tmp)} = ${c}; `;
    return tmp;
  });
  return { pre, args };
}

/** `f(args)` with its arguments evaluated left to right. */
function call(
  cx: LowerContext,
  fn: string,
  nodes: readonly ts.Expression[],
  lowered: string[],
  types: DType[],
): string {
  const { pre, args } = orderedArgs(cx, nodes, lowered, types);
  const c = `${fn}(${args.join(", ")})`;
  return pre ? `({ ${pre}${c}; })` : c;
}

function lowerArgs(cx: LowerContext, args: readonly ts.Expression[], params: DType[]): string[] {
  return args.map((a, i) => lowerAs(cx, a, params[i] ?? typeOf(cx, a)));
}

function fnParams(cx: LowerContext, decl: ts.Node): DType[] {
  const ft = cx.sema.declTypes.get(decl);
  if (ft?.k !== "fn") ice(decl, "function without a signature");
  return ft.params;
}

function lowerCall(cx: LowerContext, e: ts.CallExpression): string {
  const info = cx.sema.calls.get(e);
  if (!info) ice(e, "call without resolution");
  switch (info.k) {
    case "direct": {
      const params = fnParams(cx, info.decl);
      const args = lowerArgs(cx, e.arguments, params);
      return call(cx, cx.globalName(info.decl), e.arguments, args, params);
    }
    case "method": {
      const params = fnParams(cx, info.decl);
      const args = lowerArgs(cx, e.arguments, params);
      if (info.isStatic) return call(cx, cx.methodName(info.decl), e.arguments, args, params);
      const obj = (e.expression as ts.PropertyAccessExpression).expression;
      return call(
        cx,
        cx.methodName(info.decl),
        [obj, ...e.arguments],
        [lowerObject(cx, obj), ...args],
        [typeOf(cx, obj), ...params],
      );
    }
    case "indirect": {
      const ft = typeOf(cx, e.expression);
      if (ft.k !== "fn") ice(e, "indirect call of a non-function");
      const args = lowerArgs(cx, e.arguments, ft.params);
      return call(cx, lowerExpr(cx, e.expression), e.arguments, args, ft.params);
    }
    case "conv": {
      const x = lowerExpr(cx, e.arguments[0]);
      if (cx.sema.constValues.has(e.arguments[0]) && sameType(typeOf(cx, e.arguments[0]), info.to))
        return x;
      return `((${ctype(info.to)})${x})`;
    }
    case "ptr":
      return lowerPtrOp(cx, e, info.op);
    case "atomic":
      return lowerAtomicOp(cx, e, info.op, info.orders);
    case "percpu": {
      const v = lowerExpr(cx, (e.expression as ts.PropertyAccessExpression).expression);
      return `KTS_PERCPU(${v})`;
    }
    case "intrinsic":
      return lowerIntrinsic(cx, e, info.name);
  }
}

function receiver(cx: LowerContext, e: ts.CallExpression): string {
  return lowerExpr(cx, (e.expression as ts.PropertyAccessExpression).expression);
}

function lowerPtrOp(cx: LowerContext, e: ts.CallExpression, op: string): string {
  const p = receiver(cx, e);
  const pt = typeOf(cx, (e.expression as ts.PropertyAccessExpression).expression);
  if (pt.k !== "ptr") ice(e, "pointer operation on a non-pointer");
  const a = e.arguments;
  switch (op) {
    case "load":
      return `(*${p})`;
    case "get":
      return `${p}[${lowerIndex(cx, a[0], -1)}]`;
    case "add":
      return `(${p} + ${lowerAs(cx, a[0], { k: "int", name: "usize", bits: 64, signed: false })})`;
    case "loadVolatile":
      return `(*(volatile ${cdecl(pt.elem, "")} *)${p})`;
  }
  ice(e, `pointer operation '${op}' has no value`);
}

function lowerAtomicOp(
  cx: LowerContext,
  e: ts.CallExpression,
  op: string,
  orders: string[],
): string {
  const v = `&${receiver(cx, e)}`;
  const at = typeOf(cx, (e.expression as ts.PropertyAccessExpression).expression);
  if (at.k !== "atomic") ice(e, "atomic operation on a non-atomic");
  // The values; the memory orders after them are in `orders`.
  const values = e.arguments.slice(0, op === "compareExchange" ? 2 : 1);
  const args = values.map((a) => lowerAs(cx, a, at.elem));
  const [S, F] = orders.map((o) => `__ATOMIC_${o}`);
  switch (op) {
    case "load":
      return `__atomic_load_n(${v}, ${S})`;
    case "add":
    case "sub":
    case "and":
    case "or":
      return `__atomic_fetch_${op}(${v}, ${args[0]}, ${S})`;
    case "exchange":
      return `__atomic_exchange_n(${v}, ${args[0]}, ${S})`;
    case "compareExchange":
      // Without orders, the full barrier it always was; with them, the builtin
      // that takes them (and the expected value's address: a compound literal).
      if (e.arguments.length === 2)
        return `__sync_bool_compare_and_swap(${v}, ${args[0]}, ${args[1]})`;
      return `__atomic_compare_exchange_n(${v}, &(${cdecl(at.elem, "")}){${args[0]}}, ${args[1]}, 0, ${S}, ${F})`;
  }
  ice(e, `atomic operation '${op}' has no value`);
}

function typeArgC(cx: LowerContext, e: ts.CallExpression): string {
  const n = e.typeArguments?.[0];
  if (!n) ice(e, "missing type argument");
  const t = typeOf(cx, n);
  // sizeof<Ec>() is the size of the struct, not of the pointer a class value is.
  return t.k === "struct" ? t.name : cdecl(t, "");
}

function lowerIntrinsic(cx: LowerContext, e: ts.CallExpression, name: string): string {
  const a = e.arguments;
  switch (name) {
    case "sizeof":
      return `((uintptr_t)sizeof(${typeArgC(cx, e)}))`;
    case "alignof":
      return `((uintptr_t)_Alignof(${typeArgC(cx, e)}))`;
    case "offsetof":
      return `((uintptr_t)offsetof(${typeArgC(cx, e)}, ${fieldName((a[0] as ts.StringLiteral).text)}))`;
    case "ptrFromVirt": {
      const t = typeOf(cx, e);
      return `((${ctype(t)})(uintptr_t)${lowerExpr(cx, a[0])})`;
    }
    case "strLength":
      return `kts_strlen(${lowerExpr(cx, a[0])})`;
    case "strByte":
      return `((uint8_t)${lowerExpr(cx, a[0])}[${lowerAs(cx, a[1], { k: "int", name: "usize", bits: 64, signed: false })}])`;
    case "strAt":
      return `((const char *)(uintptr_t)${lowerExpr(cx, a[0])})`;
    case "linkerSymbol": {
      const sym = (a[0] as ts.StringLiteral).text;
      cx.externs.add(sym);
      return `((virt_t)(uintptr_t)${sym})`;
    }
    case "structAt":
      return `((${ctype(typeOf(cx, e))})(uintptr_t)${lowerExpr(cx, a[0])})`;
    case "structAddress":
    case "ptrToVirt":
      return `((virt_t)(uintptr_t)${lowerExpr(cx, a[0])})`;
    case "ptrCast":
      return `((${ctype(typeOf(cx, e))})(void *)${lowerExpr(cx, a[0])})`;
    case "arrayPtr":
      return `(&${lowerExpr(cx, a[0])}[0])`;
    case "strFromBytes":
      return `((const char *)${lowerExpr(cx, a[0])})`;
  }
  const decl = cx.sema.resolve(e.expression) as ts.FunctionDeclaration;
  const params = decl.parameters.map((p) => cx.sema.declTypes.get(p));
  const args = a.map((x, i) => {
    const p = params[i];
    return p ? lowerAs(cx, x, p) : lowerExpr(cx, x);
  });
  return `kts_${snake(name)}(${args.join(", ")})`;
}

/** The folded value of a module-level initializer, as C. */
export function lowerConstant(cx: LowerContext, e: ts.Expression, t: DType): string {
  if (t.k === "int") {
    const v = foldTyped(cx.sema, e);
    if (v === undefined) ice(e, "module-level initializer is not constant");
    return literalText(cx, e, v, t);
  }
  if (t.k === "addr" && ts.isCallExpression(e)) {
    const v = foldTyped(cx.sema, e.arguments[0]);
    if (v === undefined) ice(e, "address initializer is not constant");
    return `((${ctype(t)})${cliteral(v, { k: "int", name: "u64", bits: 64, signed: false }, true)})`;
  }
  return lowerExpr(cx, e);
}
