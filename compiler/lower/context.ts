// Naming for the lowering of one module: module-prefixed C names for
// module-level declarations, and each function's locals as names.ts spells
// them (their TypeScript names unless C would misread or shadow them), so gdb
// finds them by the names in the source.

import * as path from "node:path";
import { ts } from "ts-morph";
import type { Sema } from "../check/sema.ts";
import { InternalError } from "../diagnostics.ts";
import type { Module } from "../load/project.ts";
import { localNames, qualified } from "./names.ts";

export class LowerContext {
  /** The C names of the current function's parameters and locals. */
  private locals = new Map<ts.Node, string>();
  /** Symbols named by linkerSymbol(): declared `extern char name[];` in the module's C. */
  readonly externs = new Set<string>();
  /** Expressions already evaluated into a temporary, which stands for them (expressions.ts). */
  readonly evaluated = new Map<ts.Node, string>();
  /** Inside lowerDeep (deep.ts), which takes an expression apart itself. */
  deep = false;

  constructor(
    readonly sema: Sema,
    readonly module: Module,
  ) {}

  /** The TypeScript file as panics and #line name it. */
  get file(): string {
    return this.module.rel;
  }

  line(n: ts.Node): number {
    const sf = n.getSourceFile();
    return sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  }

  moduleOfNode(n: ts.Node): Module {
    const m = this.sema.moduleOf.get(n.getSourceFile());
    if (!m) throw new Error(`no module for ${n.getSourceFile().fileName}`);
    return m;
  }

  /** C name of a module-level function or variable: `<module>_<name>`. */
  globalName(decl: ts.FunctionDeclaration | ts.VariableDeclaration): string {
    return qualified(this.moduleOfNode(decl).name, (decl.name as ts.Identifier).text);
  }

  methodName(decl: ts.MethodDeclaration): string {
    const cls = decl.parent as ts.ClassDeclaration;
    return qualified(cls.name!.text, (decl.name as ts.Identifier).text);
  }

  private temps = 0;

  beginFunction(fn: ts.FunctionLikeDeclaration): void {
    this.locals = localNames(fn);
    this.temps = 0;
  }

  /** A fresh temporary's name (kts_ names cannot clash with the program's: cident renames those). */
  temp(): string {
    this.temps++;
    return `kts_t${this.temps}`;
  }

  /** A fresh label's name, unique in the function like the temporaries. */
  label(): string {
    this.temps++;
    return `kts_l${this.temps}`;
  }

  /** The C name of a parameter or local of the current function. */
  declaredName(decl: ts.Node): string {
    const c = this.locals.get(decl);
    if (c === undefined) throw new InternalError("a local without a C name", this.file);
    return c;
  }

  localName(decl: ts.Node): string | undefined {
    return this.locals.get(decl);
  }

  static moduleName(rel: string): string {
    return path.basename(rel, ".ts");
  }
}
