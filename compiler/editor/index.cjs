// tsserver plugin: adds ktsc's dialect diagnostics (KTSnnnn) to the semantic
// diagnostics of every file in a project whose tsconfig.json names it
// (kernel-ts/ and user/*/, see docs/editor.md). The work is in diagnostics.ts;
// this file loads it and keeps any failure away from the editor.
//
// tsserver loads a plugin with CommonJS require (this package is linked into
// node_modules by the root package.json), and Node 20 cannot run the
// compiler's sources as they are: ESM TypeScript with `.ts` imports and
// import.meta.url. require(esm) does not help, since Node 20 still cannot read
// `.ts`, and tsx's ESM hooks run on a loader thread, out of reach of a
// synchronous require. tsx's CommonJS API can: register() hooks require so
// that each `.ts` file is compiled to CommonJS by esbuild as it is required
// (import.meta.url included). The hooks are on only while the compiler is
// required, synchronously, and taken off right after, so the rest of
// tsserver's process keeps Node's plain require.
//
// Which TypeScript: the compiler imports `ts` from ts-morph, which bundles its
// own copy, while the program, its nodes and its checker come from the
// TypeScript that runs tsserver (node_modules/typescript, or the editor's).
// Two copies would be two sets of SyntaxKind, TypeFlags and SymbolFlags
// numbers, equal only as long as the two versions happen to agree. So while
// the compiler is required, ts-morph's entry in require.cache is
// `{ ts: <tsserver's TypeScript> }`: the check phase then compares the nodes
// against the numbers of the TypeScript that made them. This is safe because
// the check phase takes nothing but `ts` from ts-morph (ts-morph's Project is
// used by loadProject only, which the plugin does not call) and uses only
// TypeScript's public API, the same in both copies.

"use strict";

const Module = require("node:module");
const path = require("node:path");

const name = "ktsc-tsserver-plugin";

/** What loading diagnostics.ts gave: { ts, ktsDiagnostics }, or { ts } when it failed. */
let loaded;

/** diagnostics.ts's ktsDiagnostics, loaded on the first request; undefined if it cannot be. */
function loadCompiler(ts, logger) {
  if (!loaded) {
    const t0 = Date.now();
    try {
      loaded = { ts, ktsDiagnostics: requireCompiler(ts) };
      logger.info(`${name}: compiler loaded in ${Date.now() - t0} ms (TypeScript ${ts.version})`);
    } catch (e) {
      // Said once: a compiler that does not load fails the same way on every request.
      loaded = { ts };
      logger.msg(`${name}: the compiler did not load: ${e?.stack ?? e}`, ts.server.Msg.Err);
    }
  }
  if (loaded.ts !== ts) throw new Error("a second TypeScript in one tsserver is not supported");
  return loaded.ktsDiagnostics;
}

function requireCompiler(ts) {
  const morphId = require.resolve("ts-morph", { paths: [__dirname] });
  const before = require.cache[morphId];
  const shim = new Module(morphId);
  shim.filename = morphId;
  shim.loaded = true;
  shim.exports = { ts };
  require.cache[morphId] = shim;
  // tsx takes its compiler settings from the tsconfig.json of the current
  // directory unless told; tsserver's may be anywhere, so it is told the root
  // one, under which the compiler is type-checked.
  const env = process.env.TSX_TSCONFIG_PATH;
  process.env.TSX_TSCONFIG_PATH = path.join(__dirname, "..", "..", "tsconfig.json");
  let unregister;
  try {
    unregister = require("tsx/cjs/api").register();
    return require("./diagnostics.ts").ktsDiagnostics;
  } finally {
    unregister?.();
    if (env === undefined) delete process.env.TSX_TSCONFIG_PATH;
    else process.env.TSX_TSCONFIG_PATH = env;
    if (before) require.cache[morphId] = before;
    else delete require.cache[morphId];
  }
}

function init({ typescript: ts }) {
  function create(info) {
    const ls = info.languageService;
    const logger = info.project.projectService.logger;
    const fail = (what, e) => logger.msg(`${name}: ${what}: ${e?.stack ?? e}`, ts.server.Msg.Err);
    let srcRoot;
    try {
      // Module names are relative to the tsconfig's folder, or to `root` from
      // the plugin's entry in it (user programs share user/: `"root": ".."`).
      srcRoot = path.resolve(info.project.getCurrentDirectory(), info.config.root ?? ".");
      logger.info(`${name}: KTS diagnostics for ${info.project.getProjectName()}, root ${srcRoot}`);
    } catch (e) {
      fail("not enabled", e);
      return ls;
    }

    function getSemanticDiagnostics(fileName) {
      const own = ls.getSemanticDiagnostics(fileName);
      // The editor keeps TypeScript's own diagnostics whatever happens here.
      try {
        const ktsDiagnostics = loadCompiler(ts, logger);
        const program = ls.getProgram();
        if (!ktsDiagnostics || !program) return own;
        const t0 = Date.now();
        const kts = ktsDiagnostics(program, fileName, srcRoot);
        logger.info(`${name}: ${kts.length} for ${fileName} in ${Date.now() - t0} ms`);
        return kts.length ? [...own, ...kts] : own;
      } catch (e) {
        fail(fileName, e);
        return own;
      }
    }

    return { ...ls, getSemanticDiagnostics };
  }
  return { create };
}

module.exports = init;
