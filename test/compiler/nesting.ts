// Deeply nested expressions for run.test.ts: right-nested operator chains,
// `?:` ladders on either branch, `&&`/`||` chains, calls, unary operators and
// conversions hundreds of levels deep, and mixtures of them. Each is written
// as TypeScript and evaluated here by a small model of the dialect's
// semantics (wrap-around at the type's width, left-to-right order, short
// circuits), which also records the calls in order: the program prints each
// value and a hash of its calls, which the test compares with the model's.
// Nested this deep, the C of a plain lowering would pass clang's limit of 256
// nested brackets (compiler/lower/deep.ts).

type Leaf =
  | { k: "at"; v: number } // at(v): records v, returns it
  | { k: "bump"; v: number } // bump(v): g += v, records v, returns v
  | { k: "g" } // the global g, read
  | { k: "is"; v: number } // is(v): records v, returns v === pick
  | { k: "isnt"; v: number }; // !is(v)

export type Node =
  | Leaf
  | { k: "bin"; op: "+" | "-" | "*" | "^" | "|" | "&"; l: Node; r: Node }
  | { k: "cmp"; op: "<" | "===" | "!=="; l: Node; r: Node }
  | { k: "cond"; c: Node; t: Node; f: Node }
  | { k: "and" | "or"; l: Node; r: Node }
  | { k: "neg" | "not"; x: Node }
  | { k: "conv"; to: "u8" | "i8" | "u16" | "i16"; x: Node }
  | { k: "mix"; a: Node; b: Node }; // mix(a, b): records, returns a ^ (b << 1)

export interface State {
  trace: bigint;
  g: bigint;
  pick: number;
}

const u8 = (v: bigint) => BigInt.asUintN(8, v);
const record = (s: State, v: number) => {
  s.trace = BigInt.asUintN(32, s.trace * 31n + BigInt(v));
};

/** The model: the value of n at type u8 (bool as 0/1), with the state changed as the program does. */
export function evaluate(n: Node, s: State): bigint {
  switch (n.k) {
    case "at":
      record(s, n.v);
      return BigInt(n.v);
    case "bump":
      s.g = u8(s.g + BigInt(n.v));
      record(s, n.v);
      return BigInt(n.v);
    case "g":
      return s.g;
    case "is":
    case "isnt":
      record(s, n.v);
      return (n.v === s.pick) === (n.k === "is") ? 1n : 0n;
    case "bin": {
      const a = evaluate(n.l, s);
      const b = evaluate(n.r, s);
      const f = { "+": a + b, "-": a - b, "*": a * b, "^": a ^ b, "|": a | b, "&": a & b };
      return u8(f[n.op]);
    }
    case "cmp": {
      const a = evaluate(n.l, s);
      const b = evaluate(n.r, s);
      return (n.op === "<" ? a < b : n.op === "===" ? a === b : a !== b) ? 1n : 0n;
    }
    case "cond":
      return evaluate(n.c, s) ? evaluate(n.t, s) : evaluate(n.f, s);
    case "and":
      return evaluate(n.l, s) ? evaluate(n.r, s) : 0n;
    case "or":
      return evaluate(n.l, s) ? 1n : evaluate(n.r, s);
    case "neg":
      return u8(-evaluate(n.x, s));
    case "not":
      return u8(~evaluate(n.x, s));
    case "conv": {
      // u8 -> to -> u8 again, as `u8(to(x))` is written.
      const v = evaluate(n.x, s);
      const bits = n.to.endsWith("8") ? 8 : 16;
      const w = n.to.startsWith("i") ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
      return u8(w);
    }
    case "mix": {
      const a = evaluate(n.a, s);
      const b = evaluate(n.b, s);
      record(s, Number(a));
      return u8(a ^ (b << 1n));
    }
  }
}

/** n as TypeScript: u8 values, bool conditions. */
export function source(n: Node): string {
  switch (n.k) {
    case "at":
    case "bump":
    case "is":
      return `${n.k}(${n.v})`;
    case "g":
      return "g";
    case "isnt":
      return `!is(${n.v})`;
    case "bin":
    case "cmp":
      return `(${source(n.l)} ${n.op} ${source(n.r)})`;
    case "cond":
      return `(${source(n.c)} ? ${source(n.t)} : ${source(n.f)})`;
    case "and":
    case "or":
      return `(${source(n.l)} ${n.k === "and" ? "&&" : "||"} ${source(n.r)})`;
    case "neg":
      return `-${source(n.x)}`;
    case "not":
      return `~${source(n.x)}`;
    case "conv":
      return `u8(${n.to}(${source(n.x)}))`;
    case "mix":
      return `mix(${source(n.a)}, ${source(n.b)})`;
  }
}

export const isBool = (n: Node): boolean =>
  n.k === "is" ||
  n.k === "isnt" ||
  n.k === "cmp" ||
  n.k === "and" ||
  n.k === "or" ||
  (n.k === "cond" && isBool(n.t));

/** The shapes, each `depth` levels deep; `i` numbers the levels from the outside. */
function shapes(depth: number): [string, Node][] {
  const build = (inner: Node, wrap: (i: number, x: Node) => Node): Node => {
    let n = inner;
    for (let i = depth - 1; i >= 0; i--) n = wrap(i, n);
    return n;
  };
  const ops = ["+", "-", "*", "^", "|", "&"] as const;
  const convs = ["u8", "i8", "u16", "i16"] as const;
  const at = (v: number): Node => ({ k: "at", v: (v % 250) + 1 });
  const is = (v: number): Node => ({ k: "is", v: (v % 250) + 1 });
  return [
    // a + (b - (c * (d ^ …))): the right operand nests.
    ["right", build(at(0), (i, x) => ({ k: "bin", op: ops[i % 6], l: at(i), r: x }))],
    // Mixed: operators whose both sides nest, in turn.
    [
      "mixed",
      build(at(0), (i, x) =>
        i % 3 === 0
          ? { k: "bin", op: "+", l: x, r: at(i) }
          : i % 3 === 1
            ? { k: "bin", op: "*", l: at(i), r: x }
            : { k: "bin", op: "^", l: { k: "bin", op: "-", l: at(i), r: x }, r: at(i + 1) },
      ),
    ],
    // The global read before a call that changes it, at every level.
    [
      "global",
      build({ k: "g" }, (i, x) => ({
        k: "bin",
        op: "+",
        l: { k: "g" },
        r: { k: "bin", op: "+", l: { k: "bump", v: (i % 7) + 1 }, r: x },
      })),
    ],
    // c1 ? x1 : c2 ? x2 : …
    ["ladder", build(at(0), (i, x) => ({ k: "cond", c: is(i), t: at(i), f: x }))],
    // c1 ? (c2 ? (… ) : y2) : y1
    ["ladder-then", build(at(0), (i, x) => ({ k: "cond", c: is(i), t: x, f: at(i) }))],
    // a && (b && (c && …)), with || in every third place.
    [
      "logic",
      build({ k: "cmp", op: "===", l: at(0), r: at(0) }, (i, x) => ({
        k: i % 3 === 2 ? "or" : "and",
        l: { k: "or", l: is(i), r: { k: "cmp", op: "<", l: at(i), r: at(i + 3) } },
        r: x,
      })),
    ],
    // a ladder inside arithmetic inside a ladder…
    [
      "ladder-arith",
      build(at(0), (i, x) => ({
        k: "bin",
        op: "+",
        l: at(i),
        r: { k: "cond", c: is(i), t: { k: "bump", v: 2 }, f: x },
      })),
    ],
    // A condition that is itself a deep ladder of conditions.
    [
      "conditions",
      {
        k: "cond",
        c: build(is(0), (i, x) => ({ k: "cond", c: is(i), t: x, f: { k: "is", v: 0 } })),
        t: at(1),
        f: at(2),
      },
    ],
    // f(a, f(b, f(c, …))) and f(f(f(…), a), b)
    ["calls", build(at(0), (i, x) => ({ k: "mix", a: at(i), b: x }))],
    ["calls-left", build(at(0), (i, x) => ({ k: "mix", a: x, b: at(i) }))],
    // -~-~…x and conversions through every narrow type
    ["unary", build(at(5), (i, x) => ({ k: i % 2 ? "neg" : "not", x }))],
    ["conversions", build(at(7), (i, x) => ({ k: "conv", to: convs[i % 4], x }))],
  ];
}

export interface Generated {
  source: string;
  out: string[];
}

/** One program that prints every shape's value and calls, for `picks` of the true rung. */
export function nestingProgram(depths: number[], picks: number[]): Generated {
  const fns: string[] = [];
  const lines: string[] = [];
  const out: string[] = [];
  for (const depth of depths) {
    for (const [name, node] of shapes(depth)) {
      const fn = `${name.replace("-", "_")}_${depth}`;
      const bool = isBool(node);
      fns.push(`function ${fn}(): ${bool ? "bool" : "u8"} {\n  return ${source(node)};\n}`);
      for (const pick of picks) {
        const s: State = { trace: 0n, g: 0n, pick };
        const v = evaluate(node, s);
        lines.push(
          `  trace = 0;\n  g = 0;\n  pick = ${pick};\n  const ${fn}_${pick} = ${fn}();`,
          `  log(\`${fn} ${pick}: \${${fn}_${pick}} \${trace} \${g}\`);`,
        );
        out.push(`${fn} ${pick}: ${bool ? (v ? "true" : "false") : v} ${s.trace} ${s.g}`);
      }
    }
  }
  const source_ = [
    "let trace: u32 = 0;",
    "let g: u8 = 0;",
    "let pick: u8 = 0;",
    "function at(k: u8): u8 {\n  trace = trace * 31 + k;\n  return k;\n}",
    "function bump(k: u8): u8 {\n  g += k;\n  trace = trace * 31 + k;\n  return k;\n}",
    "function is(k: u8): bool {\n  trace = trace * 31 + k;\n  return k === pick;\n}",
    "function mix(a: u8, b: u8): u8 {\n  trace = trace * 31 + a;\n  return a ^ (b << 1);\n}",
    ...fns,
    `export function main(): void {\n${lines.join("\n")}\n}`,
    "",
  ].join("\n\n");
  return { source: source_, out };
}

/**
 * A right-nested expression `depth` levels deep whose levels call functions
 * that change a global, as the operand of an atomic add on an object a call
 * returns, and as the value assigned to an element whose object and index
 * read that global: the object and the index are evaluated before the value
 * (lower/deep.ts holds them first), and only the chosen branch of each ?: runs.
 */
export function effectsProgram(depth: number): Generated {
  let expr: Node = { k: "at", v: 1 };
  for (let i = 0; i < depth; i++) {
    const r: Node = { k: "cond", c: { k: "isnt", v: i % 5 }, t: expr, f: { k: "bump", v: 1 } };
    expr = { k: "bin", op: "+", l: { k: "at", v: (i % 9) + 1 }, r };
  }
  const text = source(expr);
  // obj() multiplies trace by 7, adds 1, sets g to 1 and returns objs[1].
  const s: State = { trace: 1n, g: 1n, pick: 3 };
  const added = evaluate(expr, s);
  const out = [`0 ${added} ${s.trace} ${s.g}`];
  const [obj, cell] = [s.g & 1n, s.g & 3n];
  const stored = evaluate(expr, s);
  out.push(`${obj ? 0 : stored} ${obj ? stored : 0} ${s.trace} ${s.g}`);
  const main = [
    "export function main(): void {",
    "  objs[0] = new C();",
    "  objs[1] = new C();",
    "  pick = 3;",
    `  const old = obj().cnt.add(u32(${text}));`,
    "  log(`${old} ${objs[1]!.cnt.load()} ${trace} ${g}`);",
    `  objs[g & 1]!.arr[g & 3] = ${text};`,
    `  log(\`\${objs[0]!.arr[${cell}]} \${objs[1]!.arr[${cell}]} \${trace} \${g}\`);`,
    "}",
  ];
  const program = [
    "class C {\n  cnt: Atomic<u32>;\n  arr: Arr<u8, 4>;\n}",
    "let trace: u32 = 0;",
    "let g: u8 = 0;",
    "let pick: u8 = 0;",
    "const objs = array<C | null, 2>();",
    "function at(k: u8): u8 {\n  trace = trace * 31 + k;\n  return k;\n}",
    "function bump(k: u8): u8 {\n  g += k;\n  trace = trace * 31 + k;\n  return k;\n}",
    "function is(k: u8): bool {\n  trace = trace * 31 + k;\n  return k === pick;\n}",
    "function obj(): C {\n  trace = trace * 7 + 1;\n  g = 1;\n  return objs[g]!;\n}",
    main.join("\n"),
    "",
  ].join("\n\n");
  return { source: program, out };
}
