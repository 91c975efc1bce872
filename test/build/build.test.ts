// The build: warning-clean with gcc and clang under the full flag set,
// deterministic C, and incremental at both the module and the object level.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { buildKernel } from "../../build/kernel.ts";
import { requiredWarnings, toolchain } from "../../build/config.ts";
import { compile } from "../../compiler/index.ts";

const root = path.resolve(import.meta.dirname, "../..");

t.test("the flag set keeps every required warning", async (t) => {
  for (const cc of ["gcc", "clang"] as const) {
    const flags = toolchain(cc).cflags;
    for (const w of [
      ...requiredWarnings,
      "-std=c11",
      "-ffreestanding",
      "-nostdlib",
      "-mno-red-zone",
      "-mcmodel=kernel",
      "-fno-pic",
    ])
      t.ok(flags.includes(w), `${cc} builds with ${w}`);
  }
});

for (const cc of ["gcc", "clang"] as const) {
  t.test(`kernel builds warning-clean with ${cc} (-Werror)`, async (t) => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `kts-${cc}-`));
    const r = await buildKernel({ cc, outDir, progress: false });
    t.ok(fs.existsSync(r.elf), "ELF written");
    const head = fs.readFileSync(r.elf).subarray(0, 20);
    t.same([...head.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], "ELF magic");
    t.equal(head[4], 2, "ELFCLASS64");
    t.equal(head.readUInt16LE(18), 62, "EM_X86_64");
    const objects = fs.readdirSync(path.join(outDir, "obj")).filter((f) => f.endsWith(".o"));
    t.equal(r.objectsCompiled, objects.length, "every object compiled on a cold build");
    t.same(
      objects.sort(),
      [
        "entry.o",
        "image.o",
        "multiboot.o",
        "stack.o",
        "start.o",
        "svm.o",
        "symbols-empty.o",
        "symbols.o",
        "syscall.o",
        "trampoline.o",
        "vmx.o",
      ],
      "one object for all C (out/gen/image.c), one per assembly file, the two symbol tables",
    );
    fs.rmSync(outDir, { recursive: true, force: true });
  });
}

t.test("emitted C is byte-identical across two builds", async (t) => {
  const a = compile({ project: path.join(root, "kernel-ts"), displayRoot: root });
  const b = compile({ project: path.join(root, "kernel-ts"), displayRoot: root });
  t.same(a.diagnostics, []);
  t.ok(a.modules.length > 0);
  t.equal(a.modules.length, b.modules.length);
  for (let i = 0; i < a.modules.length; i++) {
    t.equal(a.modules[i].source, b.modules[i].source, `${a.modules[i].name}.c`);
    t.equal(a.modules[i].header, b.modules[i].header, `${a.modules[i].name}.h`);
  }
  t.match(
    a.modules.find((m) => m.rel.startsWith("kernel-ts/"))?.source,
    /#line \d+ "kernel-ts\/[a-z_]+\.ts"/,
    "#line points into the TypeScript",
  );
});

t.test("incremental: an unchanged module is neither lowered nor compiled again", async (t) => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "kts-incr-"));
  const first = await buildKernel({ outDir, progress: false });
  const second = await buildKernel({ outDir, progress: false });
  t.equal(first.lowered, first.modules, "cold build lowers every module");
  t.equal(second.lowered, 0, "warm build lowers no module");
  t.equal(second.objectsCompiled, 0, "warm build compiles no object");
  fs.rmSync(outDir, { recursive: true, force: true });
});

t.test("incremental: an edit re-lowers the module and its importers only", async (t) => {
  // A private copy of the kernel sources and the interface beside them (../abi), so the
  // test can edit one module.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-edit-"));
  const src = path.join(work, "src");
  const files: string[] = [];
  for (const [from, to] of [
    ["kernel-ts", src],
    ["abi", path.join(work, "abi")],
  ]) {
    fs.mkdirSync(to);
    for (const f of fs.readdirSync(path.join(root, from)).filter((f) => f.endsWith(".ts"))) {
      fs.copyFileSync(path.join(root, from, f), path.join(to, f));
      files.push(path.join(to, f));
    }
  }
  const opts = { files, srcRoot: src, displayRoot: work, cacheDir: path.join(work, "cache") };
  const cold = compile(opts);
  t.same(cold.diagnostics, []);
  t.ok(
    cold.modules.every((m) => !m.cached),
    "cold: everything lowered",
  );
  t.ok(
    compile(opts).modules.every((m) => m.cached),
    "warm: everything from the cache",
  );
  // fault.ts: only init.ts imports it (a module many import would make the list long).
  fs.appendFileSync(path.join(src, "fault.ts"), "\n// edited\n");
  const lowered = compile(opts)
    .modules.filter((m) => !m.cached)
    .map((m) => m.name)
    .sort();
  t.same(lowered, ["fault", "init"], "fault.ts and its importer init.ts, nothing else");
  fs.rmSync(work, { recursive: true, force: true });
});
