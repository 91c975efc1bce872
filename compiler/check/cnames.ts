// KTS1109: no two names of a program meet in C, and none meets a name the C
// around it already uses.
//
// Module-level declarations keep the C names docs/dialect.md promises
// (lower/names.ts), which are not renamed: hand-written C, assembly and gdb
// rely on them. So a clash is an error, reported at the later declaration
// (modules in path order, declarations in source order) and naming the
// earlier one. The names are those of the whole project, not of one module
// and its imports: the kernel's C is one translation unit (docs/building.md),
// where a static of one module meets every other module's names. Locals,
// parameters and fields are spelled as lowering spells them (names.ts) and
// must not be spelled like any of those names either: a local would hide the
// global in its function, and a field would be expanded by a macro.
//
// The check walks the declarations of every module, also of modules that are
// not checked in depth (an unchanged module may meet a new name elsewhere);
// it needs no types, only syntax and the registered structs and enums.

import { ts } from "ts-morph";
import type { Module } from "../load/project.ts";
import {
  fieldName,
  inRuntimeHeader,
  headerGuard,
  localNames,
  objectCName,
  qualified,
  reservedName,
} from "../lower/names.ts";
import type { Sema } from "./sema.ts";

/** One C name of the program and what it names. */
interface Named {
  c: string;
  /** `function 'run'`, `method 'A.b_c'`, `linker symbol 'boot_stack'`. */
  what: string;
  /** Where it is reported: the declaration's name. */
  node: ts.Node;
  /** Linker symbols are declared, not defined: one may be named in many places. */
  symbol?: boolean;
}

/** Headers the generated C includes by name: a module's header must not take their place. */
const includedHeaders = new Set(["kts", "stdint", "stddef", "stdbool"]);

export function checkCNames(sema: Sema, modules: Module[]): void {
  checkModuleNames(sema, modules);
  const globals = new Map<string, Named>();
  for (const m of modules) for (const n of globalNames(sema, m)) claim(sema, globals, n);
  for (const m of modules) checkMembers(sema, m, globals);
}

function position(n: ts.Node): string {
  const sf = n.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
  return `${line + 1}:${character + 1}`;
}

/** `function 'f' (kernel-ts/vmx.ts:12:17)`: a name and where it is declared. */
function described(sema: Sema, n: Named): string {
  return `${n.what} (${sema.lp.relPath(n.node.getSourceFile())}:${position(n.node)})`;
}

/**
 * A module's name is the prefix of its C names and the name of its .c and .h:
 * it starts a C identifier, is its own (also in the upper case of the header
 * guard), and is not that of a header the C includes.
 */
function checkModuleNames(sema: Sema, modules: Module[]): void {
  const byName = new Map<string, Module>();
  const byGuard = new Map<string, Module>();
  for (const m of modules) {
    const report = (why: string) =>
      sema.diags.atPos(m.sf, 0, "KTS1109", `module ${m.rel} is '${m.name}' in C, ${why}`);
    const guard = headerGuard(m.name);
    const same = byName.get(m.name);
    const sameGuard = byGuard.get(guard);
    if (!/^[A-Za-z_]/.test(m.name))
      report("and a C name cannot begin with a digit: rename the file");
    else if (includedHeaders.has(m.name))
      report(
        `and its ${m.name}.h would take the place of the header the C includes: rename the file`,
      );
    else if (same) report(`as is ${same.rel}: rename one`);
    else if (sameGuard)
      report(
        `and ${sameGuard.rel} is '${sameGuard.name}', so both headers would have the guard ${guard}: rename one`,
      );
    byName.set(m.name, same ?? m);
    byGuard.set(guard, sameGuard ?? m);
  }
}

/** The C names a module defines at file scope, and the linker symbols it declares, in source order. */
function globalNames(sema: Sema, m: Module): Named[] {
  const out: Named[] = [];
  const add = (c: string, what: string, node: ts.Node) => out.push({ c, what, node });
  for (const st of m.sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && st.body) {
      add(qualified(m.name, st.name.text), `function '${st.name.text}'`, st.name);
    } else if (ts.isVariableStatement(st)) {
      const kind = st.declarationList.flags & ts.NodeFlags.Const ? "constant" : "variable";
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        const c = qualified(m.name, d.name.text);
        add(c, `${kind} '${d.name.text}'`, d.name);
        // `const x = new C()`: the static object x points to has a name of its own.
        if (d.initializer && ts.isNewExpression(d.initializer))
          add(objectCName(c), `the object of '${d.name.text}'`, d.name);
      }
    } else if (ts.isClassDeclaration(st) && st.name && sema.structs.has(st)) {
      const cls = st.name.text;
      add(cls, `class '${cls}'`, st.name);
      for (const mem of st.members) {
        if (ts.isMethodDeclaration(mem) && mem.body && ts.isIdentifier(mem.name))
          add(qualified(cls, mem.name.text), `method '${cls}.${mem.name.text}'`, mem.name);
      }
    } else if (ts.isEnumDeclaration(st) && sema.enums.has(st)) {
      for (const mem of st.members) {
        if (ts.isIdentifier(mem.name))
          add(
            qualified(st.name.text, mem.name.text),
            `enum member '${st.name.text}.${mem.name.text}'`,
            mem.name,
          );
      }
    }
  }
  for (const arg of linkerSymbols(sema, m.sf))
    out.push({ c: arg.text, what: `linker symbol '${arg.text}'`, node: arg, symbol: true });
  return out.sort((a, b) => a.node.getStart() - b.node.getStart());
}

/** The string arguments of the module's linkerSymbol() calls (`extern char name[];` in its C). */
function linkerSymbols(sema: Sema, sf: ts.SourceFile): ts.StringLiteral[] {
  const found: ts.StringLiteral[] = [];
  if (!sf.text.includes("linkerSymbol")) return found;
  const visit = (n: ts.Node): void => {
    if (
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === "linkerSymbol" &&
      n.arguments.length === 1 &&
      ts.isStringLiteral(n.arguments[0])
    ) {
      const decl = sema.resolve(n.expression);
      if (decl && sema.isPreludeNode(decl)) found.push(n.arguments[0]);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/**
 * Takes `n.c` for `n`, or reports why it is taken: by the C around the
 * program (a linker symbol names something outside the program, so only an
 * exact name, not a prefix, stands in its way), or by an earlier name.
 */
function claim(sema: Sema, globals: Map<string, Named>, n: Named): void {
  const report = (why: string) =>
    sema.diags.at(n.node, "KTS1109", `${n.what} is '${n.c}' in C, ${why}`);
  const r = reservedName(n.c, !n.symbol);
  if (r) return report(`${r.why}: rename it`);
  if (n.symbol && inRuntimeHeader(n.c))
    return report("which runtime-c/kts.h declares: a linker symbol names something outside it");
  const earlier = globals.get(n.c);
  if (!earlier) globals.set(n.c, n);
  else if (!(earlier.symbol && n.symbol)) report(`as is ${described(sema, earlier)}: rename one`);
}

/** Parameters, locals and fields against the module-level names of the program. */
function checkMembers(sema: Sema, m: Module, globals: Map<string, Named>): void {
  const check = (c: string, what: string, node: ts.Node) => {
    const g = globals.get(c);
    if (g)
      sema.diags.at(
        node,
        "KTS1109",
        `${what} is '${c}' in C, as is ${described(sema, g)}: rename one`,
      );
  };
  const fn = (f: ts.FunctionLikeDeclaration) => {
    for (const [decl, c] of localNames(f)) {
      const d = decl as ts.ParameterDeclaration | ts.VariableDeclaration;
      const kind = ts.isParameter(d) ? "parameter" : "local";
      check(c, `${kind} '${(d.name as ts.Identifier).text}'`, d.name);
    }
  };
  for (const st of m.sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.body) fn(st);
    if (!ts.isClassDeclaration(st) || !st.name || !sema.structs.has(st)) continue;
    for (const mem of st.members) {
      if (ts.isMethodDeclaration(mem) && mem.body) fn(mem);
      if (ts.isPropertyDeclaration(mem) && ts.isIdentifier(mem.name))
        check(fieldName(mem.name.text), `field '${st.name.text}.${mem.name.text}'`, mem.name);
    }
  }
}
