// Naming for the lowering of one module: module-prefixed C names for
// module-level declarations; locals keep their TypeScript names unless that
// would shadow a local of an enclosing C block (-Wshadow), so gdb finds them
// by the names in the source.

import * as path from "node:path";
import { ts } from "ts-morph";
import type { Sema } from "../check/sema.ts";
import type { Module } from "../load/project.ts";
import { cident } from "./ctypes.ts";

export class LowerContext {
  private readonly locals = new Map<ts.Node, string>();
  /** The C names declared in each open block, outermost (the parameters) first. */
  private scopes: Set<string>[] = [];
  /** Symbols named by linkerSymbol(): declared `extern char name[];` in the module's C. */
  readonly externs = new Set<string>();

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
    const m = this.moduleOfNode(decl);
    return `${m.name}_${(decl.name as ts.Identifier).text}`;
  }

  methodName(decl: ts.MethodDeclaration): string {
    const cls = decl.parent as ts.ClassDeclaration;
    return `${cls.name!.text}_${(decl.name as ts.Identifier).text}`;
  }

  private temps = 0;

  beginFunction(): void {
    this.locals.clear();
    this.scopes = [new Set(["self"])];
    this.temps = 0;
  }

  /** Runs `lower` for a C block: names declared in it are free again after it. */
  inScope<T>(lower: () => T): T {
    this.scopes.push(new Set());
    try {
      return lower();
    } finally {
      this.scopes.pop();
    }
  }

  /** A fresh temporary's name (kts_ names cannot clash with the program's: cident renames those). */
  temp(): string {
    this.temps++;
    return `kts_t${this.temps}`;
  }

  /**
   * The C name for a local or parameter: its own, or `name_2`, `name_3`… when
   * a block around it (TypeScript shadowing) already declared that name. A
   * sibling block's `i` is out of C scope, so each loop keeps its `i`.
   */
  declareLocal(decl: ts.Node, name: string): string {
    const taken = (c: string) => this.scopes.some((s) => s.has(c));
    let c = cident(name);
    for (let i = 2; taken(c); i++) c = `${cident(name)}_${i}`;
    this.scopes[this.scopes.length - 1].add(c);
    this.locals.set(decl, c);
    return c;
  }

  localName(decl: ts.Node): string | undefined {
    return this.locals.get(decl);
  }

  static moduleName(rel: string): string {
    return path.basename(rel, ".ts");
  }
}
