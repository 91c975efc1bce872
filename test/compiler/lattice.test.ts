// The prelude's brands and the compiler's widening rule are one lattice: for
// every pair of integer types, stock tsc accepts `const b: To = a` exactly when
// the compiler's widensTo(From, To) holds.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Project } from "ts-morph";
import t from "tap";
import { intNames, intType, widensTo } from "../../compiler/check/types.ts";
import { dialectOptions, preludeDir } from "../../compiler/load/project.ts";

t.test("tsc assignability equals widensTo for all integer pairs", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-lattice-"));
  const lines: string[] = [];
  const pairs: [string, string, number][] = [];
  for (const from of intNames)
    for (const to of intNames) {
      lines.push(
        `export function f_${from}_${to}(a: ${from}): void { const b: ${to} = a; void b; }`,
      );
      pairs.push([from, to, lines.length]);
    }
  const file = path.join(dir, "pairs.ts");
  fs.writeFileSync(file, lines.join("\n") + "\n");
  const project = new Project({
    compilerOptions: dialectOptions,
    skipAddingFilesFromTsConfig: true,
  });
  project.addSourceFileAtPath(file);
  project.addSourceFilesAtPaths(path.join(preludeDir, "*.d.ts"));
  const errorLines = new Set(
    project
      .getPreEmitDiagnostics()
      .filter((d) => d.getSourceFile()?.getFilePath() === file)
      .map((d) => d.getLineNumber()),
  );
  for (const [from, to, line] of pairs) {
    const tscAccepts = !errorLines.has(line);
    t.equal(tscAccepts, widensTo(intType(from as never), intType(to as never)), `${from} -> ${to}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
