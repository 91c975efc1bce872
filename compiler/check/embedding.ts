// A struct that embeds itself (`Inline<A>` in A, directly, through other structs, or as
// elements of an `Arr`) would have no size in C: reported at the field that closes the loop
// (KTS1103). References (a class type, `Ptr<T>`) are addresses and may point anywhere.

import { ts } from "ts-morph";
import type { Sema } from "./sema.ts";
import type { DType } from "./types.ts";

/** The struct a field's storage embeds (an Inline<S>, or one inside arrays), if any. */
function embedded(t: DType): ts.ClassDeclaration | undefined {
  let x = t;
  while (x.k === "arr") x = x.elem;
  return x.k === "inline" ? (x.struct.decl as ts.ClassDeclaration) : undefined;
}

/** Reports every loop of embedding among the structs whose fields are known. */
export function checkEmbedding(sema: Sema): void {
  const state = new Map<ts.ClassDeclaration, "open" | "done">();
  const visit = (c: ts.ClassDeclaration, path: string[]) => {
    state.set(c, "open");
    for (const f of sema.structs.get(c)?.fields ?? []) {
      const inner = embedded(f.type);
      if (!inner) continue;
      const s = state.get(inner);
      const name = inner.name?.text ?? "?";
      if (s === "open") {
        const loop = [...path.slice(path.indexOf(name)), name].join(" → ");
        sema.diags.at(
          f.decl.name,
          "KTS1103",
          `'${f.name}' embeds ${name}, which contains itself (${loop}): it would have no size`,
        );
      } else if (s === undefined) visit(inner, [...path, name]);
    }
    state.set(c, "done");
  };
  for (const c of sema.structs.keys())
    if (!state.has(c)) visit(c as ts.ClassDeclaration, [c.name?.text ?? "?"]);
}
