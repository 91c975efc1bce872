// Deeply nested expressions as flat C. Written as one C expression, every
// level of an expression nests its operands one to five brackets deeper (the
// casts of narrow arithmetic, conditionals, temporaries for the order), and
// clang stops at 256 nested brackets: a sum of 129 `u8` terms, `a + (b + (c +
// …))` 100 deep, or a `?:` ladder of a few hundred rungs. An expression taller
// than TALL is therefore lowered here, operands first, in its own order:
// wherever the C of a part would nest deeper than DEEP brackets, the part is
// evaluated into a temporary first, by a declaration of a statement
// expression; where a part that must run conditionally (the right side of
// `&&` or `||`, the branches of `?:`) needed such declarations, the choice is
// made by `if (…) goto` between them, so the nesting of the C stays bounded
// whatever the nesting of the TypeScript:
//
//   ({ uint8_t kts_t3; if (!(x == 1u)) goto kts_l4; kts_t3 = a; goto kts_l5;
//      kts_l4:; uint8_t kts_t6 = <the next rung>; kts_t3 = kts_t6; kts_l5:; kts_t3; })
//
// An operand evaluated before a part that became declarations is itself
// evaluated first into a temporary unless nothing can change it (order.ts),
// so the order is TypeScript's, and only the chosen branch, or the right side
// that is needed, runs. Below DEEP the C is exactly lowerNode's.

import { ts } from "ts-morph";
import type { DType } from "../check/types.ts";
import type { LowerContext } from "./context.ts";
import { cdecl } from "./ctypes.ts";
import { lowerAs, lowerExpr, lowerNode, typeOf, valueType } from "./expressions.ts";
import { hasEffects, isStable } from "./order.ts";

const K = ts.SyntaxKind;

/** Expressions taller than this (in syntax nodes) are lowered here. */
const TALL = 32;
/** Parts this short are lowered by lowerExpr as they are. */
const SHORT = 8;
/** The C nesting (brackets) beyond which a part is evaluated into a temporary. */
const DEEP = 64;

const heights = new WeakMap<ts.Node, number>();

/** The height of a syntax tree: 1 for a leaf. */
function height(n: ts.Node): number {
  let h = heights.get(n);
  if (h === undefined) {
    let m = 0;
    ts.forEachChild(n, (c) => {
      m = Math.max(m, height(c));
    });
    h = 1 + m;
    heights.set(n, h);
  }
  return h;
}

export function isTall(e: ts.Expression): boolean {
  return height(e) > TALL;
}

/** The deepest nesting of brackets in C text (string literals skipped). */
function nesting(c: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < c.length; i++) {
    const ch = c[i];
    if (ch === "(" || ch === "[" || ch === "{") max = Math.max(max, ++depth);
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (ch === '"') for (i++; i < c.length && c[i] !== '"'; i++) if (c[i] === "\\") i++;
  }
  return max;
}

/** Whether a value of type t can be held in a C temporary of valueType(t). */
function holdable(t: DType | undefined): boolean {
  if (!t) return false;
  return ["int", "bool", "addr", "ptr", "struct", "str", "fn"].includes(t.k);
}

/** C text for a value, and the statements that must run before it, in order. */
interface Flat {
  c: string;
  pre: string[];
}

/** The operands lowerNode reads through lowerExpr, in evaluation order. */
function operands(cx: LowerContext, e: ts.Expression): ts.Expression[] {
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) return [e.expression];
  if (ts.isPrefixUnaryExpression(e)) return [e.operand];
  if (ts.isBinaryExpression(e)) return [e.left, e.right];
  if (ts.isElementAccessExpression(e)) return [e.expression, e.argumentExpression];
  if (ts.isPropertyAccessExpression(e))
    return cx.sema.refs.get(e)?.k === "field" ? [e.expression] : [];
  if (!ts.isCallExpression(e)) return [];
  const info = cx.sema.calls.get(e);
  const args = [...e.arguments];
  const receiver = () => (e.expression as ts.PropertyAccessExpression).expression;
  switch (info?.k) {
    case "direct":
      return args;
    case "method":
      return info.isStatic ? args : [receiver(), ...args];
    case "indirect":
      return [e.expression, ...args];
    case "conv":
      return args.slice(0, 1);
    case "ptr":
    case "atomic":
      return [receiver(), ...args];
    case "intrinsic":
      return ["sizeof", "alignof", "offsetof", "linkerSymbol"].includes(info.name) ? [] : args;
    default:
      return [];
  }
}

/** Lowers e, taller than TALL, as statements and a value of bounded nesting (above). */
export function lowerDeep(cx: LowerContext, e: ts.Expression): string {
  const set: ts.Node[] = [];
  const stand = (n: ts.Node, c: string) => {
    cx.evaluated.set(n, c);
    set.push(n);
  };
  /** A temporary holding c, of e's type, declared at the end of pre. */
  const hold = (n: ts.Expression, c: string, pre: string[]): string => {
    const t = cx.temp();
    pre.push(`${cdecl(valueType(typeOf(cx, n)), t)} = ${c};`);
    return t;
  };
  /**
   * Fixes what n (an operand evaluated before declarations that follow) stands
   * for now: its value in a temporary, or for a place that cannot be one (an
   * atomic, an embedded struct, an array), the values it is reached through.
   */
  const pin = (n: ts.Expression, c: string, pre: string[]): void => {
    if (holdable(cx.sema.exprTypes.get(n))) {
      stand(n, hold(n, c, pre));
      return;
    }
    for (const o of operands(cx, n)) pin(o, cx.evaluated.get(o) ?? lowerExpr(cx, o), pre);
    // Lowered again where it is used, through its pinned operands.
    cx.evaluated.delete(n);
  };

  const flat = (e: ts.Expression): Flat => {
    if (cx.sema.constValues.has(e) || height(e) <= SHORT) return { c: lowerExpr(cx, e), pre: [] };
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === K.AmpersandAmpersandToken || op === K.BarBarToken) return logical(e, op);
    }
    if (ts.isConditionalExpression(e)) return conditional(e);
    const ops = operands(cx, e);
    const parts = ops.map(flat);
    const pre: string[] = [];
    parts.forEach((p, i) => {
      pre.push(...p.pre);
      stand(ops[i], p.c);
      const later = ops.slice(i + 1);
      if (!parts.slice(i + 1).some((q) => q.pre.length)) return;
      const n = ops[i];
      const local = (d: ts.Node) => cx.localName(d) !== undefined;
      if (
        hasEffects(cx.sema, n) ||
        (!isStable(cx.sema, n, local) && later.some((l) => hasEffects(cx.sema, l)))
      )
        pin(n, p.c, pre);
    });
    return bounded(e, lowerNode(cx, e), pre);
  };

  /** c as e's value: in a temporary when it nests too deep. */
  const bounded = (e: ts.Expression, c: string, pre: string[]): Flat => {
    if (nesting(c) <= DEEP || !holdable(cx.sema.exprTypes.get(e))) return { c, pre };
    return { c: hold(e, c, pre), pre };
  };

  /** `a && b`, `a || b`: b's declarations run only when a does not decide. */
  const logical = (e: ts.BinaryExpression, op: ts.SyntaxKind): Flat => {
    const a = flat(e.left);
    const b = flat(e.right);
    stand(e.left, a.c);
    stand(e.right, b.c);
    if (!b.pre.length) return bounded(e, lowerNode(cx, e), a.pre);
    const t = cx.temp();
    const skip = cx.label();
    const test = op === K.AmpersandAmpersandToken ? `!${t}` : t;
    return {
      c: t,
      pre: [
        ...a.pre,
        `bool ${t} = ${a.c};`,
        `if (${test}) goto ${skip};`,
        ...b.pre,
        `${t} = ${b.c};`,
        `${skip}:;`,
      ],
    };
  };

  /** `c ? x : y`: the declarations of the branch chosen, and only those, run. */
  const conditional = (e: ts.ConditionalExpression): Flat => {
    const c = flat(e.condition);
    const x = flat(e.whenTrue);
    const y = flat(e.whenFalse);
    const type = typeOf(cx, e);
    stand(e.condition, c.c);
    const branch = (n: ts.Expression, f: Flat) =>
      stand(n, f.pre.length ? `({ ${f.pre.join(" ")} ${f.c}; })` : f.c);
    if (!x.pre.length && !y.pre.length) {
      stand(e.whenTrue, x.c);
      stand(e.whenFalse, y.c);
      return bounded(e, lowerNode(cx, e), c.pre);
    }
    if (!holdable(type)) {
      branch(e.whenTrue, x);
      branch(e.whenFalse, y);
      return bounded(e, lowerNode(cx, e), c.pre);
    }
    stand(e.whenTrue, x.c);
    stand(e.whenFalse, y.c);
    const t = cx.temp();
    const no = cx.label();
    const end = cx.label();
    return {
      c: t,
      pre: [
        ...c.pre,
        `${cdecl(valueType(type), t)};`,
        `if (!${c.c}) goto ${no};`,
        ...x.pre,
        `${t} = ${lowerAs(cx, e.whenTrue, type)};`,
        `goto ${end};`,
        `${no}:;`,
        ...y.pre,
        `${t} = ${lowerAs(cx, e.whenFalse, type)};`,
        `${end}:;`,
      ],
    };
  };

  const was = cx.deep;
  cx.deep = true;
  try {
    const r = flat(e);
    if (!r.pre.length) return r.c;
    // The value a variable of its own type: a statement expression's value is
    // C's type of its last expression, and `c ? a : b` on `uint8_t` is an `int`.
    const c = /^kts_t\d+$/.test(r.c) || !holdable(typeOf(cx, e)) ? r.c : hold(e, r.c, r.pre);
    return `({ ${r.pre.join(" ")} ${c}; })`;
  } finally {
    cx.deep = was;
    for (const n of set) cx.evaluated.delete(n);
  }
}
