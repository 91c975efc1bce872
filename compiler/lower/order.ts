// Left-to-right evaluation, as TypeScript defines it, in C, which leaves the
// order of operands and arguments unspecified. When a later operand may have
// a side effect (a call) and an earlier one reads state that side effect
// could change, or an earlier one has a side effect that could change what a
// later one reads, the earlier one is evaluated first into a temporary (a GNU
// statement expression, which gcc and clang both accept under -std=c11).

import { ts } from "ts-morph";
import type { Sema } from "../check/sema.ts";

/** Intrinsics without side effects on anything the program can read. */
const pureIntrinsics = new Set([
  "sizeof",
  "alignof",
  "offsetof",
  "hex",
  "ptrFromVirt",
  "ptrToVirt",
  "ptrCast",
  "arrayPtr",
  "strFromBytes",
  "structAt",
  "structAddress",
  "strLength",
  "strByte",
  "strAt",
  "linkerSymbol",
]);

/** Whether evaluating e may change program state (it contains a call that is not pure). */
export function hasEffects(sema: Sema, e: ts.Node): boolean {
  if (ts.isCallExpression(e)) {
    const c = sema.calls.get(e);
    const pure =
      c?.k === "conv" ||
      (c?.k === "intrinsic" && pureIntrinsics.has(c.name)) ||
      (c?.k === "ptr" && (c.op === "load" || c.op === "get" || c.op === "add")) ||
      (c?.k === "atomic" && c.op === "load") ||
      (c?.k === "percpu" && c.op === "get");
    if (!pure) return true;
  }
  return ts.forEachChild(e, (child) => (hasEffects(sema, child) ? true : undefined)) ?? false;
}

/**
 * Whether e's value cannot be changed by a call made after it is read:
 * literals, constants, and locals and parameters (the dialect never gives a
 * callee the address of a scalar local), combined by operators.
 */
export function isStable(sema: Sema, e: ts.Expression, isLocal: (d: ts.Node) => boolean): boolean {
  if (sema.constValues.has(e)) return true;
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e))
    return isStable(sema, e.expression, isLocal);
  if (ts.isNumericLiteral(e) || ts.isStringLiteralLike(e) || e.kind === ts.SyntaxKind.TrueKeyword)
    return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return true;
  if (e.kind === ts.SyntaxKind.ThisKeyword) return true;
  const ref = sema.refs.get(e);
  if (ref?.k === "const" || ref?.k === "fn") return true;
  if (ref?.k === "var") {
    // Locals and parameters, and module-level consts (static objects included): nothing a callee does changes them.
    const d = ref.decl;
    return (
      isLocal(d) || (ts.isVariableDeclaration(d) && (d.parent.flags & ts.NodeFlags.Const) !== 0)
    );
  }
  if (ts.isPrefixUnaryExpression(e)) return isStable(sema, e.operand, isLocal);
  if (ts.isBinaryExpression(e))
    return isStable(sema, e.left, isLocal) && isStable(sema, e.right, isLocal);
  if (ts.isCallExpression(e) && sema.calls.get(e)?.k === "conv")
    return e.arguments.every((a) => isStable(sema, a, isLocal));
  return false;
}

/**
 * Whether `earlier` must be evaluated into a temporary before `later` is
 * evaluated, in an operation C leaves unsequenced: `later` may change what
 * `earlier` reads, or `earlier` may change what `later` reads (`f(bump(), g)`).
 * For an array expression before its index (`place`), what `earlier` reads
 * is the array's address.
 */
export function mustPrecede(
  sema: Sema,
  earlier: ts.Expression,
  later: ts.Expression,
  isLocal: (d: ts.Node) => boolean,
  place = false,
): boolean {
  if (hasEffects(sema, later))
    return place ? !isStablePlace(sema, earlier, isLocal) : !isStable(sema, earlier, isLocal);
  return hasEffects(sema, earlier) && !isStable(sema, later, isLocal);
}

/**
 * Whether the place an array expression names (its address, not its
 * elements) cannot be changed by a call: a module-level or local array, or
 * one reached from stable values.
 */
function isStablePlace(sema: Sema, e: ts.Expression, isLocal: (d: ts.Node) => boolean): boolean {
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e))
    return isStablePlace(sema, e.expression, isLocal);
  if (ts.isIdentifier(e)) return true;
  const inner = (o: ts.Expression) =>
    sema.exprTypes.get(o)?.k === "inline" || sema.exprTypes.get(o)?.k === "arr"
      ? isStablePlace(sema, o, isLocal)
      : isStable(sema, o, isLocal);
  if (ts.isPropertyAccessExpression(e)) return inner(e.expression);
  if (ts.isElementAccessExpression(e))
    return inner(e.expression) && isStable(sema, e.argumentExpression, isLocal);
  return false;
}
