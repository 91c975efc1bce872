// The dialect type of each declaration (variables, parameters, fields,
// functions, methods, classes), computed once and on demand, so a module may
// use what another module declares before that module is checked.

import { ts } from "ts-morph";
import { checkIntrinsicInit } from "./intrinsics.ts";
import { checkExpr, coerce, foldTyped } from "./expressions.ts";
import type { Sema } from "./sema.ts";
import { dtypeOf, dtypeOfNode } from "./typemap.ts";
import { type DType, show } from "./types.ts";

export function isModuleLevel(decl: ts.Node): boolean {
  return ts.isSourceFile(decl.parent?.parent?.parent ?? decl);
}

export function declType(sema: Sema, decl: ts.Node): DType | undefined {
  if (sema.declTypes.has(decl)) return sema.declTypes.get(decl);
  if (sema.inProgress.has(decl)) return undefined; // a cycle; tsc reports it
  sema.inProgress.add(decl);
  const t = computeDeclType(sema, decl);
  sema.inProgress.delete(decl);
  if (t) sema.declTypes.set(decl, t);
  return t;
}

function computeDeclType(sema: Sema, decl: ts.Node): DType | undefined {
  if (ts.isClassDeclaration(decl)) {
    return { k: "struct", name: decl.name?.text ?? "", decl, nullable: false };
  }
  if (ts.isParameter(decl) || ts.isPropertyDeclaration(decl)) {
    if (!decl.type) return undefined;
    const where = ts.isPropertyDeclaration(decl) ? "field" : "param";
    return placed(sema, decl.type, dtypeOfNode(sema, decl.type), where);
  }
  if (ts.isVariableDeclaration(decl)) return checkVariable(sema, decl);
  if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) {
    // Reported as KTS1303; a Promise or Generator result has no dialect type.
    const async = ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Async;
    if (async || decl.asteriskToken) return undefined;
    const params: DType[] = [];
    for (const p of decl.parameters) {
      const pt = declType(sema, p);
      if (!pt) return undefined;
      params.push(pt);
    }
    let ret: DType | undefined;
    if (decl.type) ret = placed(sema, decl.type, dtypeOfNode(sema, decl.type), "result");
    else {
      const sig = sema.checker.getSignatureFromDeclaration(decl);
      ret = sig && valueType(dtypeOf(sema, sig.getReturnType(), decl.name ?? decl));
      const why = ret && misplacedShared(ret, "value");
      if (why) {
        sema.diags.at(decl.name ?? decl, "KTS1103", `the result: ${why}`);
        return undefined;
      }
    }
    return ret && { k: "fn", params, ret };
  }
  return undefined;
}

/** Whether `Inline<S>` appears anywhere but as a field's type (`field`) or as array elements. */
function misplacedInline(t: DType, field: boolean): boolean {
  switch (t.k) {
    case "inline":
      return !field;
    case "arr":
      return misplacedInline(t.elem, true);
    case "ptr":
    case "atomic":
    case "percpu":
      return misplacedInline(t.elem, false);
    case "fn":
      return t.params.some((p) => misplacedInline(p, false)) || misplacedInline(t.ret, false);
    default:
      return false;
  }
}

/**
 * Where a type stands: a struct field or array element ("field"), a parameter ("param"), a
 * function's result ("result"), a local or any other value ("value"), or a module-level
 * variable declared with `atomic()` or `perCpu()` ("static").
 */
type Place = "field" | "param" | "result" | "value" | "static";

/**
 * Why an `Atomic<T>` or `PerCpu<T>` in `t` cannot stand at `where`, or
 * undefined. Both are storage with an identity: as a value they would be
 * copied (an atomic add to a copy changes nothing; a copy of a per-CPU
 * variable on the stack read through GS is another CPU's memory). An atomic
 * lives in a field, an array element or a module-level `atomic()`; per-CPU
 * storage only in a module-level `perCpu()`.
 */
export function misplacedShared(t: DType, where: Place): string | undefined {
  switch (t.k) {
    case "percpu":
      return where === "static"
        ? misplacedShared(t.elem, "value")
        : `'${show(t)}' cannot stand here: per-CPU storage is only a module-level perCpu() variable`;
    case "atomic":
      return where === "value" || where === "param" || where === "result"
        ? `'${show(t)}' would be copied: an atomic is passed and returned inside the object that holds it`
        : misplacedShared(t.elem, "value");
    case "arr":
      return misplacedShared(t.elem, "field");
    case "ptr":
      return t.elem.k === "percpu" ? misplacedShared(t.elem, "field") : undefined;
    case "fn":
      for (const p of [...t.params, t.ret]) {
        const why = misplacedShared(p, "value");
        if (why) return why;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * `Inline<S>` is storage inside a struct or an array; a struct value is already a reference.
 * `Atomic<T>` and `PerCpu<T>` stand where `misplacedShared` allows.
 */
function placed(
  sema: Sema,
  node: ts.TypeNode,
  t: DType | undefined,
  where: Place,
): DType | undefined {
  if (t && misplacedInline(t, where === "field")) {
    sema.diags.at(
      node,
      "KTS1103",
      "Inline<T> is only for fields and array elements; elsewhere a class type is already a reference to the struct",
    );
    return undefined;
  }
  const why = t && (misplacedShared(t, where) ?? misplacedValue(t, where));
  if (why) {
    sema.diags.at(node, "KTS1103", why);
    return undefined;
  }
  return t;
}

/**
 * What C cannot have: an array result (C returns no arrays), an array without a length
 * (`Arr<T, number>`) anywhere but as a parameter (where it is the address of an array of any
 * length), and a `void` or `never` parameter.
 */
function misplacedValue(t: DType, where: Place): string | undefined {
  if (t.k === "arr" && where === "result")
    return `a function cannot return '${show(t)}' (C returns no arrays): fill one the caller passes`;
  if (t.k === "arr" && t.len < 0 && where !== "param")
    return `'${show(t)}' has no length: only a parameter may take an array of any length`;
  if ((t.k === "void" || t.k === "never") && where === "param")
    return `a parameter of type ${t.k} cannot be passed`;
  if (lengthlessInside(t))
    return `'${show(t)}' holds an array without a length: only a parameter itself may take an array of any length`;
  return undefined;
}

/** An `Arr<T, number>` as another type's element or target, which C cannot lay out. */
function lengthlessInside(t: DType): boolean {
  switch (t.k) {
    case "arr":
    case "ptr":
    case "atomic":
    case "percpu":
      return (t.elem.k === "arr" && t.elem.len < 0) || lengthlessInside(t.elem);
    case "fn":
      return t.params.some(lengthlessInside) || lengthlessInside(t.ret);
    default:
      return false;
  }
}

/** The type a value is held in: an embedded struct (`Inline<S>`) is held as a pointer to it. */
function valueType(t: DType | undefined): DType | undefined {
  return t?.k === "inline" ? t.struct : t;
}

/** `const v = atomic(...)` or `perCpu(...)`: the declaration of the storage itself. */
function declaresShared(decl: ts.VariableDeclaration): boolean {
  const init = decl.initializer;
  return (
    !!init &&
    ts.isCallExpression(init) &&
    ts.isIdentifier(init.expression) &&
    (init.expression.text === "atomic" || init.expression.text === "perCpu")
  );
}

/**
 * A `let`/`const` declaration, local or module-level. Module-level ones need
 * a constant initializer (C static storage); integer `const`s are folded.
 */
function checkVariable(sema: Sema, decl: ts.VariableDeclaration): DType | undefined {
  const d = sema.diags;
  if (!ts.isIdentifier(decl.name)) {
    d.at(decl.name, "KTS1309", "destructuring is not part of the dialect");
    return undefined;
  }
  const global = isModuleLevel(decl);
  const declared = decl.type
    ? placed(
        sema,
        decl.type,
        dtypeOfNode(sema, decl.type),
        declaresShared(decl) ? "static" : "value",
      )
    : undefined;
  if (decl.type && !declared) return undefined;
  const init = decl.initializer;
  if (!init) {
    if (!declared) d.at(decl.name, "KTS1104", `'${decl.name.text}' needs a type annotation`);
    return declared;
  }
  const special = checkIntrinsicInit(sema, decl, init, declared, global);
  if (special !== null) return special;

  const t = checkExpr(sema, init, declared);
  if (!t) return declared;
  if (t.k === "lit" && !declared) {
    d.at(
      decl.name,
      "KTS1104",
      `'${decl.name.text}' needs a type annotation: an integer literal has no type of its own`,
    );
    return undefined;
  }
  const final = declared ? coerce(sema, init, t, declared) : valueType(t);
  if (final && (final.k === "void" || final.k === "never")) {
    d.at(init, "KTS1213", `a ${final.k} value cannot be stored`);
    return undefined;
  }
  const why = final && misplacedShared(final, "value");
  if (why) {
    d.at(init, "KTS1314", `'${decl.name.text}': ${why}`);
    return undefined;
  }
  // A fixed array is stored in place: `const b = a` would be a copy C cannot initialize.
  if (final?.k === "arr") {
    d.at(
      init,
      "KTS1314",
      `a whole '${show(final)}' cannot be copied: declare an array with array<T, N>()`,
    );
    return undefined;
  }
  if (!global || !final) return final;

  // `const gdt = new Gdt()` at module level: one zeroed object in static storage.
  if (final.k === "struct" && ts.isNewExpression(init)) {
    sema.staticObjects.add(decl);
    return final;
  }
  const isConst = (decl.parent.flags & ts.NodeFlags.Const) !== 0;
  if (final.k === "int") {
    const v = foldTyped(sema, init);
    if (v === undefined) {
      d.at(init, "KTS1310", "a module-level initializer must be a constant expression");
      return final;
    }
    if (isConst) sema.globalConsts.set(decl, v);
    else sema.constValues.set(init, v);
    return final;
  }
  if (!constantInit(sema, init, final)) {
    d.at(
      init,
      "KTS1310",
      `a module-level initializer must be a constant; '${show(final)}' values are set at run time`,
    );
  }
  return final;
}

/** Whether a module-level initializer of type t is a constant that C static storage can hold. */
export function constantInit(sema: Sema, init: ts.Expression, t: DType): boolean {
  if (t.k === "int") return foldTyped(sema, init) !== undefined;
  if (
    (t.k === "fn" && sema.refs.get(init)?.k === "fn") ||
    init.kind === ts.SyntaxKind.TrueKeyword ||
    init.kind === ts.SyntaxKind.FalseKeyword ||
    init.kind === ts.SyntaxKind.NullKeyword ||
    (t.k === "str" && ts.isStringLiteralLike(init))
  )
    return true;
  return (
    t.k === "addr" &&
    ts.isCallExpression(init) &&
    init.arguments.length === 1 &&
    foldTyped(sema, init.arguments[0]) !== undefined
  );
}
