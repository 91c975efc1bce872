// Phase 3, lower: one checked TypeScript module to one C module description.

import { ts } from "ts-morph";
import { isInline, isNoinline } from "../check/inline.ts";
import type { Sema } from "../check/sema.ts";
import type { DType } from "../check/types.ts";
import type { Module } from "../load/project.ts";
import type { CFunction, CGlobal, CModule, CStmt, CStruct } from "./cir.ts";
import { LowerContext } from "./context.ts";
import { cdecl, cliteral, cstring } from "./ctypes.ts";
import { lowerConstant } from "./expressions.ts";
import { fieldName, objectCName, qualified } from "./names.ts";
import { lowerBlock } from "./statements.ts";

function exported(n: ts.Node): boolean {
  return !!(
    ts.canHaveModifiers(n) &&
    ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

export function lowerModule(sema: Sema, m: Module): CModule {
  const cx = new LowerContext(sema, m);
  const out: CModule = {
    name: m.name,
    source: m.rel,
    includes: [],
    externs: [],
    structs: [],
    enums: [],
    globals: [],
    functions: [],
  };
  for (const st of m.sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const sym = sema.checker.getSymbolAtLocation(st.moduleSpecifier);
      const sf = sym?.valueDeclaration;
      const target = sf && ts.isSourceFile(sf) ? sema.moduleOf.get(sf) : undefined;
      if (target && !out.includes.includes(target.name)) out.includes.push(target.name);
    } else if (ts.isClassDeclaration(st)) {
      lowerClass(cx, st, out);
    } else if (ts.isEnumDeclaration(st)) {
      const info = sema.enums.get(st)!;
      out.enums.push({
        line: cx.line(st),
        members: info.members.map((mem) => ({
          name: qualified(info.name, mem.name),
          value: cliteral(mem.value, { k: "int", name: "u32", bits: 32, signed: false }),
        })),
      });
    } else if (ts.isFunctionDeclaration(st) && st.body) {
      out.functions.push(lowerFunction(cx, st, cx.globalName(st), [], exported(st)));
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations)
        out.globals.push(lowerGlobal(cx, d, exported(st)));
    }
  }
  out.externs = [...cx.externs].sort();
  return out;
}

function lowerClass(cx: LowerContext, c: ts.ClassDeclaration, out: CModule): void {
  const info = cx.sema.structs.get(c)!;
  const s: CStruct = {
    name: info.name,
    line: cx.line(c),
    fields: info.fields.map((f) => cdecl(f.type, fieldName(f.name))),
    attributes: [],
    asserts: [],
  };
  if (info.packed) s.attributes.push("packed");
  if (info.align) s.attributes.push(`aligned(${info.align})`);
  if (info.size !== undefined)
    s.asserts.push(
      `_Static_assert(sizeof(${info.name}) == ${info.size}, "${info.name}: documented size is ${info.size}");`,
    );
  for (const o of info.offsets) {
    const f = fieldName(o.field);
    s.asserts.push(
      `_Static_assert(offsetof(${info.name}, ${f}) == 0x${o.offset.toString(16)}, "${info.name}.${o.field}: documented offset is 0x${o.offset.toString(16)}");`,
    );
  }
  out.structs.push(s);
  const self: DType = { k: "struct", name: info.name, decl: c, nullable: false };
  for (const mem of c.members) {
    if (!ts.isMethodDeclaration(mem) || !mem.body) continue;
    const isStatic = !!mem.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
    const selfParam = isStatic ? [] : [cdecl(self, "self")];
    out.functions.push(lowerFunction(cx, mem, cx.methodName(mem), selfParam, exported(c)));
  }
}

function lowerFunction(
  cx: LowerContext,
  f: ts.FunctionDeclaration | ts.MethodDeclaration,
  name: string,
  leading: string[],
  isExported: boolean,
): CFunction {
  const ft = cx.sema.declTypes.get(f);
  if (ft?.k !== "fn") throw new Error(`function ${name} has no signature`);
  cx.beginFunction(f);
  const params = [
    ...leading,
    ...f.parameters.map((p, i) => cdecl(ft.params[i], cx.declaredName(p))),
  ];
  const proto = cdecl(ft.ret, `${name}(${params.length ? params.join(", ") : "void"})`);
  // `_x` marks a parameter unused on purpose (tsc exempts it); tell C the same.
  const unused: CStmt[] = f.parameters
    .filter((p) => (p.name as ts.Identifier).text.startsWith("_"))
    .map((p) => ({ k: "simple", line: cx.line(p), code: `(void)${cx.localName(p)};` }));
  // An instance method that never mentions `this` still receives it (C's -Wunused-parameter).
  if (leading.length && !usesThis(f.body!))
    unused.unshift({ k: "simple", line: cx.line(f), code: "(void)self;" });
  return {
    line: cx.line(f),
    exported: isExported,
    proto,
    noreturn: ft.ret.k === "never",
    inline: isInline(f),
    noinline: isNoinline(f),
    body: [...unused, ...lowerBlock(cx, f.body!.statements)],
  };
}

/** Whether a method body mentions `this` (the dialect has no nested functions that rebind it). */
function usesThis(n: ts.Node): boolean {
  if (n.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.forEachChild(n, (c) => usesThis(c) || undefined) ?? false;
}

function lowerGlobal(cx: LowerContext, d: ts.VariableDeclaration, isExported: boolean): CGlobal {
  const t = cx.sema.declTypes.get(d)!;
  const name = cx.globalName(d);
  const line = cx.line(d);
  const isConst = (d.parent.flags & ts.NodeFlags.Const) !== 0;
  const init = d.initializer;
  const value = cx.sema.globalConsts.get(d);
  if (value !== undefined && t.k === "int") {
    return {
      line,
      exported: isExported,
      macro: { name, value: `((${cdecl(t, "")})${lowerConstant(cx, init!, t)})` },
    };
  }
  if (isConst && t.k === "addr" && init) {
    return { line, exported: isExported, macro: { name, value: lowerConstant(cx, init, t) } };
  }
  const g: CGlobal = { line, exported: isExported, decl: cdecl(t, name) };
  if (cx.sema.staticObjects.has(d) && t.k === "struct") {
    g.object = { type: t.name, name: objectCName(name) };
    g.init = `&${g.object.name}`;
    if (isConst) g.decl = cdecl(t, `const ${name}`);
    return g;
  }
  if (t.k === "str" && init && ts.isStringLiteralLike(init)) {
    g.decl = `const char *${isConst ? "const " : ""}${name}`;
    g.init = cstring(init.text);
    return g;
  }
  if (t.k === "percpu") g.suffix = "KTS_PERCPU_SECTION";
  if (init && (t.k === "atomic" || t.k === "percpu")) {
    g.init = lowerConstant(cx, (init as ts.CallExpression).arguments[0], t.elem);
  } else if (init && t.k !== "arr") {
    g.init = lowerConstant(cx, init, t);
  }
  if (isConst && (t.k === "bool" || t.k === "addr")) g.constQualified = true;
  return g;
}
