// Diagnostics in tsc's format: `file.ts:line:col - error KTS1234: message`.
//
// Every code the compiler can report is listed here once, with its rule; the
// catalog in docs/diagnostics.md and the bad-input corpus in
// test/compiler/bad/ are kept in step with this table by a test.

import { ts } from "ts-morph";

export const codes = {
  // Input that is not a TypeScript program, or not one file of this project.
  KTS1001: "syntax error",
  KTS1002: "type error reported by TypeScript",
  KTS1003: "import from outside the project",
  KTS1004: "empty module",
  // Types and declarations.
  KTS1101: "`number` has no width: use a fixed-width integer type",
  KTS1102: "`any` and `unknown` are not part of the dialect",
  KTS1103: "unsupported type",
  KTS1104: "a type annotation is required here",
  KTS1105: "generic declarations are not part of the dialect",
  KTS1106: "declaration kind not part of the dialect",
  KTS1107: "duplicate struct or enum name in the project",
  KTS1108: "invalid enum member",
  KTS1109: "two names meet in C",
  // Integer and address semantics.
  KTS1201: "implicit narrowing or conversion",
  KTS1202: "mixed signedness",
  KTS1203: "integer literal out of range",
  KTS1204: "shift count out of range",
  KTS1205: "`as` is not a conversion",
  KTS1206: "cannot infer the type of an integer literal expression",
  KTS1207: "not an integer literal",
  KTS1208: "division by constant zero",
  KTS1209: "`>>>` is not part of the dialect",
  KTS1210: "loose equality",
  KTS1211: "condition is not bool",
  KTS1212: "invalid address arithmetic",
  KTS1213: "operator not defined for this type",
  // Statements and expressions.
  KTS1301: "function expressions and closures are not part of the dialect",
  KTS1302: "exceptions are not part of the dialect",
  KTS1303: "async functions and generators are not part of the dialect",
  KTS1304: "dynamic strings are not part of the dialect",
  KTS1305: "template literal outside log/panic/assert",
  KTS1306: "unsupported statement",
  KTS1307: "unsupported expression",
  KTS1308: "assignment or increment used as a value",
  KTS1309: "unsupported parameter form",
  KTS1310: "global initializer is not constant",
  KTS1311: "statement not allowed at module level",
  KTS1312: "JavaScript runtime name",
  KTS1313: "constructors are not part of the dialect",
  KTS1314: "invalid assignment target",
  KTS1315: "nested function declaration",
  KTS1316: "invalid use of a dialect intrinsic",
  KTS1317: "switch case label is not constant",
  KTS1318: "unsupported call",
  KTS1319: "unused declaration",
  KTS1320: "invalid memory order argument",
  KTS1321: "memory order not allowed for this operation",
  KTS1322: "@inline function that cannot be inlined",
} as const;

export type Code = keyof typeof codes;

export interface Diagnostic {
  file: string; // project-relative path
  line: number; // 1-based
  col: number; // 1-based
  code: Code;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} - error ${d.code}: ${d.message}`;
}

/**
 * tsc's plain format (`tsc --pretty false`), `file(line,col): error CODE: message`, which the
 * problem matchers of editors and CI parse.
 */
export function formatDiagnosticPlain(d: Diagnostic): string {
  return `${d.file}(${d.line},${d.col}): error ${d.code}: ${d.message}`;
}

/** Orders diagnostics by file, then position, so output is stable. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** A compiler bug: reported apart from user errors, with exit status 2. */
export class InternalError extends Error {
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(message);
  }
}

/** Where a diagnostic's construct starts and ends in its file (offsets). */
export interface Span {
  start: number;
  end: number;
}

/** Collects diagnostics for one compilation; never throws for user errors. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  // Kept beside the list, not in it: the printed format and the tests compare
  // diagnostics by line and column only; the editor plugin underlines the span.
  private readonly spans = new WeakMap<Diagnostic, Span>();

  constructor(private readonly relPath: (sf: ts.SourceFile) => string) {}

  at(node: ts.Node, code: Code, message: string): void {
    const sf = node.getSourceFile();
    this.atPos(sf, node.getStart(sf), code, message, node.getEnd());
  }

  /** `end` defaults to `pos`: an empty span, for a report about a position. */
  atPos(sf: ts.SourceFile, pos: number, code: Code, message: string, end = pos): void {
    const { line, character } = sf.getLineAndCharacterOfPosition(pos);
    const d: Diagnostic = {
      file: this.relPath(sf),
      line: line + 1,
      col: character + 1,
      code,
      message,
    };
    const key = `${d.file}:${pos}:${code}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(d);
    this.spans.set(d, { start: pos, end });
  }

  span(d: Diagnostic): Span | undefined {
    return this.spans.get(d);
  }

  get count(): number {
    return this.list.length;
  }
}
