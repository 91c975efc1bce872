// From TypeScript's types to the dialect's: the prelude's aliases and
// interfaces are recognised by name and by living in the prelude folder.

import { ts } from "ts-morph";
import type { Sema } from "./sema.ts";
import { BOOL, type DType, intType, isIntName, NEVER, STR, U32, VOID } from "./types.ts";

function preludeName(sema: Sema, sym: ts.Symbol | undefined): string | undefined {
  const d = sym?.declarations?.[0];
  return d && sema.isPreludeNode(d) ? sym!.name : undefined;
}

/** Types whose dialect type is being worked out now: one met again contains itself. */
const resolving = new Set<ts.Type>();

/**
 * The dialect type of a TypeScript type, or undefined after reporting why it
 * has none. `at` is the node diagnostics point to.
 */
export function dtypeOf(sema: Sema, t: ts.Type, at: ts.Node): DType | undefined {
  // tsc accepts a type alias that contains itself through an interface's type argument
  // (`type Nest = Arr<Nest, 2>`); in C it would have no size.
  if (resolving.has(t)) {
    sema.diags.at(
      at,
      "KTS1103",
      `type '${sema.checker.typeToString(t)}' contains itself: it would have no size`,
    );
    return undefined;
  }
  resolving.add(t);
  try {
    return resolveDtype(sema, t, at);
  } finally {
    resolving.delete(t);
  }
}

function resolveDtype(sema: Sema, t: ts.Type, at: ts.Node): DType | undefined {
  const c = sema.checker;
  const alias = preludeName(sema, t.aliasSymbol);
  if (alias) {
    if (isIntName(alias)) return intType(alias);
    if (alias === "Phys" || alias === "Virt") return { k: "addr", name: alias };
    if (alias === "bool") return BOOL;
    if (alias === "str") return STR;
    if (alias === "Inline") {
      const inner = dtypeOf(sema, t.aliasTypeArguments![0], at);
      if (inner?.k === "struct" && !inner.nullable) return { k: "inline", struct: inner };
      sema.diags.at(at, "KTS1103", "Inline<T> takes a struct class");
      return undefined;
    }
  }
  const f = t.flags;
  if (f & ts.TypeFlags.Any || f & ts.TypeFlags.Unknown) {
    // A name tsc could not resolve, already reported (KTS1002 or KTS1312).
    if ((t as { intrinsicName?: string }).intrinsicName === "error") return undefined;
    sema.diags.at(at, "KTS1102", "`any` and `unknown` are not part of the dialect");
    return undefined;
  }
  if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return BOOL;
  if (f & ts.TypeFlags.Void) return VOID;
  if (f & ts.TypeFlags.Never) return NEVER;
  if (f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return STR;
  if (f & (ts.TypeFlags.Enum | ts.TypeFlags.EnumLiteral)) return U32;
  if (f & ts.TypeFlags.Number) {
    sema.diags.at(
      at,
      "KTS1101",
      "`number` has no width: use u8, u16, u32, u64, usize or a signed type",
    );
    return undefined;
  }
  if (t.isUnion()) {
    const rest = t.types.filter((u) => !(u.flags & ts.TypeFlags.Null));
    if (rest.length === 1 && rest.length < t.types.length) {
      const inner = dtypeOf(sema, rest[0], at);
      if (inner?.k === "struct" || inner?.k === "ptr") return { ...inner, nullable: true };
    }
    sema.diags.at(
      at,
      "KTS1103",
      `union type '${c.typeToString(t)}' is not part of the dialect (only Struct | null and Ptr<T> | null)`,
    );
    return undefined;
  }
  const sym = t.getSymbol();
  const iface = preludeName(sema, sym);
  if (iface) {
    const args = c.getTypeArguments(t as ts.TypeReference);
    const elem = () => (args[0] ? dtypeOf(sema, args[0], at) : undefined);
    switch (iface) {
      case "Ptr": {
        const e = elem();
        return e && { k: "ptr", elem: e, nullable: false };
      }
      case "Arr": {
        const e = elem();
        const n = args[1];
        // A length is a non-negative integer literal; `number` (no length) is only a
        // parameter's (declarations.ts placed).
        if (
          n &&
          n.isNumberLiteral() &&
          !(Number.isInteger(n.value) && n.value >= 0 && n.value < 2 ** 32)
        ) {
          sema.diags.at(
            at,
            "KTS1103",
            `the length of '${c.typeToString(t)}' is ${n.value}: a length is a non-negative integer below 2^32`,
          );
          return undefined;
        }
        const len = n && n.isNumberLiteral() ? n.value : -1;
        return e && { k: "arr", elem: e, len };
      }
      case "Atomic": {
        const e = elem();
        return e && { k: "atomic", elem: e };
      }
      case "PerCpu": {
        const e = elem();
        return e && { k: "percpu", elem: e };
      }
      case "Fmt":
        return { k: "fmt" };
    }
  }
  if (sym && sym.flags & ts.SymbolFlags.Class) {
    const decl = sym.declarations?.find(ts.isClassDeclaration);
    if (decl && !sema.isPreludeNode(decl)) {
      return { k: "struct", name: sym.name, decl, nullable: false };
    }
  }
  const sigs = t.getCallSignatures();
  if (sigs.length === 1 && t.getProperties().length === 0) {
    const sig = sigs[0];
    if (sig.typeParameters?.length) {
      sema.diags.at(at, "KTS1105", "generic function types are not part of the dialect");
      return undefined;
    }
    const params: DType[] = [];
    for (const p of sig.parameters) {
      const pt = dtypeOf(sema, c.getTypeOfSymbol(p), at);
      if (!pt) return undefined;
      params.push(pt);
    }
    const ret = dtypeOf(sema, sig.getReturnType(), at);
    return ret && { k: "fn", params, ret };
  }
  if (f & ts.TypeFlags.Null) return { k: "null" };
  // A type parameter of a generic declaration, which is reported (KTS1105).
  if (f & ts.TypeFlags.TypeParameter && sym?.declarations?.some(ts.isTypeParameterDeclaration))
    return undefined;
  if (f & ts.TypeFlags.NumberLiteral) {
    sema.diags.at(at, "KTS1103", "literal types are not part of the dialect");
    return undefined;
  }
  sema.diags.at(at, "KTS1103", `type '${c.typeToString(t)}' is not part of the dialect`);
  return undefined;
}

/** `Arr<T, number>`: a parameter that takes a fixed array of any length. */
function isAnyLength(n: ts.Node): boolean {
  const p = n.parent;
  return ts.isTypeReferenceNode(p) && p.typeName.getText() === "Arr" && p.typeArguments?.[1] === n;
}

/** The dialect type written in a type annotation. */
export function dtypeOfNode(sema: Sema, node: ts.TypeNode): DType | undefined {
  // Report `number` and `any` where they are written, even when nested.
  let bad = false;
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.AnyKeyword || n.kind === ts.SyntaxKind.UnknownKeyword) {
      sema.diags.at(n, "KTS1102", "`any` and `unknown` are not part of the dialect");
      bad = true;
    } else if (n.kind === ts.SyntaxKind.NumberKeyword && !isAnyLength(n)) {
      sema.diags.at(
        n,
        "KTS1101",
        "`number` has no width: use u8, u16, u32, u64, usize or a signed type",
      );
      bad = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  if (bad) return undefined;
  return dtypeOf(sema, sema.checker.getTypeFromTypeNode(node), node);
}
