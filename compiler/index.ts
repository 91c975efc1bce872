// The compiler as a library: load -> check -> lower -> emit.
//
// Incremental: a module whose source, transitive imports and compiler are all
// unchanged since the last successful run is neither checked in depth nor
// lowered again; its previous C is reused.

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ts } from "ts-morph";
import { check } from "./check/index.ts";
import { checkModule } from "./check/statements.ts";
import { type Diagnostic, InternalError, sortDiagnostics } from "./diagnostics.ts";
import { emitHeader, emitSource } from "./emit/c.ts";
import { type LoadOptions, loadProject, type Module } from "./load/project.ts";
import { lowerModule } from "./lower/module.ts";

export interface CompiledModule {
  name: string;
  rel: string;
  header: string;
  source: string;
  /** True when reused from the cache instead of lowered again. */
  cached: boolean;
  /** Lines of TypeScript in the module. */
  tsLines: number;
}

export interface CompileResult {
  diagnostics: Diagnostic[];
  modules: CompiledModule[];
  internalError?: InternalError;
}

export interface CompileOptions extends LoadOptions {
  /** Directory for the per-module cache (keys and last C output). */
  cacheDir?: string;
}

let compilerHashMemo: string | undefined;
/** Identifies this compiler and prelude: any change to either invalidates every cache entry. */
function compilerHash(): string {
  if (compilerHashMemo) return compilerHashMemo;
  const root = path.dirname(fileURLToPath(import.meta.url));
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const e of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name)) h.update(e.name).update(fs.readFileSync(p));
    }
  };
  walk(root);
  compilerHashMemo = h.digest("hex");
  return compilerHashMemo;
}

/** Hash of a module, everything it imports (transitively), and the compiler. */
function moduleKeys(modules: Module[], program: ts.Program): Map<Module, string> {
  const bySf = new Map(modules.map((m) => [m.sf, m]));
  const deps = new Map<Module, Module[]>();
  for (const m of modules) {
    const list: Module[] = [];
    for (const st of m.sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const res = ts.resolveModuleName(
        st.moduleSpecifier.text,
        m.sf.fileName,
        program.getCompilerOptions(),
        ts.sys,
      );
      const target =
        res.resolvedModule && program.getSourceFile(res.resolvedModule.resolvedFileName);
      const dm = target && bySf.get(target);
      if (dm) list.push(dm);
    }
    deps.set(m, list);
  }
  const keys = new Map<Module, string>();
  for (const m of modules) {
    const seen = new Set<Module>();
    const stack = [m];
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...(deps.get(x) ?? []));
    }
    const h = createHash("sha256").update(compilerHash());
    for (const x of [...seen].sort((a, b) => (a.rel < b.rel ? -1 : 1)))
      h.update(x.rel).update("\0").update(x.sf.text);
    keys.set(m, h.digest("hex"));
  }
  return keys;
}

interface CacheEntry {
  key: string;
  header: string;
  source: string;
}

function readCache(dir: string | undefined, m: Module): CacheEntry | undefined {
  if (!dir) return undefined;
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, `${m.name}.json`), "utf8")) as CacheEntry;
  } catch {
    return undefined;
  }
}

export function compile(opts: CompileOptions): CompileResult {
  try {
    const lp = loadProject(opts);
    const keys = moduleKeys(lp.modules, lp.program);
    const cached = new Map<Module, CacheEntry>();
    for (const m of lp.modules) {
      const c = readCache(opts.cacheDir, m);
      if (c && c.key === keys.get(m)) cached.set(m, c);
    }
    // Unchanged modules are still loaded (others need their types) but not checked in depth.
    const sema = check(lp, (m) => !cached.has(m));
    const diagnostics = sortDiagnostics(sema.diags.list);
    if (diagnostics.length) return { diagnostics, modules: [] };
    const modules: CompiledModule[] = [];
    for (const m of lp.modules) {
      const tsLines = m.sf.getLineStarts().length;
      const c = cached.get(m);
      if (c) {
        modules.push({
          name: m.name,
          rel: m.rel,
          header: c.header,
          source: c.source,
          cached: true,
          tsLines,
        });
        continue;
      }
      const cm = lowerModule(sema, m);
      const header = emitHeader(cm);
      const source = emitSource(cm);
      modules.push({ name: m.name, rel: m.rel, header, source, cached: false, tsLines });
      if (opts.cacheDir) {
        fs.mkdirSync(opts.cacheDir, { recursive: true });
        const entry: CacheEntry = { key: keys.get(m)!, header, source };
        fs.writeFileSync(path.join(opts.cacheDir, `${m.name}.json`), JSON.stringify(entry));
      }
    }
    return { diagnostics: [], modules };
  } catch (e) {
    if (e instanceof InternalError) return { diagnostics: [], modules: [], internalError: e };
    const err = e as Error;
    return {
      diagnostics: [],
      modules: [],
      internalError: new InternalError(err.stack ?? String(err)),
    };
  }
}

/** Writes each module's .h/.c into dir, leaving files whose content is unchanged untouched. */
export function writeModules(modules: CompiledModule[], dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const changed: string[] = [];
  for (const m of modules) {
    for (const [file, text] of [
      [`${m.name}.h`, m.header],
      [`${m.name}.c`, m.source],
    ] as const) {
      const p = path.join(dir, file);
      let old: string | undefined;
      try {
        old = fs.readFileSync(p, "utf8");
      } catch {
        old = undefined;
      }
      if (old !== text) {
        fs.writeFileSync(p, text);
        changed.push(p);
      }
    }
  }
  return changed;
}
