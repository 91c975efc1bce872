// C names: the one place they are formed, and the names the C around the
// generated code already uses.
//
// A module-level declaration keeps the name docs/dialect.md promises
// (`<module>_<name>`, `<Class>_<method>`, `<Enum>_<member>`, the class's own
// name): hand-written C (runtime-c/kernel.c, arch/x86_64/abi_asm.c), the
// assembly and gdb use those names, so the compiler never changes them;
// where two declarations would meet in one C name, or one would meet a name
// listed here, the check phase says so (check/cnames.ts, KTS1109). Locals,
// parameters and fields only have to stay clear of C itself and of what
// runtime-c/kts.h brings into every generated file, which does not depend on
// the program: such a name gets a `_` appended.

import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ts } from "ts-morph";

/** How a reserved name is used by the C around the generated code. */
export type ReservedKind =
  | "keyword"
  | "macro"
  | "declaration" // a typedef, function or variable every generated file sees
  | "unit"; // file scope in runtime C compiled after the modules, in the kernel's one C unit

export interface Reserved {
  kind: ReservedKind;
  /** Completes "X is 'name' in C, ...": why the name is taken. */
  why: string;
}

const reserved = new Map<string, Reserved>();

function reserve(kind: ReservedKind, why: string, names: string[]): void {
  for (const n of names) reserved.set(n, { kind, why });
}

const words = (s: string) => s.split(/\s+/).filter((w) => w);

reserve(
  "keyword",
  "a keyword of C",
  words(`auto break case char const continue default do double else enum extern float for goto
    if inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
    _Imaginary _Noreturn _Static_assert _Thread_local`),
);
// The kernel's gcc runs with -fasm, which makes these keywords again under -std=c11.
reserve("keyword", "a keyword of GNU C", ["asm", "typeof"]);

// <stdint.h>, as C11 defines it: the exact, least and fast types of each width, their limits
// and constant macros, and the pointer, maximum and other limits.
const widths = [8, 16, 32, 64];
const stdintTypes: string[] = ["intptr_t", "uintptr_t", "intmax_t", "uintmax_t"];
const stdintMacros: string[] = words(`INTPTR_MIN INTPTR_MAX UINTPTR_MAX INTMAX_MIN INTMAX_MAX
  UINTMAX_MAX PTRDIFF_MIN PTRDIFF_MAX SIG_ATOMIC_MIN SIG_ATOMIC_MAX SIZE_MAX WCHAR_MIN WCHAR_MAX
  WINT_MIN WINT_MAX INTMAX_C UINTMAX_C`);
for (const w of widths) {
  for (const kind of ["", "_least", "_fast"]) {
    const K = kind.toUpperCase();
    stdintTypes.push(`int${kind}${w}_t`, `uint${kind}${w}_t`);
    stdintMacros.push(`INT${K}${w}_MIN`, `INT${K}${w}_MAX`, `UINT${K}${w}_MAX`);
  }
  stdintMacros.push(`INT${w}_C`, `UINT${w}_C`);
}
reserve("declaration", "which <stdint.h> declares", stdintTypes);
reserve("macro", "which <stdint.h> defines", stdintMacros);
reserve("declaration", "which <stddef.h> declares", [
  "size_t",
  "ptrdiff_t",
  "wchar_t",
  "max_align_t",
]);
reserve("macro", "which <stddef.h> defines", ["NULL", "offsetof"]);
reserve("macro", "which <stdbool.h> defines", ["bool", "true", "false"]);

// runtime-c/kts.h beside its kts_ and KTS_ names: the address types and the assembly routines
// behind intrinsics (arch/x86_64/syscall.S, svm.S, vmx.S).
reserve("declaration", "which runtime-c/kts.h declares", [
  "phys_t",
  "virt_t",
  "user_enter",
  "user_sysret",
  "svm_vmrun",
  "vmx_vmenter",
]);

// The generated code's own spellings: every method's receiver, and a host program's entry
// (test harnesses call `<module>_main()` from it).
reserve("declaration", "the receiver parameter of every method's C function", ["self"]);
reserve("declaration", "the entry point of a C program", ["main"]);

// File-scope names of the runtime's C files that the kernel compiles in one unit with the
// modules, after them (build/kernel.ts): a module's global of the same name would be defined
// twice there. Locals come before these and do not meet them.
reserve("unit", "which runtime-c/log.c defines in the kernel's C unit", [
  "line",
  "used",
  "lock",
  "flush",
  "put",
]);
reserve("unit", "which runtime-c/kernel.c defines in the kernel's C unit", [
  "arena",
  "arena_used",
  "memset",
  "memcpy",
  "memmove",
  "memcmp",
]);

/**
 * Why `name` is taken by the C around the generated code: exactly, or (with
 * `byPrefix`) as one of the runtime's or the C compiler's names.
 */
export function reservedName(name: string, byPrefix = true): Reserved | undefined {
  const exact = reserved.get(name);
  if (exact || !byPrefix) return exact;
  if (name.startsWith("kts_") || name.startsWith("KTS_"))
    return {
      kind: name.startsWith("kts_") ? "declaration" : "macro",
      why: "and names beginning with kts_ or KTS_ are the runtime's (runtime-c/kts.h)",
    };
  if (/^_[_A-Z]/.test(name))
    return {
      kind: "macro",
      why: "and names beginning with __ or with _ and a capital letter are the C compiler's",
    };
  return undefined;
}

let headerNames: Set<string> | undefined;

/**
 * Whether runtime-c/kts.h spells `name` (one of its kts_ or KTS_ names): a
 * linker symbol, which is not held to the prefix (`kts_symbol_table` is the
 * build's), must still not be one, or its `extern char name[];` would
 * contradict the header's declaration.
 */
export function inRuntimeHeader(name: string): boolean {
  headerNames ??= new Set(
    fs
      .readFileSync(
        path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "runtime-c", "kts.h"),
        "utf8",
      )
      .match(/\b(?:kts|KTS)_\w+/g),
  );
  return headerNames.has(name);
}

/** Every name listed above, for the test that compares the list with the runtime's C. */
export function reservedNames(): ReadonlyMap<string, Reserved> {
  return reserved;
}

/**
 * `name`, or `name_` when the C would misread it. Trailing underscores are
 * not part of the test, so the spelling stays one-to-one: `int` is `int_`,
 * and a name `int_` of the program is `int__`.
 */
function appendUnderscore(name: string, clashes: (r: Reserved) => boolean): string {
  const taken = [name.replace(/_+$/, ""), name].some((n) => {
    const r = reservedName(n);
    return r !== undefined && clashes(r);
  });
  return taken ? `${name}_` : name;
}

/** A local's or parameter's own C spelling, before block shadowing (localNames). */
export function cident(name: string): string {
  return appendUnderscore(name, (r) => r.kind !== "unit");
}

/** A field's C spelling: a member name meets only keywords and macros. */
export function fieldName(name: string): string {
  return appendUnderscore(name, (r) => r.kind === "keyword" || r.kind === "macro");
}

/** The include guard of a module's header. */
export function headerGuard(module: string): string {
  return `KTS_${module.toUpperCase()}_H`;
}

/**
 * A module-level name under its owner: `<module>_<name>` for a function or
 * variable, `<Class>_<method>`, `<Enum>_<member>`. (A class is its own name.)
 */
export function qualified(owner: string, name: string): string {
  return `${owner}_${name}`;
}

/** The static object a module-level `const x = new C()` points to. */
export function objectCName(global: string): string {
  return `${global}_obj`;
}

/**
 * The C name of every parameter and local of a function or method: its own
 * (cident), or `name_2`, `name_3`… when a C block around it already declares
 * that name, since TypeScript's shadowing would be C's (-Wshadow). A function
 * of the syntax alone, so the check phase knows the names lowering writes;
 * the blocks are lowering's: the parameters (beside `self`), the body, each
 * nested block, branch, loop body and switch clause, and each `for` head.
 */
export function localNames(fn: ts.FunctionLikeDeclaration): Map<ts.Node, string> {
  const names = new Map<ts.Node, string>();
  const scopes: Set<string>[] = [new Set(["self"])];
  const declare = (decl: ts.ParameterDeclaration | ts.VariableDeclaration) => {
    if (!ts.isIdentifier(decl.name)) return;
    const own = cident(decl.name.text);
    let c = own;
    for (let i = 2; scopes.some((s) => s.has(c)); i++) c = `${own}_${i}`;
    scopes[scopes.length - 1].add(c);
    names.set(decl, c);
  };
  const block = (sts: readonly ts.Statement[]) => {
    scopes.push(new Set());
    sts.forEach(statement);
    scopes.pop();
  };
  const body = (st: ts.Statement) => block(ts.isBlock(st) ? st.statements : [st]);
  const statement = (st: ts.Statement): void => {
    if (ts.isBlock(st)) block(st.statements);
    else if (ts.isVariableStatement(st)) st.declarationList.declarations.forEach(declare);
    else if (ts.isIfStatement(st)) {
      body(st.thenStatement);
      // `else if` lowers as a branch of the same chain, with no block of its own.
      if (st.elseStatement && ts.isIfStatement(st.elseStatement)) statement(st.elseStatement);
      else if (st.elseStatement) body(st.elseStatement);
    } else if (ts.isWhileStatement(st) || ts.isDoStatement(st)) body(st.statement);
    else if (ts.isForStatement(st)) {
      scopes.push(new Set());
      if (st.initializer && ts.isVariableDeclarationList(st.initializer))
        st.initializer.declarations.forEach(declare);
      body(st.statement);
      scopes.pop();
    } else if (ts.isSwitchStatement(st)) {
      for (const c of st.caseBlock.clauses) if (c.statements.length) block(c.statements);
    }
  };
  fn.parameters.forEach(declare);
  if (fn.body && ts.isBlock(fn.body)) block(fn.body.statements);
  return names;
}
