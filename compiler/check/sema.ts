// What the check phase learns about a program, for the lowering phase to read.

import * as path from "node:path";
import { ts } from "ts-morph";
import { DiagnosticSink } from "../diagnostics.ts";
import type { LoadedProject, Module } from "../load/project.ts";
import type { DType, IntType, StructType } from "./types.ts";

/** How a call expression is carried out. */
export type CallInfo =
  | { k: "intrinsic"; name: string }
  | { k: "conv"; to: DType }
  | { k: "direct"; decl: ts.FunctionDeclaration }
  | { k: "method"; decl: ts.MethodDeclaration; isStatic: boolean }
  | { k: "indirect" }
  | { k: "ptr"; op: string }
  | { k: "atomic"; op: string; orders: string[] } // orders: Order members (compareExchange: success, failure)
  | { k: "percpu"; op: string };

/** What a name or property access refers to. */
export type RefInfo =
  | { k: "var"; decl: ts.Declaration } // local, parameter or global
  | { k: "fn"; decl: ts.FunctionDeclaration }
  | { k: "field"; decl: ts.PropertyDeclaration; struct: StructType }
  | { k: "const"; value: bigint; type: IntType; name?: string } // enum member, u32.MAX
  | { k: "len"; value: number }; // Arr length

export interface StructInfo {
  decl: ts.ClassDeclaration;
  name: string;
  module: Module;
  fields: { decl: ts.PropertyDeclaration; name: string; type: DType }[];
  packed: boolean;
  align?: number;
  size?: number;
  offsets: { field: string; offset: number; node: ts.Node }[];
}

export interface EnumInfo {
  decl: ts.EnumDeclaration;
  name: string;
  module: Module;
  members: { name: string; value: bigint }[];
}

export class Sema {
  readonly diags: DiagnosticSink;
  readonly checker: ts.TypeChecker;
  /** Final dialect type of every checked expression (integer literals resolved). */
  readonly exprTypes = new Map<ts.Node, DType>();
  /** Folded value of every integer-literal-only expression, at its resolved type. */
  readonly constValues = new Map<ts.Node, bigint>();
  readonly declTypes = new Map<ts.Node, DType>();
  readonly calls = new Map<ts.Node, CallInfo>();
  readonly refs = new Map<ts.Node, RefInfo>();
  readonly structs = new Map<ts.ClassDeclaration, StructInfo>();
  readonly enums = new Map<ts.EnumDeclaration, EnumInfo>();
  readonly moduleOf = new Map<ts.SourceFile, Module>();
  /** Divisions and shifts whose right operand is a non-zero / in-range constant. */
  readonly safeRhs = new Set<ts.Node>();
  /** Module-level variables initialised with `new C()`: objects in static storage. */
  readonly staticObjects = new Set<ts.Node>();
  /** Module-level `const` integers with their folded values (emitted as macros). */
  readonly globalConsts = new Map<ts.Node, bigint>();
  /** Function and method declarations with their dialect signature. */
  readonly inProgress = new Set<ts.Node>();

  constructor(readonly lp: LoadedProject) {
    this.diags = new DiagnosticSink(lp.relPath);
    this.checker = lp.program.getTypeChecker();
    for (const m of lp.modules) this.moduleOf.set(m.sf, m);
  }

  /**
   * Whether a module belongs to the project: a file named on the command line
   * or in tsconfig.json, or one under the source root. A file outside both is
   * in the program only because something imported it.
   */
  inProject(sf: ts.SourceFile): boolean {
    const file = path.resolve(sf.fileName);
    const roots = this.lp.program.getRootFileNames();
    if (roots.some((r) => path.resolve(r) === file)) return true;
    const rel = path.relative(this.lp.srcRoot, file);
    return !path.isAbsolute(rel) && rel.split(path.sep)[0] !== "..";
  }

  isPreludeNode(n: ts.Node): boolean {
    return this.lp.isPrelude(n.getSourceFile());
  }

  /** The declaration a name resolves to, through imports. */
  resolve(n: ts.Node): ts.Declaration | undefined {
    let sym = this.checker.getSymbolAtLocation(n);
    if (!sym) return undefined;
    if (sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    return sym.valueDeclaration ?? sym.declarations?.[0];
  }

  enumInfo(decl: ts.EnumDeclaration): EnumInfo | undefined {
    return this.enums.get(decl);
  }

  typeOf(e: ts.Node): DType | undefined {
    return this.exprTypes.get(e);
  }
}
