// Statements to C, each with the TypeScript line it came from.

import { ts } from "ts-morph";
import { compoundOps } from "../check/expressions.ts";
import type { DType, IntType } from "../check/types.ts";
import { InternalError } from "../diagnostics.ts";
import type { CStmt } from "./cir.ts";
import type { LowerContext } from "./context.ts";
import { cdecl, cint, cstring } from "./ctypes.ts";
import { fieldName } from "./names.ts";
import { hasEffects, isStable } from "./order.ts";
import {
  arith,
  lowerAs,
  lowerExpr,
  lowerIndex,
  lowerShiftCount,
  typeOf,
  where,
} from "./expressions.ts";

const K = ts.SyntaxKind;

/** Statements that become one C block's body (so their declarations are scoped to it). */
export function lowerBlock(cx: LowerContext, sts: readonly ts.Statement[]): CStmt[] {
  const out: CStmt[] = [];
  for (const st of sts) lowerStatement(cx, st, out);
  return out;
}

/** A condition without the outer parentheses its expression text carries. */
function cond(c: string): string {
  if (!c.startsWith("(") || !c.endsWith(")") || c.startsWith("({")) return c;
  let depth = 0;
  for (let i = 0; i < c.length; i++) {
    if (c[i] === "(") depth++;
    else if (c[i] === ")") depth--;
    if (depth === 0 && i < c.length - 1) return c;
  }
  return c.slice(1, -1);
}

function simple(cx: LowerContext, n: ts.Node, code: string): CStmt {
  return { k: "simple", line: cx.line(n), code };
}

/** The zero value a C declaration starts with. */
function zeroOf(t: DType): string {
  switch (t.k) {
    case "arr":
    case "inline":
      return "{0}";
    case "bool":
      return "false";
    case "ptr":
    case "struct":
    case "str":
    case "fn":
      return "NULL";
    default:
      return "0";
  }
}

function lowerVarDecl(cx: LowerContext, decl: ts.VariableDeclaration): CStmt {
  const t = cx.sema.declTypes.get(decl);
  if (!t) throw new InternalError("local without a type", cx.file);
  const name = cx.declaredName(decl);
  const init = decl.initializer;
  const isArrayInit = t.k === "arr";
  const value = init && !isArrayInit ? lowerAs(cx, init, t) : zeroOf(t);
  return simple(cx, decl, `${cdecl(t, name)} = ${value};`);
}

function lowerStatement(cx: LowerContext, st: ts.Statement, out: CStmt[]): void {
  switch (st.kind) {
    case K.Block:
      out.push({
        k: "block",
        line: cx.line(st),
        head: "",
        body: lowerBlock(cx, (st as ts.Block).statements),
      });
      return;
    case K.EmptyStatement:
      return;
    case K.VariableStatement:
      for (const d of (st as ts.VariableStatement).declarationList.declarations)
        out.push(lowerVarDecl(cx, d));
      return;
    case K.ExpressionStatement:
      out.push(...lowerEffect(cx, (st as ts.ExpressionStatement).expression));
      return;
    case K.IfStatement: {
      let s: ts.IfStatement = st as ts.IfStatement;
      out.push({
        k: "block",
        line: cx.line(s),
        head: `if (${cond(lowerExpr(cx, s.expression))})`,
        body: body(cx, s.thenStatement),
      });
      while (s.elseStatement) {
        const e = s.elseStatement;
        if (ts.isIfStatement(e)) {
          out.push({
            k: "block",
            line: cx.line(e),
            head: `else if (${cond(lowerExpr(cx, e.expression))})`,
            body: body(cx, e.thenStatement),
          });
          s = e;
        } else {
          out.push({ k: "block", line: cx.line(e), head: "else", body: body(cx, e) });
          break;
        }
      }
      return;
    }
    case K.WhileStatement: {
      const s = st as ts.WhileStatement;
      out.push({
        k: "block",
        line: cx.line(s),
        head: `while (${cond(lowerExpr(cx, s.expression))})`,
        body: body(cx, s.statement),
      });
      return;
    }
    case K.DoStatement: {
      const s = st as ts.DoStatement;
      out.push({
        k: "block",
        line: cx.line(s),
        head: "do",
        body: body(cx, s.statement),
        tail: `while (${cond(lowerExpr(cx, s.expression))});`,
      });
      return;
    }
    case K.ForStatement:
      return lowerFor(cx, st as ts.ForStatement, out);
    case K.ReturnStatement: {
      const s = st as ts.ReturnStatement;
      if (!s.expression) {
        out.push(simple(cx, s, "return;"));
        return;
      }
      const fn = ts.findAncestor(
        s,
        (n) => ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n),
      );
      const ft = fn && cx.sema.declTypes.get(fn);
      const ret = ft?.k === "fn" ? ft.ret : typeOf(cx, s.expression);
      out.push(simple(cx, s, `return ${lowerAs(cx, s.expression, ret)};`));
      return;
    }
    case K.BreakStatement:
      out.push(simple(cx, st, "break;"));
      return;
    case K.ContinueStatement:
      out.push(simple(cx, st, "continue;"));
      return;
    case K.SwitchStatement: {
      const s = st as ts.SwitchStatement;
      const t = typeOf(cx, s.expression);
      const inner: CStmt[] = [];
      for (const c of s.caseBlock.clauses) {
        const label = ts.isCaseClause(c) ? `case ${lowerAs(cx, c.expression, t)}:` : "default:";
        inner.push({ k: "label", line: cx.line(c), code: label });
        // Each clause in braces so declarations in it are legal C.
        if (c.statements.length)
          inner.push({
            k: "block",
            line: cx.line(c.statements[0]),
            head: "",
            body: lowerBlock(cx, c.statements),
          });
      }
      out.push({
        k: "block",
        line: cx.line(s),
        head: `switch (${cond(lowerExpr(cx, s.expression))})`,
        body: inner,
      });
      return;
    }
  }
  throw new InternalError(`cannot lower statement ${K[st.kind]}`, cx.file);
}

function body(cx: LowerContext, st: ts.Statement): CStmt[] {
  return ts.isBlock(st) ? lowerBlock(cx, st.statements) : lowerBlock(cx, [st]);
}

function lowerFor(cx: LowerContext, s: ts.ForStatement, out: CStmt[]): void {
  let init = "";
  const pre: CStmt[] = [];
  if (s.initializer) {
    if (ts.isVariableDeclarationList(s.initializer)) {
      const decls = s.initializer.declarations.map((d) => lowerVarDecl(cx, d));
      if (decls.length === 1) init = (decls[0] as { code: string }).code.replace(/;$/, "");
      else pre.push(...decls);
    } else {
      const effects = lowerEffect(cx, s.initializer);
      if (effects.length === 1 && effects[0].k === "simple")
        init = effects[0].code.replace(/;$/, "");
      else pre.push(...effects);
    }
  }
  const test = s.condition ? cond(lowerExpr(cx, s.condition)) : "";
  let step = "";
  if (s.incrementor) {
    const effects = lowerEffect(cx, s.incrementor);
    if (effects.length !== 1 || effects[0].k !== "simple")
      throw new InternalError("for-loop step is not one C expression", cx.file);
    step = effects[0].code.replace(/;$/, "");
  }
  const loop: CStmt = {
    k: "block",
    line: cx.line(s),
    head: `for (${init}; ${test}; ${step})`,
    body: body(cx, s.statement),
  };
  if (pre.length) out.push({ k: "block", line: cx.line(s), head: "", body: [...pre, loop] });
  else out.push(loop);
}

/** True when evaluating e twice is the same as evaluating it once. */
function pure(e: ts.Expression): boolean {
  if (ts.isIdentifier(e) || e.kind === K.ThisKeyword || ts.isNumericLiteral(e)) return true;
  if (ts.isPropertyAccessExpression(e)) return pure(e.expression);
  if (ts.isElementAccessExpression(e)) return pure(e.expression) && pure(e.argumentExpression);
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) return pure(e.expression);
  return false;
}

/**
 * `x op= y`, `x++`, `x = y` as C. Read-modify-write of an lvalue with side
 * effects goes through a pointer so the lvalue is evaluated once.
 */
/**
 * The target of an assignment with its object and index evaluated now, before
 * the value (TypeScript's order): unstable parts go into temporaries in `pre`,
 * and `lv` names the same storage without re-evaluating them.
 */
function pinTarget(cx: LowerContext, e: ts.Expression, at: ts.Node, pre: CStmt[]): string {
  const local = (d: ts.Node) => cx.localName(d) !== undefined;
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e))
    return pinTarget(cx, e.expression, at, pre);
  if (ts.isPropertyAccessExpression(e) && cx.sema.refs.get(e)?.k === "field") {
    const base = e.expression;
    const field = fieldName(e.name.text);
    const bt = typeOf(cx, base);
    if (bt.k === "inline" && ts.isPropertyAccessExpression(base))
      return `${pinTarget(cx, base, at, pre)}.${field}`;
    if (isStable(cx.sema, base, local)) return `${lowerExpr(cx, base)}->${field}`;
    // An inline struct (an array element, a call's result) lowers to its address: the
    // temporary is a pointer to it.
    const tmp = cx.temp();
    const tmpType = bt.k === "inline" ? bt.struct : bt;
    pre.push(simple(cx, at, `${cdecl(tmpType, tmp)} = ${lowerExpr(cx, base)};`));
    return `${tmp}->${field}`;
  }
  if (ts.isElementAccessExpression(e)) {
    const at2 = typeOf(cx, e.expression);
    const base = pinTarget(cx, e.expression, at, pre);
    const ix = e.argumentExpression;
    if (cx.sema.constValues.has(ix) || isStable(cx.sema, ix, local))
      return `${base}[${lowerIndex(cx, ix, at2.k === "arr" ? at2.len : -1)}]`;
    const tmp = cx.temp();
    pre.push(
      simple(cx, at, `uintptr_t ${tmp} = ${lowerIndex(cx, ix, at2.k === "arr" ? at2.len : -1)};`),
    );
    return `${base}[${tmp}]`;
  }
  return lowerExpr(cx, e);
}

/** A statement list as one C statement. */
function block(cx: LowerContext, at: ts.Node, body: CStmt[]): CStmt[] {
  return body.length === 1 ? body : [{ k: "block", line: cx.line(at), head: "", body }];
}

/**
 * `x op= y`, `x++`: read-modify-write of the target, which is evaluated once;
 * when `rhs` may have a side effect, the target is read before it.
 */
function readModifyWrite(
  cx: LowerContext,
  at: ts.Node,
  target: ts.Expression,
  compute: (current: string) => string,
  rhs?: ts.Expression,
): CStmt[] {
  const t = typeOf(cx, target);
  const readFirst = rhs !== undefined && hasEffects(cx.sema, rhs);
  const pre: CStmt[] = [];
  const lv = pure(target) && !readFirst ? lowerExpr(cx, target) : pinTarget(cx, target, at, pre);
  if (!readFirst) return block(cx, at, [...pre, simple(cx, at, `${lv} = ${compute(lv)};`)]);
  const cur = cx.temp();
  pre.push(simple(cx, at, `${cdecl(t, cur)} = ${lv};`), simple(cx, at, `${lv} = ${compute(cur)};`));
  return block(cx, at, pre);
}

/** `target = value`, with the target's object and index evaluated before the value. */
function assign(cx: LowerContext, e: ts.BinaryExpression): CStmt[] {
  const t = typeOf(cx, e.left);
  const pre: CStmt[] = [];
  const lv = hasEffects(cx.sema, e.right) ? pinTarget(cx, e.left, e, pre) : lowerExpr(cx, e.left);
  pre.push(simple(cx, e, `${lv} = ${lowerAs(cx, e.right, t)};`));
  return block(cx, e, pre);
}

export function lowerEffect(cx: LowerContext, e: ts.Expression): CStmt[] {
  if (ts.isParenthesizedExpression(e)) return lowerEffect(cx, e.expression);
  if (ts.isCallExpression(e)) return lowerCallStatement(cx, e);
  if (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) {
    const t = typeOf(cx, e.operand) as IntType;
    const op = e.operator === K.PlusPlusToken ? K.PlusToken : K.MinusToken;
    if (!t.signed && t.bits >= 32 && pure(e.operand))
      return [simple(cx, e, `${lowerExpr(cx, e.operand)}${op === K.PlusToken ? "++" : "--"};`)];
    return readModifyWrite(cx, e, e.operand, (cur) => arith(cx, op, t, cur, `1`, true, e));
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === K.EqualsToken) return assign(cx, e);
    const base = compoundOps.get(op);
    if (base !== undefined) {
      const t = typeOf(cx, e.left);
      const safe = cx.sema.safeRhs.has(e);
      if (t.k === "addr") {
        const sym = e.operatorToken.getText().slice(0, -1);
        const rhs = `((uint64_t)${lowerExpr(cx, e.right)})`;
        return readModifyWrite(cx, e, e.left, (cur) => `(${cur} ${sym} ${rhs})`, e.right);
      }
      const it = t as IntType;
      const isShift = base === K.LessThanLessThanToken || base === K.GreaterThanGreaterThanToken;
      const rhs = isShift ? lowerShiftCount(cx, e.right) : lowerAs(cx, e.right, it);
      return readModifyWrite(
        cx,
        e,
        e.left,
        (cur) => arith(cx, base, it, cur, rhs, safe, e),
        e.right,
      );
    }
  }
  throw new InternalError(`cannot lower expression statement ${K[e.kind]}`, cx.file);
}

/** Calls whose lowering is a statement: stores, logging, assertions. */
function lowerCallStatement(cx: LowerContext, e: ts.CallExpression): CStmt[] {
  const info = cx.sema.calls.get(e);
  if (
    info?.k === "ptr" &&
    (info.op === "store" || info.op === "set" || info.op === "storeVolatile")
  ) {
    const pa = e.expression as ts.PropertyAccessExpression;
    const pt = typeOf(cx, pa.expression);
    if (pt.k !== "ptr") throw new InternalError("store through a non-pointer", cx.file);
    const p = lowerExpr(cx, pa.expression);
    if (info.op === "store")
      return [simple(cx, e, `*${p} = ${lowerAs(cx, e.arguments[0], pt.elem)};`)];
    if (info.op === "storeVolatile")
      return [
        simple(
          cx,
          e,
          `*(volatile ${cdecl(pt.elem, "")} *)${p} = ${lowerAs(cx, e.arguments[0], pt.elem)};`,
        ),
      ];
    return [
      simple(
        cx,
        e,
        `${p}[${lowerIndex(cx, e.arguments[0], -1)}] = ${lowerAs(cx, e.arguments[1], pt.elem)};`,
      ),
    ];
  }
  if (info?.k === "atomic" && info.op === "store") {
    const pa = e.expression as ts.PropertyAccessExpression;
    const at = typeOf(cx, pa.expression);
    const elem = at.k === "atomic" ? at.elem : at;
    return [
      simple(
        cx,
        e,
        `__atomic_store_n(&${lowerExpr(cx, pa.expression)}, ${lowerAs(cx, e.arguments[0], elem)}, __ATOMIC_${info.orders[0]});`,
      ),
    ];
  }
  if (info?.k === "percpu" && info.op === "set") {
    const pa = e.expression as ts.PropertyAccessExpression;
    const pt = typeOf(cx, pa.expression);
    const elem = pt.k === "percpu" ? pt.elem : pt;
    return [
      simple(
        cx,
        e,
        `KTS_PERCPU(${lowerExpr(cx, pa.expression)}) = ${lowerAs(cx, e.arguments[0], elem)};`,
      ),
    ];
  }
  if (info?.k === "intrinsic") {
    const a = e.arguments;
    switch (info.name) {
      case "log":
        return [simple(cx, e, `{ kts_log_begin(); ${message(cx, a[0])} kts_log_end(); }`)];
      case "panic":
        if (ts.isStringLiteralLike(a[0]))
          return [simple(cx, e, `kts_panic(${where(cx, e)}, ${cstring(a[0].text)});`)];
        return [
          simple(
            cx,
            e,
            `{ kts_panic_begin(); ${message(cx, a[0])} kts_panic_end(${where(cx, e)}); }`,
          ),
        ];
      case "assert": {
        const cond = lowerExpr(cx, a[0]);
        const text = `assertion failed: ${a[0].getText()}`;
        if (!a[1] || ts.isStringLiteralLike(a[1])) {
          const msg = a[1] && ts.isStringLiteralLike(a[1]) ? `${text}: ${a[1].text}` : text;
          return [simple(cx, e, `if (!${cond}) kts_panic(${where(cx, e)}, ${cstring(msg)});`)];
        }
        return [
          simple(
            cx,
            e,
            `if (!${cond}) { kts_panic_begin(); kts_log_str(${cstring(text + ": ")}); ${message(cx, a[1])} kts_panic_end(${where(cx, e)}); }`,
          ),
        ];
      }
    }
  }
  return [simple(cx, e, `${lowerExpr(cx, e)};`)];
}

/** The pieces of a log/panic message as runtime formatting calls. */
function message(cx: LowerContext, m: ts.Expression): string {
  if (ts.isStringLiteralLike(m)) return m.text ? `kts_log_str(${cstring(m.text)});` : "";
  if (!ts.isTemplateExpression(m)) return `kts_log_str(${lowerExpr(cx, m)});`;
  const parts: string[] = [];
  if (m.head.text) parts.push(`kts_log_str(${cstring(m.head.text)});`);
  for (const span of m.templateSpans) {
    parts.push(formatValue(cx, span.expression));
    if (span.literal.text) parts.push(`kts_log_str(${cstring(span.literal.text)});`);
  }
  return parts.join(" ");
}

function formatValue(cx: LowerContext, x: ts.Expression): string {
  const t = typeOf(cx, x);
  const c = () => lowerExpr(cx, x);
  switch (t.k) {
    case "fmt": {
      // hex() shows the value's own bits: hex(i8(-1)) is 0xff, not 64 sign-extended bits.
      const arg = (x as ts.CallExpression).arguments[0];
      const at = typeOf(cx, arg);
      const bits = at.k === "int" && at.signed && at.bits < 64 ? `(uint${at.bits}_t)` : "";
      return `kts_log_hex((uint64_t)${bits}${lowerExpr(cx, arg)});`;
    }
    case "int":
      return t.signed ? `kts_log_i64((int64_t)${c()});` : `kts_log_u64((uint64_t)${c()});`;
    case "addr":
      return `kts_log_hex(${c()});`;
    case "bool":
      return `kts_log_bool(${c()});`;
    case "str":
      return `kts_log_str(${c()});`;
    default:
      return `kts_log_ptr((const void *)${c()});`;
  }
}

export { cint };
