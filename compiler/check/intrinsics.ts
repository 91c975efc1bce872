// Calls to the prelude's functions: conversions, logging, layout queries,
// pointer reinterpretation and the hardware intrinsics.

import { ts } from "ts-morph";
import { checkArgs, checkExpr, checkValue, coerce, resolveLit } from "./expressions.ts";
import type { Sema } from "./sema.ts";
import { constantInit, declType, misplacedShared } from "./declarations.ts";
import { dtypeOfNode } from "./typemap.ts";
import { BOOL, type DType, intType, isIntName, show, STR, U64, USIZE, VOID } from "./types.ts";

const declarationOnly = new Set(["array", "atomic", "perCpu"]);

function typeArg(sema: Sema, e: ts.CallExpression, i: number): DType | undefined {
  const n = e.typeArguments?.[i];
  if (!n) {
    sema.diags.at(e, "KTS1316", `'${e.expression.getText()}' needs an explicit type argument`);
    return undefined;
  }
  const t = dtypeOfNode(sema, n);
  if (t) sema.exprTypes.set(n, t);
  return t;
}

/** The message of log/panic/assert: a string literal or a template whose parts have a format. */
export function checkMessage(sema: Sema, m: ts.Expression): void {
  if (ts.isStringLiteralLike(m)) {
    sema.exprTypes.set(m, STR);
    return;
  }
  if (!ts.isTemplateExpression(m)) {
    const t = checkValue(sema, m);
    if (t && t.k !== "str") sema.diags.at(m, "KTS1201", `a message is a string, not '${show(t)}'`);
    return;
  }
  sema.exprTypes.set(m, STR);
  for (const span of m.templateSpans) {
    const x = span.expression;
    if (ts.isCallExpression(x) && ts.isIdentifier(x.expression) && x.expression.text === "hex") {
      const decl = sema.resolve(x.expression);
      if (decl && sema.isPreludeNode(decl)) {
        const t = checkValue(sema, x.arguments[0], U64);
        if (t && t.k !== "int" && t.k !== "addr")
          sema.diags.at(x, "KTS1213", `hex() formats integers and addresses, not '${show(t)}'`);
        sema.calls.set(x, { k: "intrinsic", name: "hex" });
        sema.exprTypes.set(x, { k: "fmt" });
        continue;
      }
    }
    const t = checkValue(sema, x);
    if (!t) continue;
    const ok = ["int", "addr", "bool", "str", "ptr", "struct"].includes(t.k);
    if (!ok) sema.diags.at(x, "KTS1213", `'${show(t)}' has no log format`);
  }
}

export function checkIntrinsicCall(
  sema: Sema,
  e: ts.CallExpression,
  name: string,
  expected?: DType,
): DType | undefined {
  const d = sema.diags;
  sema.calls.set(e, { k: "intrinsic", name });
  const arg0 = e.arguments[0];
  if (isIntName(name) || name === "phys" || name === "virt") {
    const to: DType = isIntName(name)
      ? intType(name)
      : { k: "addr", name: name === "phys" ? "Phys" : "Virt" };
    sema.calls.set(e, { k: "conv", to });
    const t = checkExpr(sema, arg0, to.k === "int" ? to : U64);
    if (!t) return to;
    if (t.k === "lit") resolveLit(sema, arg0, to.k === "int" ? to : U64);
    else if (to.k === "addr") {
      if (t.k !== "int" || t.signed || !(t.bits <= 64))
        d.at(arg0, "KTS1212", `${name}() takes an unsigned integer, not '${show(t)}'`);
    } else if (t.k !== "int" && t.k !== "addr") {
      d.at(arg0, "KTS1213", `${name}() converts integers and addresses, not '${show(t)}'`);
    }
    return to;
  }
  if (declarationOnly.has(name)) {
    d.at(e, "KTS1316", `${name}() is only allowed as the initializer of a declaration`);
    return undefined;
  }
  switch (name) {
    case "assert":
      if (arg0) coerce(sema, arg0, checkValue(sema, arg0, BOOL), BOOL);
      if (e.arguments[1]) checkMessage(sema, e.arguments[1]);
      return VOID;
    case "panic":
    case "log":
      if (arg0) checkMessage(sema, arg0);
      return name === "panic" ? { k: "never" } : VOID;
    case "hex":
      d.at(e, "KTS1316", "hex() is only allowed inside a log/panic template");
      return undefined;
    case "layout":
      d.at(e, "KTS1316", "layout() is only allowed as a module-level statement");
      return undefined;
    case "sizeof":
    case "alignof": {
      const t = typeArg(sema, e, 0);
      // C has no size for void (gcc calls it 1, clang -Werror rejects it) and none for never,
      // nor for an array of no length.
      if (t && (t.k === "void" || t.k === "never" || (t.k === "arr" && t.len < 0)))
        d.at(e, "KTS1316", `${name}<${show(t)}>() has no value: the type has no size`);
      return USIZE;
    }
    case "offsetof": {
      const t = typeArg(sema, e, 0);
      if (t && t.k !== "struct") d.at(e, "KTS1316", "offsetof<T>() takes a struct class");
      if (!arg0 || !ts.isStringLiteral(arg0))
        d.at(e, "KTS1316", "offsetof<T>() takes a field name literal");
      return USIZE;
    }
    case "ptrFromVirt": {
      const t = typeArg(sema, e, 0);
      checkArgs(sema, e, [{ k: "addr", name: "Virt" }]);
      return t && { k: "ptr", elem: t, nullable: false };
    }
    case "strLength":
      checkArgs(sema, e, [STR]);
      return USIZE;
    case "strByte":
      checkArgs(sema, e, [STR, USIZE]);
      return intType("u8");
    case "strAt":
      checkArgs(sema, e, [{ k: "addr", name: "Virt" }]);
      return STR;
    case "linkerSymbol":
      if (!arg0 || !ts.isStringLiteral(arg0) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(arg0.text))
        d.at(e, "KTS1316", "linkerSymbol() takes a string literal naming a C identifier");
      else sema.exprTypes.set(arg0, STR);
      return { k: "addr", name: "Virt" };
    case "structAt": {
      const t = typeArg(sema, e, 0);
      checkArgs(sema, e, [{ k: "addr", name: "Virt" }]);
      if (t && t.k !== "struct") {
        d.at(e, "KTS1316", "structAt<T>() takes a struct class");
        return undefined;
      }
      return t;
    }
    case "structAddress": {
      const st = checkValue(sema, arg0);
      if (st && st.k !== "struct" && st.k !== "inline")
        d.at(arg0, "KTS1316", `structAddress() takes a struct, not '${show(st)}'`);
      return { k: "addr", name: "Virt" };
    }
    case "ptrCast": {
      const t = typeArg(sema, e, 0);
      const pt = checkValue(sema, arg0);
      if (pt && pt.k !== "ptr") d.at(arg0, "KTS1316", `ptrCast() takes a Ptr, not '${show(pt)}'`);
      return t && { k: "ptr", elem: t, nullable: false };
    }
    case "ptrToVirt": {
      const pt = checkValue(sema, arg0);
      if (pt && pt.k !== "ptr") d.at(arg0, "KTS1316", `ptrToVirt() takes a Ptr, not '${show(pt)}'`);
      return { k: "addr", name: "Virt" };
    }
    case "arrayPtr":
    case "strFromBytes": {
      const at = checkValue(sema, arg0);
      if (at && at.k !== "arr") {
        d.at(arg0, "KTS1316", `${name}() takes a fixed array, not '${show(at)}'`);
        return undefined;
      }
      if (name === "strFromBytes") return STR;
      return at && at.k === "arr" ? { k: "ptr", elem: at.elem, nullable: false } : undefined;
    }
  }
  // The plain hardware intrinsics: parameter types straight from the prelude.
  const decl = sema.resolve(e.expression) as ts.FunctionDeclaration;
  const params = decl.parameters.map((p) => declType(sema, p));
  checkArgs(sema, e, params);
  void expected;
  return decl.type ? dtypeOfNode(sema, decl.type) : VOID;
}

/**
 * `array<T, N>()`, `atomic(v)` and `perCpu(v)` as a declaration's initializer.
 * Returns null when the initializer is not one of them.
 */
export function checkIntrinsicInit(
  sema: Sema,
  decl: ts.VariableDeclaration,
  init: ts.Expression,
  declared: DType | undefined,
  global: boolean,
): DType | undefined | null {
  if (!ts.isCallExpression(init) || !ts.isIdentifier(init.expression)) return null;
  const name = init.expression.text;
  const target = sema.resolve(init.expression);
  if (!target || !sema.isPreludeNode(target) || !declarationOnly.has(name)) return null;
  const d = sema.diags;
  sema.calls.set(init, { k: "intrinsic", name });
  if (name === "array") {
    const elem = typeArg(sema, init, 0);
    const n = init.typeArguments?.[1];
    const len =
      n && ts.isLiteralTypeNode(n) && ts.isNumericLiteral(n.literal) ? Number(n.literal.text) : -1;
    if (len <= 0) d.at(init, "KTS1316", "array<T, N>() needs a positive literal length N");
    const why = elem && misplacedShared(elem, "field");
    if (why) {
      d.at(init, "KTS1103", `the elements: ${why}`);
      return undefined;
    }
    const t: DType | undefined = elem && { k: "arr", elem, len };
    if (t) sema.exprTypes.set(init, t);
    return t;
  }
  if (!global) {
    d.at(init, "KTS1316", `${name}() declares a module-level variable`);
    return undefined;
  }
  const elemDeclared =
    declared && (declared.k === "atomic" || declared.k === "percpu")
      ? declared.elem
      : init.typeArguments?.length
        ? typeArg(sema, init, 0)
        : undefined;
  const arg = init.arguments[0];
  let elem = checkExpr(sema, arg, elemDeclared);
  if (elem?.k === "lit" && !elemDeclared) {
    d.at(
      decl.name,
      "KTS1104",
      `'${decl.name.getText()}' needs a type: ${name}<u32>(0) or a ${name === "atomic" ? "Atomic" : "PerCpu"}<u32> annotation`,
    );
    return undefined;
  }
  // The declared element type, not the initial value's (`atomic<Ec | null>(null)`).
  if (elemDeclared) elem = coerce(sema, arg, elem, elemDeclared);
  if (!elem) return undefined;
  if (!constantInit(sema, arg, elem))
    d.at(arg, "KTS1310", `the initial value of ${name}() must be a constant`);
  const t: DType = name === "atomic" ? { k: "atomic", elem } : { k: "percpu", elem };
  sema.exprTypes.set(init, t);
  return t;
}
