// `@inline` (docs/dialect.md "Modules, names and constants"): the C definition gets
// `always_inline`, so gcc and clang must inline it into every direct call. They cannot
// when a chain of such functions comes back to where it started, and stop with an error:
// that is reported here, on the call that closes the loop (KTS1322), before any C exists.

import { ts } from "ts-morph";
import type { Sema } from "./sema.ts";

type Fn = ts.FunctionDeclaration | ts.MethodDeclaration;

/** Whether a function's or method's doc comment carries the tag `@<tag>`. */
function hasTag(f: ts.Node, tag: string): boolean {
  return (
    (ts.isFunctionDeclaration(f) || ts.isMethodDeclaration(f)) &&
    ts.getJSDocTags(f).some((t) => t.tagName.text === tag)
  );
}

/** Whether a function's doc comment carries `@inline`. */
export function isInline(f: ts.Node): boolean {
  return hasTag(f, "inline");
}

/**
 * Whether a function's doc comment carries `@noinline`: its C definition is never inlined
 * (a function a tool finds by its address, such as the bench loop the trace stops in).
 */
export function isNoinline(f: ts.Node): boolean {
  return hasTag(f, "noinline");
}

/** The `@inline` function or method a call names directly, if any. */
function inlineCallee(sema: Sema, call: ts.CallExpression): Fn | undefined {
  let sym = sema.checker.getSymbolAtLocation(call.expression);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = sema.checker.getAliasedSymbol(sym);
  const d = sym?.valueDeclaration;
  return d && isInline(d) ? (d as Fn) : undefined;
}

/** Reports every loop of direct calls among `@inline` functions of `files`. */
export function checkInline(sema: Sema, files: ts.SourceFile[]): void {
  const calls = new Map<Fn, { call: ts.CallExpression; callee: Fn }[]>();
  const collect = (n: ts.Node, into: { call: ts.CallExpression; callee: Fn }[]) => {
    if (ts.isCallExpression(n)) {
      const callee = inlineCallee(sema, n);
      if (callee) into.push({ call: n, callee });
    }
    ts.forEachChild(n, (c) => collect(c, into));
  };
  // Functions are module-level or methods (the dialect has no nested ones, KTS1315): only those
  // are looked at, not every node of every file.
  const consider = (n: ts.Node) => {
    if (!isInline(n) || !(n as Fn).body) return;
    const list: { call: ts.CallExpression; callee: Fn }[] = [];
    collect((n as Fn).body!, list);
    calls.set(n as Fn, list);
  };
  for (const sf of files)
    for (const st of sf.statements) {
      consider(st);
      if (ts.isClassDeclaration(st)) st.members.forEach(consider);
    }

  // Depth-first search; a call to a function still on the path closes a loop.
  const state = new Map<Fn, "open" | "done">();
  const visit = (f: Fn) => {
    state.set(f, "open");
    for (const { call, callee } of calls.get(f) ?? []) {
      const s = state.get(callee);
      if (s === "open") {
        const name = callee.name?.getText() ?? "a function";
        sema.diags.at(
          call,
          "KTS1322",
          callee === f
            ? `@inline '${name}' calls itself: the C compiler cannot inline it into itself`
            : `this call to @inline '${name}' closes a loop of @inline calls: the C compiler cannot inline them all`,
        );
      } else if (s === undefined && calls.has(callee)) visit(callee);
    }
    state.set(f, "done");
  };
  for (const f of calls.keys()) if (!state.has(f)) visit(f);
}
