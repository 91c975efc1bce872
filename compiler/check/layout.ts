// `layout(Class, { packed, align, size, offsets })`: the C layout directives of
// a struct and its documented size and field offsets, which the lowering turns
// into `_Static_assert`s.

import { ts } from "ts-morph";
import { parseIntLiteral } from "./constants.ts";
import type { Sema } from "./sema.ts";

export function checkLayout(sema: Sema, e: ts.CallExpression): void {
  const d = sema.diags;
  const [cls, spec] = e.arguments;
  const decl = cls && sema.resolve(cls);
  const info = decl && ts.isClassDeclaration(decl) ? sema.structs.get(decl) : undefined;
  if (!info) {
    d.at(cls ?? e, "KTS1316", "layout() takes a struct class of this project");
    return;
  }
  if (info.module.sf !== e.getSourceFile()) {
    d.at(cls, "KTS1316", "layout() belongs in the module that declares the struct");
    return;
  }
  if (!spec || !ts.isObjectLiteralExpression(spec)) {
    d.at(spec ?? e, "KTS1316", "layout() takes an object literal");
    return;
  }
  const num = (n: ts.Expression): number | undefined => {
    const v = ts.isNumericLiteral(n) ? parseIntLiteral(n.getText()) : undefined;
    if (v === undefined) d.at(n, "KTS1316", "layout values are integer literals");
    return v === undefined ? undefined : Number(v);
  };
  for (const p of spec.properties) {
    if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name)) {
      d.at(p, "KTS1316", "layout() takes plain properties");
      continue;
    }
    switch (p.name.text) {
      case "packed":
        info.packed = p.initializer.kind === ts.SyntaxKind.TrueKeyword;
        break;
      case "align":
        info.align = num(p.initializer);
        break;
      case "size":
        info.size = num(p.initializer);
        break;
      case "offsets":
        if (!ts.isObjectLiteralExpression(p.initializer)) {
          d.at(p.initializer, "KTS1316", "offsets is an object literal of field: offset");
          break;
        }
        for (const o of p.initializer.properties) {
          if (!ts.isPropertyAssignment(o) || !ts.isIdentifier(o.name)) continue;
          const off = num(o.initializer);
          if (off !== undefined) info.offsets.push({ field: o.name.text, offset: off, node: o });
        }
        break;
    }
  }
}
