// The editor plugin (compiler/editor/, docs/editor.md) in the real tsserver
// from node_modules: a kernel file, a user program's file and a file of the
// user bindings, opened as an editor opens them, show no diagnostic; an edit
// that breaks a dialect rule tsc does not know (a constant shift count out of
// range, KTS1204) shows it on the construct, without a build; undoing the edit
// takes it away. A plugin that fails leaves the editor TypeScript's own
// diagnostics.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t, { type Test } from "tap";
import { type ProtocolDiagnostic, TsServer } from "../lib/tsserver.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** Where the probe goes: before the file's first top-level declaration. */
function insertionLine(text: string): number {
  const i = text.split("\n").findIndex((l) => /^(export )?(class|function|const|let) /.test(l));
  if (i < 0) throw new Error("no top-level declaration to insert before");
  return i + 1;
}

const shiftLine = "  return x << 32;";
const probe = ["export function ktsProbe(x: u32): u32 {", shiftLine, "}", ""].join("\n");

const show = (ds: ProtocolDiagnostic[]) =>
  ds.length
    ? ds
        .map(
          (d) =>
            `${d.start.line}:${d.start.offset} ${d.source ?? "ts"} ${d.code} ${d.text.split("\n")[0]}`,
        )
        .join("; ")
    : "none";

const kts = (ds: ProtocolDiagnostic[]) => ds.filter((d) => d.source === "ktsc");

async function editCycle(t: Test, server: TsServer, rel: string): Promise<void> {
  const file = path.join(root, rel);
  // The text as read now, handed to tsserver as the editor's buffer: lines
  // are counted in the very text tsserver checks.
  const text = fs.readFileSync(file, "utf8");
  await server.request("updateOpen", {
    openFiles: [{ file, fileContent: text, projectRootPath: root }],
  });
  // Clean for tsc and for ktsc (npm run check), so nothing else is shown.
  const before = await server.diagnostics(file);
  t.equal(show(before), "none", `${rel} as it is: diagnostics ${show(before)}, wanted none`);

  const line = insertionLine(text);
  const at = { line, offset: 1 };
  await server.request("updateOpen", {
    changedFiles: [{ fileName: file, textChanges: [{ start: at, end: at, newText: probe }] }],
  });
  const edited = await server.diagnostics(file);
  const col = shiftLine.indexOf("32") + 1;
  const want = `${line + 1}:${col} ktsc 1204 KTS1204: shift count 32 is out of range for u32 (0..31)`;
  t.equal(
    show(edited),
    want,
    `${rel} with the probe at line ${line}: got ${show(edited)}, wanted ${want}`,
  );
  const range = edited.map(
    (d) => `${d.start.line}:${d.start.offset}-${d.end.line}:${d.end.offset}`,
  );
  const wantRange = `${line + 1}:${col}-${line + 1}:${col + 2}`;
  t.same(range, [wantRange], `${rel}: underlined ${range.join(", ")}, wanted '32' at ${wantRange}`);

  const probeEnd = { line: line + probe.split("\n").length - 1, offset: 1 };
  await server.request("updateOpen", {
    changedFiles: [{ fileName: file, textChanges: [{ start: at, end: probeEnd, newText: "" }] }],
  });
  const undone = await server.diagnostics(file);
  t.equal(show(undone), "none", `${rel} after the undo: diagnostics ${show(undone)}, wanted none`);
  await server.request("updateOpen", { closedFiles: [file] });
}

t.test("KTS diagnostics follow edits in kernel-ts/, user/ and abi/", async (t) => {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-tsserver-"));
  const server = new TsServer(root, logDir);
  t.teardown(async () => {
    await server.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  });
  await editCycle(t, server, "kernel-ts/sm.ts");
  await editCycle(t, server, "user/roottest-min/main.ts");
  // user/nova is no program of its own but has a project, so its files get
  // the prelude and the plugin even when opened first.
  await editCycle(t, server, "user/nova/hip.ts");
  // So is abi/, which the kernel and the user programs share.
  await editCycle(t, server, "abi/status.ts");
  const log = server.log();
  t.match(log, /ktsc-tsserver-plugin: compiler loaded in \d+ ms/, "the plugin loaded the compiler");
  const errors = log.split("\n").filter((l) => /^Err .*ktsc-tsserver-plugin/.test(l));
  t.same(errors, [], `the plugin logged no error, got ${errors.join("\n") || "none"}`);
});

t.test("a failing plugin leaves TypeScript's diagnostics and tsserver running", async (t) => {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-tsserver-"));
  // Preloaded before tsserver: the check phase the plugin requires is one that throws.
  const fault = path.join(logDir, "fault.cjs");
  const checkTs = path.join(root, "compiler", "check", "index.ts");
  fs.writeFileSync(
    fault,
    [
      `const Module = require("node:module");`,
      `const m = new Module(${JSON.stringify(checkTs)});`,
      `m.filename = ${JSON.stringify(checkTs)};`,
      `m.loaded = true;`,
      `m.exports = { check() { throw new Error("injected check failure"); } };`,
      `require.cache[m.filename] = m;`,
    ].join("\n"),
  );
  const server = new TsServer(root, logDir, ["--require", fault]);
  t.teardown(async () => {
    await server.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  });
  const file = path.join(root, "kernel-ts", "sm.ts");
  const text = fs.readFileSync(file, "utf8");
  const line = insertionLine(text);
  // A type error tsc reports (u64 into u32) that the plugin would also report as KTS1201.
  const lines = text.split("\n");
  lines.splice(line - 1, 0, "export const ktsProbe: u32 = u64.MAX;");
  const fileContent = lines.join("\n");
  await server.request("updateOpen", { openFiles: [{ file, fileContent, projectRootPath: root }] });
  for (const round of [1, 2]) {
    const ds = await server.diagnostics(file);
    const tsError = ds.find((d) => d.code === 2322 && d.start.line === line);
    t.ok(tsError, `round ${round}: TS2322 (u64 into u32) at line ${line}, got ${show(ds)}`);
    t.same(show(kts(ds)), "none", `round ${round}: no KTS diagnostics, got ${show(kts(ds))}`);
  }
  t.ok(server.alive, "tsserver still runs");
  const logged = server
    .log()
    .split("\n")
    .filter((l) => /^Err .*ktsc-tsserver-plugin/.test(l));
  t.match(logged.join("\n"), /injected check failure/, `the plugin logged it, got ${logged}`);
});
