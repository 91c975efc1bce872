// The dialect's diagnostics of one file as TypeScript diagnostics, for the
// tsserver plugin (index.cjs): ktsc's check phase over the language service's
// current program, so the editor sees every edit at once and nothing is
// parsed or bound twice.

import { ts } from "ts-morph";
import { check } from "../check/index.ts";
import { projectFromProgram } from "../load/project.ts";

/**
 * What ktsc reports for TypeScript's own errors, which the editor shows
 * already: syntax errors, type errors, unused declarations. KTS1312 (a
 * JavaScript runtime name) says more than tsc's "Cannot find name" and stays.
 */
const fromTypeScript = new Set(["KTS1001", "KTS1002", "KTS1319"]);

/** Shown as the diagnostic's source: VS Code prints `ktsc(1204)` after the message. */
export const source = "ktsc";

// A program is immutable: the language service makes a new one after an edit,
// so its diagnostics hold until then (tsserver asks again for every open file).
const memo = new WeakMap<ts.Program, Map<string, ts.Diagnostic[]>>();

/**
 * The KTS diagnostics of `fileName` in `program`; module names are relative
 * to `srcRoot`, as with `ktsc --root`. Only this file is checked in depth; the
 * others give their types only.
 */
export function ktsDiagnostics(
  program: ts.Program,
  fileName: string,
  srcRoot: string,
): ts.Diagnostic[] {
  let perFile = memo.get(program);
  if (!perFile) memo.set(program, (perFile = new Map()));
  let list = perFile.get(fileName);
  if (!list) perFile.set(fileName, (list = compute(program, fileName, srcRoot)));
  return list;
}

function compute(program: ts.Program, fileName: string, srcRoot: string): ts.Diagnostic[] {
  const sf = program.getSourceFile(fileName);
  if (!sf) return [];
  const lp = projectFromProgram(program, srcRoot, srcRoot);
  const target = lp.modules.find((m) => m.sf === sf);
  if (!target) return []; // the prelude or another declaration file
  const sema = check(lp, (m) => m === target);
  const out: ts.Diagnostic[] = [];
  for (const d of sema.diags.list) {
    if (d.file !== target.rel || fromTypeScript.has(d.code)) continue;
    const span = sema.diags.span(d);
    const start = span?.start ?? sf.getPositionOfLineAndCharacter(d.line - 1, d.col - 1);
    out.push({
      file: sf,
      start,
      length: span ? span.end - span.start : 0,
      category: ts.DiagnosticCategory.Error,
      // The number alone would read as a TypeScript code (TS1204 is one too):
      // the message names the KTS code, as ktsc prints it.
      code: Number(d.code.slice(3)),
      source,
      messageText: `${d.code}: ${d.message}`,
    });
  }
  return out.sort((a, b) => a.start! - b.start!);
}
