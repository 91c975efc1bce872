// The names compiler/lower/names.ts lists as taken are those the C around the
// generated code really uses: every macro and every file-scope name that
// runtime-c/kts.h brings into a generated file, under gcc and clang, in the
// kernel and on the host; and every file-scope name of the runtime's own C
// files. A name added to the runtime without a place in the list fails here,
// before a program that uses it as a name meets it in C.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import t from "tap";
import { toolchain } from "../../build/config.ts";
import { cident, fieldName, reservedName, reservedNames } from "../../compiler/lower/names.ts";
import { hostCflags, hostCompilers, run } from "../lib/host.ts";

const root = path.resolve(import.meta.dirname, "../..");
const runtime = path.join(root, "runtime-c");

/** C without its comments, preprocessor lines, strings and characters. */
function stripped(c: string): string {
  return c
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\/\/.*$/gm, "")
    .replace(/^\s*#.*(?:\\\n.*)*$/gm, "")
    .replace(/"(?:\\.|[^"\\])*"/g, '""')
    .replace(/'(?:\\.|[^'\\])*'/g, "''");
}

/** The identifiers outside every bracket: what a C file declares or defines at file scope. */
function fileScope(c: string): Set<string> {
  const code = stripped(c);
  const names = new Set<string>();
  let depth = 0;
  for (const [tok] of code.matchAll(/[A-Za-z_$][\w$]*|[{}()[\]]/g)) {
    if ("{([".includes(tok)) depth++;
    else if ("})]".includes(tok)) depth--;
    else if (depth === 0) names.add(tok);
  }
  return names;
}

/**
 * kernel.c calls functions of kernel-ts (`console_write` is console.ts's `write`): names of
 * the program, which it must define, and does.
 */
const kernelModules = new Set(
  fs.readdirSync(path.join(root, "kernel-ts")).map((f) => f.replace(/\.ts$/, "")),
);
const kernelName = (n: string) => kernelModules.has(n.split("_")[0]);

/** The two ways generated C is compiled: the kernel's flags, and the host tests' (KTS_HOST). */
const modes = hostCompilers.flatMap((cc) => [
  { cc, name: "kernel", flags: toolchain(cc).cflags.filter((f) => f !== "-Werror") },
  { cc, name: "host", flags: hostCflags },
]);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "kts-names-"));
t.teardown(() => fs.rmSync(work, { recursive: true, force: true }));
const unit = path.join(work, "unit.c");
fs.writeFileSync(unit, '#include "kts.h"\n');

for (const m of modes) {
  t.test(`${m.cc}, ${m.name}: what kts.h brings into a generated file is listed`, async (t) => {
    const base = [...m.flags, "-I", runtime, "-E", unit];
    const macros = await run(m.cc, [...base, "-dM"]);
    t.equal(macros.code, 0, macros.stderr);
    const defined = [...macros.stdout.matchAll(/^#define ([A-Za-z_]\w*)/gm)].map((x) => x[1]);
    t.ok(defined.includes("SIZE_MAX"), "the macros are read");
    const notMacros = defined.filter((n) => {
      const r = reservedName(n);
      return !r || (r.kind !== "macro" && r.kind !== "keyword");
    });
    t.same(notMacros, [], "every macro is listed as one (__x86_64__ and _LP64 by their prefix)");
    const pre = await run(m.cc, [...base, "-P"]);
    t.equal(pre.code, 0, pre.stderr);
    const declared = [...fileScope(pre.stdout)];
    t.ok(declared.includes("kts_index") && declared.includes("uint8_t"), "the names are read");
    const unlisted = declared.filter((n) => {
      const r = reservedName(n);
      return !r || r.kind === "unit";
    });
    t.same(unlisted, [], "every file-scope name is listed as one every generated file sees");
  });
}

t.test("the runtime's C files define no file-scope name that is not listed", async (t) => {
  for (const file of fs.readdirSync(runtime).filter((f) => f.endsWith(".c"))) {
    const names = [...fileScope(fs.readFileSync(path.join(runtime, file), "utf8"))];
    const unlisted = names.filter((n) => !kernelName(n) && !reservedName(n));
    t.same(unlisted, [], file);
  }
});

t.test(
  "no name a module's macro could take appears in the runtime's C of the kernel's unit",
  async (t) => {
    // log.c and kernel.c follow the modules in the kernel's one unit (build/kernel.ts), so a
    // module's macro (`<module>_<name>`, `<Enum>_<member>`: always with a `_`) would reach into
    // their bodies too, not only their file-scope names.
    for (const file of ["log.c", "kernel.c"]) {
      const text = stripped(fs.readFileSync(path.join(runtime, file), "utf8"));
      const names = new Set([...text.matchAll(/[A-Za-z_$][\w$]*/g)].map((x) => x[0]));
      const unlisted = [...names].filter(
        (n) => n.includes("_") && !kernelName(n) && !reservedName(n),
      );
      t.same(unlisted, [], file);
    }
  },
);

t.test("every runtime name listed is one the runtime uses", async (t) => {
  const sources = new Map<string, Set<string>>();
  for (const file of fs.readdirSync(runtime))
    sources.set(`runtime-c/${file}`, fileScope(fs.readFileSync(path.join(runtime, file), "utf8")));
  const unused: string[] = [];
  for (const [name, r] of reservedNames()) {
    const file = /runtime-c\/[\w.]+/.exec(r.why)?.[0];
    if (file && !sources.get(file)?.has(name)) unused.push(`${name} (${file})`);
  }
  t.same(unused, []);
});

t.test("locals and fields stay apart from what C already uses, one to one", async (t) => {
  // [name, as a local or parameter, as a field]: a member meets only keywords and macros; the
  // runtime's C files come after the modules in the kernel's unit, so nothing meets `line`.
  const spellings = [
    ["int", "int_", "int_"],
    ["int_", "int__", "int__"],
    ["SIZE_MAX", "SIZE_MAX_", "SIZE_MAX_"],
    ["KTS_PERCPU", "KTS_PERCPU_", "KTS_PERCPU_"],
    ["INT8_C", "INT8_C_", "INT8_C_"],
    ["true", "true_", "true_"],
    ["kts_t1", "kts_t1_", "kts_t1"],
    ["vmx_vmenter", "vmx_vmenter_", "vmx_vmenter"],
    ["size_t", "size_t_", "size_t"],
    ["_Y", "_Y_", "_Y_"],
    ["a$b", "a$b", "a$b"],
    ["line", "line", "line"],
  ];
  for (const [name, local, field] of spellings) {
    t.equal(cident(name), local, `local ${name}`);
    t.equal(fieldName(name), field, `field ${name}`);
  }
});
