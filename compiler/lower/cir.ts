// The C side of the pipeline: what lowering produces and emission prints.
// Expressions are already C text here (typed, with every cast in place);
// statements keep their TypeScript line for `#line`.

export type CStmt =
  | { k: "simple"; line: number; code: string }
  | { k: "label"; line: number; code: string }
  | { k: "block"; line: number; head: string; body: CStmt[]; tail?: string };

export interface CStruct {
  name: string;
  line: number;
  fields: string[]; // complete member declarations, without the `;`
  attributes: string[]; // packed, aligned(N)
  asserts: string[]; // `_Static_assert(...)` conditions with messages
}

export interface CGlobal {
  line: number;
  exported: boolean;
  /** `#define` name and value, for compile-time constants. */
  macro?: { name: string; value: string };
  /** Declarator without storage class, e.g. `uint32_t serial_count`. */
  decl?: string;
  init?: string;
  /** For `const x = new C()` at module level: the static object `x` points to. */
  object?: { type: string; name: string };
  /** e.g. `KTS_PERCPU_SECTION` */
  suffix?: string;
  constQualified?: boolean;
}

export interface CFunction {
  line: number;
  exported: boolean;
  /** `uint32_t serial_read(uint16_t port)` */
  proto: string;
  noreturn: boolean;
  /** `@inline` in its doc comment: inlined into every direct call (docs/dialect.md). */
  inline: boolean;
  /** `@noinline` in its doc comment: never inlined. */
  noinline: boolean;
  body: CStmt[];
}

export interface CModule {
  name: string;
  /** The TypeScript file, as `#line` names it. */
  source: string;
  includes: string[];
  /** Names from linkerSymbol(), sorted: `extern char name[];` in the .c. */
  externs: string[];
  structs: CStruct[];
  enums: { line: number; members: { name: string; value: string }[] }[];
  globals: CGlobal[];
  functions: CFunction[];
}
