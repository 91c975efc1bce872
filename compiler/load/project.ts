// Phase 1, load: a ts-morph project over the dialect sources and the prelude.
//
// ts-morph gives project loading and tsconfig handling; the later phases walk
// the raw `ts` nodes with the raw type checker, which is several times faster
// per node than ts-morph's wrappers (see shared architecture notes).

import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Project, ts } from "ts-morph";

export const preludeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../prelude");

/** The compiler options every dialect project uses; kernel-ts/tsconfig.json repeats them for editors. */
export const dialectOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  noLib: true,
  types: [],
  strict: true,
  strictPropertyInitialization: false,
  noImplicitReturns: true,
  // What C's -Wunused-* would reject under -Werror is reported at its TypeScript
  // position instead (a parameter named _x is exempt, as in tsc).
  noUnusedLocals: true,
  noUnusedParameters: true,
  noFallthroughCasesInSwitch: false,
  allowImportingTsExtensions: true,
  noEmit: true,
};

export interface Module {
  sf: ts.SourceFile;
  /** Path shown in diagnostics and #line directives, relative to the display root. */
  rel: string;
  /** The C identifier prefix and file name: `serial` for `kernel-ts/serial.ts`. */
  name: string;
}

export interface LoadedProject {
  program: ts.Program;
  checker: ts.TypeChecker;
  modules: Module[];
  /** Directory the module names are relative to. */
  srcRoot: string;
  displayRoot: string;
  relPath(sf: ts.SourceFile): string;
  isPrelude(sf: ts.SourceFile): boolean;
}

export interface LoadOptions {
  /** A directory with a tsconfig.json, or the tsconfig.json itself. */
  project?: string;
  /** Or: explicit source files (the prelude is added). */
  files?: string[];
  /** Module names are relative to this directory (default: the project directory or the first file's). */
  srcRoot?: string;
  /** Diagnostics and #line paths are relative to this directory (default: cwd). */
  displayRoot?: string;
}

export function loadProject(opts: LoadOptions): LoadedProject {
  let project: Project;
  let srcRoot: string;
  if (opts.project) {
    const cfg = opts.project.endsWith(".json")
      ? opts.project
      : path.join(opts.project, "tsconfig.json");
    project = new Project({ tsConfigFilePath: path.resolve(cfg) });
    srcRoot = path.resolve(opts.srcRoot ?? path.dirname(cfg));
  } else {
    const files = (opts.files ?? []).map((f) => path.resolve(f));
    project = new Project({
      compilerOptions: dialectOptions,
      skipAddingFilesFromTsConfig: true,
    });
    for (const f of files) project.addSourceFileAtPath(f);
    project.addSourceFilesAtPaths(path.join(preludeDir, "*.d.ts"));
    srcRoot = path.resolve(opts.srcRoot ?? (files.length ? path.dirname(files[0]) : "."));
  }
  const displayRoot = path.resolve(opts.displayRoot ?? ".");
  return projectFromProgram(project.getProgram().compilerObject, srcRoot, displayRoot);
}

/**
 * The C name of the module in `file`: its path from `srcRoot` with `_` for each
 * separator (`kernel-ts/sm.ts` is `sm`, `user/roottest/main.ts` with the root
 * `user/` is `roottest_main`). A project file outside the source root (one a
 * tsconfig.json names, such as the interface in `abi/`) is named by its path
 * from the folder it shares with the root, so `abi/status.ts` is `abi_status`
 * in the kernel and in every user program alike, and no name starts with the
 * `__` of a `..`.
 */
function moduleName(srcRoot: string, file: string): string {
  let base = srcRoot;
  while (path.relative(base, file).split(path.sep)[0] === "..") base = path.dirname(base);
  return path
    .relative(base, file)
    .replace(/\.ts$/, "")
    .split(path.sep)
    .join("_")
    .replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * The modules of a program that is already built: ktsc's own (above) or an
 * editor's language service (compiler/editor/), which checks its current
 * program without parsing or binding anything again.
 */
export function projectFromProgram(
  program: ts.Program,
  srcRoot: string,
  displayRoot: string,
): LoadedProject {
  const checker = program.getTypeChecker();
  const isPrelude = (sf: ts.SourceFile) =>
    path.resolve(sf.fileName).startsWith(preludeDir + path.sep);
  const relPath = (sf: ts.SourceFile) =>
    path.relative(displayRoot, path.resolve(sf.fileName)).split(path.sep).join("/");

  const modules: Module[] = [];
  for (const sf of program.getSourceFiles()) {
    if (isPrelude(sf) || sf.isDeclarationFile) continue;
    modules.push({ sf, rel: relPath(sf), name: moduleName(srcRoot, path.resolve(sf.fileName)) });
  }
  modules.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { program, checker, modules, srcRoot, displayRoot, relPath, isPrelude };
}
