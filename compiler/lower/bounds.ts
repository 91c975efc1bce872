// What the lowering can prove about an index's largest value, so that an
// array access whose index cannot reach the length goes without its run-time
// check (kts_index). The proof uses only facts that hold for every execution:
//
//   - the index's unsigned type: a u8 is at most 255;
//   - `x & c` with a constant c: at most c (either operand);
//   - `x % c` with a constant c > 0: at most c - 1;
//   - `x >> c` with a constant c: x's bound shifted;
//   - a conversion u32(x), usize(x)...: x's bound, if the type keeps it;
//   - a `const` local: its initializer's bound (a const never changes).
//
// Anything else (a `let`, a parameter, arithmetic) is bounded by its type
// only, so every other index keeps its check.

import ts from "typescript";
import type { LowerContext } from "./context.ts";

const K = ts.SyntaxKind;
/** How far through `const` initializers and conversions the proof follows. */
const MAX_DEPTH = 8;

/** The largest value `e` can have, or undefined when it may be negative or unknown. */
export function indexBound(cx: LowerContext, e: ts.Expression, depth = 0): bigint | undefined {
  const t = cx.sema.exprTypes.get(e);
  if (t?.k !== "int" || t.signed) return undefined;
  const typeMax = (1n << BigInt(t.bits)) - 1n;
  const known = cx.sema.constValues.get(e);
  if (known !== undefined) return known >= 0n ? known : undefined;
  if (depth >= MAX_DEPTH) return typeMax;
  const min = (a: bigint, b: bigint | undefined) => (b !== undefined && b < a ? b : a);
  if (ts.isParenthesizedExpression(e)) return min(typeMax, indexBound(cx, e.expression, depth + 1));
  if (ts.isBinaryExpression(e)) {
    const right = cx.sema.constValues.get(e.right);
    switch (e.operatorToken.kind) {
      case K.AmpersandToken: {
        const l = indexBound(cx, e.left, depth + 1);
        const r = indexBound(cx, e.right, depth + 1);
        return min(min(typeMax, l), r);
      }
      case K.PercentToken:
        return right !== undefined && right > 0n ? min(typeMax, right - 1n) : typeMax;
      case K.GreaterThanGreaterThanToken: {
        const l = indexBound(cx, e.left, depth + 1);
        return right !== undefined && right >= 0n && l !== undefined
          ? min(typeMax, l >> right)
          : typeMax;
      }
    }
    return typeMax;
  }
  if (ts.isCallExpression(e) && e.arguments.length === 1 && cx.sema.calls.get(e)?.k === "conv")
    return min(typeMax, indexBound(cx, e.arguments[0], depth + 1));
  if (ts.isIdentifier(e)) {
    const d = cx.sema.resolve(e);
    if (
      d !== undefined &&
      ts.isVariableDeclaration(d) &&
      d.initializer !== undefined &&
      (ts.getCombinedNodeFlags(d) & ts.NodeFlags.Const) !== 0
    )
      return min(typeMax, indexBound(cx, d.initializer, depth + 1));
  }
  return typeMax;
}
