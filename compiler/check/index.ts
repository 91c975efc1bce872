// Phase 2, check: TypeScript's own diagnostics, then the dialect's rules.
// Nothing is lowered when this phase reports an error.

import { ts } from "ts-morph";
import type { LoadedProject, Module } from "../load/project.ts";
import { isJsGlobal } from "./expressions.ts";
import { checkCNames } from "./cnames.ts";
import { checkEmbedding } from "./embedding.ts";
import { checkInline } from "./inline.ts";
import { Sema } from "./sema.ts";
import { checkModule, registerTypes } from "./statements.ts";

/** tsc's "Cannot find name 'x'" and its variants that suggest a library or @types package. */
const cannotFindName = new Set([2304, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593]);

/** tsc's noUnusedLocals/noUnusedParameters reports: what C's -Wunused-* rejects under -Werror. */
const unusedCodes = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

interface Deferred {
  file: ts.SourceFile;
  start: number;
  text: string;
}

function reportTsDiagnostics(
  sema: Sema,
  list: readonly ts.Diagnostic[],
  syntax: boolean,
  unused: Deferred[] = [],
): void {
  for (const diag of list) {
    if (!diag.file || diag.start === undefined) continue;
    if (sema.lp.isPrelude(diag.file)) continue;
    const text = ts.flattenDiagnosticMessageText(diag.messageText, " ");
    if (diag.category !== ts.DiagnosticCategory.Error) continue;
    if (unusedCodes.has(diag.code)) {
      unused.push({ file: diag.file, start: diag.start, text: `${text} (TS${diag.code})` });
      continue;
    }
    if (!syntax && cannotFindName.has(diag.code)) {
      const name = /'([^']+)'/.exec(text)?.[1];
      if (name && isJsGlobal(name)) {
        sema.diags.atPos(
          diag.file,
          diag.start,
          "KTS1312",
          `'${name}' is JavaScript runtime, not part of the dialect`,
          diag.start + (diag.length ?? 0),
        );
        continue;
      }
    }
    sema.diags.atPos(
      diag.file,
      diag.start,
      syntax ? "KTS1001" : "KTS1002",
      `${text} (TS${diag.code})`,
    );
  }
}

/** `deep(m)` false skips the dialect checks of a module known to be unchanged and clean. */
export function check(lp: LoadedProject, deep: (m: Module) => boolean = () => true): Sema {
  const sema = new Sema(lp);
  const files = lp.modules.filter(deep).map((m) => m.sf);
  for (const sf of files) reportTsDiagnostics(sema, lp.program.getSyntacticDiagnostics(sf), true);
  // A module that does not parse is left out of the dialect checks, also when
  // only another module is checked in depth (the editor plugin checks the one
  // file it is asked about while others may be half-typed).
  const syntaxBroken = new Set(
    lp.modules.filter((m) => lp.program.getSyntacticDiagnostics(m.sf).length).map((m) => m.rel),
  );
  const unused: Deferred[] = [];
  for (const sf of files) {
    if (!syntaxBroken.has(lp.relPath(sf)))
      reportTsDiagnostics(sema, lp.program.getSemanticDiagnostics(sf), false, unused);
  }
  const ok = lp.modules.filter((m) => !syntaxBroken.has(m.rel));
  for (const m of ok) registerTypes(sema, m);
  for (const m of ok) if (deep(m)) checkModule(sema, m);
  checkEmbedding(sema);
  // Over every module: a loop may pass through one that is not checked in depth.
  checkInline(
    sema,
    ok.map((m) => m.sf),
  );
  checkCNames(sema, ok);
  // An error elsewhere in a file often leaves a declaration looking unused, so
  // unused declarations are reported for files that are otherwise clean.
  const broken = new Set(sema.diags.list.map((d) => d.file));
  for (const u of unused) {
    if (!broken.has(lp.relPath(u.file))) sema.diags.atPos(u.file, u.start, "KTS1319", u.text);
  }
  return sema;
}
