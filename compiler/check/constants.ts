// Constant folding at a given integer type, with the dialect's semantics
// (docs/dialect.md): wrap-around at the type's width, truncating division,
// arithmetic right shift for signed types.

import { ts } from "ts-morph";
import type { Sema } from "./sema.ts";
import { fits, type IntType, wrap } from "./types.ts";

/** Binary integer operators whose result type is the operands' common type. */
export const arithmeticOps: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.PlusToken,
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AmpersandToken,
  ts.SyntaxKind.BarToken,
  ts.SyntaxKind.CaretToken,
]);
/** Shifts: the result has the left operand's type. */
export const shiftOps: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.LessThanLessThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanToken,
]);

/** The value of a numeric literal's text, or undefined if it is not an integer. */
export function parseIntLiteral(text: string): bigint | undefined {
  const t = text.replace(/_/g, "");
  if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t) || /^0[oO][0-7]+$/.test(t))
    return BigInt(t);
  if (/^[0-9]+$/.test(t)) return BigInt(t);
  return undefined;
}

/** Applies a binary integer operator at type t; undefined when it has no defined constant result. */
export function applyBinary(
  op: ts.SyntaxKind,
  a: bigint,
  b: bigint,
  t: IntType,
): bigint | undefined {
  const K = ts.SyntaxKind;
  const mask = BigInt(t.bits - 1);
  switch (op) {
    case K.PlusToken:
      return wrap(a + b, t);
    case K.MinusToken:
      return wrap(a - b, t);
    case K.AsteriskToken:
      return wrap(a * b, t);
    case K.SlashToken:
      return b === 0n ? undefined : wrap(a / b, t);
    case K.PercentToken:
      return b === 0n ? undefined : wrap(a % b, t);
    case K.AmpersandToken:
      return wrap(a & b, t);
    case K.BarToken:
      return wrap(a | b, t);
    case K.CaretToken:
      return wrap(a ^ b, t);
    case K.LessThanLessThanToken:
      return wrap(a << (BigInt.asUintN(64, b) & mask), t);
    case K.GreaterThanGreaterThanToken:
      return wrap(a >> (BigInt.asUintN(64, b) & mask), t);
  }
  return undefined;
}

/**
 * Folds an expression of integer type t, reporting literal-range, shift-count
 * and division-by-zero errors where `report` is set. Identifiers fold when they
 * name an integer constant (enum member, `u32.MAX`, module-level const).
 */
export function foldAt(
  sema: Sema,
  e: ts.Expression,
  t: IntType,
  report: boolean,
): bigint | undefined {
  const K = ts.SyntaxKind;
  const d = sema.diags;
  if (ts.isParenthesizedExpression(e)) return foldAt(sema, e.expression, t, report);
  if (ts.isNumericLiteral(e)) {
    const v = parseIntLiteral(e.text === "" ? e.getText() : e.getText());
    if (v === undefined) {
      if (report) d.at(e, "KTS1207", `'${e.getText()}' is not an integer literal`);
      return undefined;
    }
    if (!fits(v, t)) {
      if (report) d.at(e, "KTS1203", `literal ${e.getText()} does not fit in ${t.name}`);
      return undefined;
    }
    return v;
  }
  if (ts.isPrefixUnaryExpression(e)) {
    // `-5` and `-(5)` are both the literal -5, which must fit the type.
    let operand: ts.Expression = e.operand;
    while (ts.isParenthesizedExpression(operand)) operand = operand.expression;
    if (e.operator === K.MinusToken && ts.isNumericLiteral(operand)) {
      const v = parseIntLiteral(operand.getText());
      if (v === undefined) {
        if (report) d.at(e, "KTS1207", `'${e.getText()}' is not an integer literal`);
        return undefined;
      }
      if (!fits(-v, t)) {
        if (report) d.at(e, "KTS1203", `literal ${e.getText()} does not fit in ${t.name}`);
        return undefined;
      }
      return -v;
    }
    const v = foldAt(sema, e.operand, t, report);
    if (v === undefined) return undefined;
    if (e.operator === K.MinusToken) return wrap(-v, t);
    if (e.operator === K.TildeToken) return wrap(~v, t);
    return undefined;
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    const isShift = op === K.LessThanLessThanToken || op === K.GreaterThanGreaterThanToken;
    const a = foldAt(sema, e.left, t, report);
    const rt = isShift ? sema.typeOf(e.right) : t;
    const b =
      rt && rt.k === "int" ? foldAt(sema, e.right, rt, report) : foldAt(sema, e.right, t, report);
    if (a === undefined || b === undefined) return undefined;
    if (isShift && (b < 0n || b >= BigInt(t.bits))) {
      if (report)
        d.at(
          e.right,
          "KTS1204",
          `shift count ${b} is out of range for ${t.name} (0..${t.bits - 1})`,
        );
      return undefined;
    }
    if ((op === K.SlashToken || op === K.PercentToken) && b === 0n) {
      if (report) d.at(e.right, "KTS1208", "division by constant zero");
      return undefined;
    }
    return applyBinary(op, a, b, t);
  }
  const ref = sema.refs.get(e);
  if (ref?.k === "const") return wrap(ref.value, t);
  return undefined;
}

/** isLiteralOnly's answers, so that the checker asking of every node of a long chain stays linear. */
const literalOnly = new WeakMap<ts.Expression, boolean>();

/** True when e is built from integer literals only (its type comes from the context). */
export function isLiteralOnly(e: ts.Expression): boolean {
  // Post-order over a worklist, not recursion: a flat sum of thousands of terms is a tree that
  // deep. Every inner node's answer is remembered.
  const K = ts.SyntaxKind;
  const known = literalOnly.get(e);
  if (known !== undefined) return known;
  const todo: { x: ts.Expression; expanded: boolean }[] = [{ x: e, expanded: false }];
  while (todo.length) {
    const top = todo[todo.length - 1];
    const x = top.x;
    if (literalOnly.has(x)) {
      todo.pop();
      continue;
    }
    const parts: ts.Expression[] = [];
    let ok = true;
    if (ts.isParenthesizedExpression(x)) parts.push(x.expression);
    else if (ts.isNumericLiteral(x)) ok = true;
    else if (ts.isPrefixUnaryExpression(x)) {
      ok = x.operator === K.MinusToken || x.operator === K.TildeToken;
      parts.push(x.operand);
    } else if (ts.isBinaryExpression(x)) {
      const op = x.operatorToken.kind;
      ok = arithmeticOps.has(op) || shiftOps.has(op);
      parts.push(x.left, x.right);
    } else ok = false;
    if (ok && !top.expanded && parts.length) {
      top.expanded = true;
      for (const p of parts) if (!literalOnly.has(p)) todo.push({ x: p, expanded: false });
      continue;
    }
    todo.pop();
    literalOnly.set(x, ok && parts.every((p) => literalOnly.get(p) === true));
  }
  return literalOnly.get(e)!;
}
