// Module-level declarations and function bodies: which TypeScript the dialect
// accepts, and the typing of every statement.

import { ts } from "ts-morph";
import type { Module } from "../load/project.ts";
import { declType } from "./declarations.ts";
import {
  badLiteralCount,
  checkConstantCount,
  checkExpr,
  checkValue,
  coerce,
  compoundOps,
  foldTyped,
  resolveLit,
} from "./expressions.ts";
import { checkLayout } from "./layout.ts";
import type { Sema } from "./sema.ts";
import { dtypeOfNode } from "./typemap.ts";
import { BOOL, type DType, show, widensTo } from "./types.ts";

const K = ts.SyntaxKind;

function hasModifier(n: ts.Node, kind: ts.SyntaxKind): boolean {
  return !!(ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === kind));
}

/** First pass over all modules: structs and enums, so any module can use them. */
export function registerTypes(sema: Sema, m: Module): void {
  const d = sema.diags;
  const taken = new Map<string, ts.Node>();
  for (const s of sema.structs.values()) taken.set(s.name, s.decl);
  for (const e of sema.enums.values()) taken.set(e.name, e.decl);
  for (const st of m.sf.statements) {
    if ((ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
      const prev = taken.get(st.name.text);
      if (prev) {
        d.at(
          st.name,
          "KTS1107",
          `'${st.name.text}' is already declared in ${sema.lp.relPath(prev.getSourceFile())}: struct and enum names are global in C`,
        );
        continue;
      }
      taken.set(st.name.text, st);
    }
    if (ts.isClassDeclaration(st) && st.name) {
      sema.structs.set(st, {
        decl: st,
        name: st.name.text,
        module: m,
        fields: [],
        packed: false,
        offsets: [],
      });
    } else if (ts.isEnumDeclaration(st)) {
      let next = 0n;
      const members: { name: string; value: bigint }[] = [];
      for (const mem of st.members) {
        // The member is `<Enum>_<member>` in C: a string or computed name has no C spelling.
        if (!ts.isIdentifier(mem.name))
          d.at(mem.name, "KTS1108", "enum member names are plain identifiers");
        let v = next;
        if (mem.initializer) {
          const f = foldEnum(mem.initializer, members);
          if (f === undefined || f < 0n || f > 0xffff_ffffn) {
            d.at(mem.initializer, "KTS1108", "an enum member is a constant u32 expression");
          } else v = f;
        }
        members.push({
          name: ts.isIdentifier(mem.name) ? mem.name.text : mem.name.getText(),
          value: v,
        });
        next = v + 1n;
      }
      sema.enums.set(st, { decl: st, name: st.name.text, module: m, members });
    }
  }
}

/** Enum initializers: literals, earlier members and | & << + - on them. */
function foldEnum(e: ts.Expression, prev: { name: string; value: bigint }[]): bigint | undefined {
  if (ts.isParenthesizedExpression(e)) return foldEnum(e.expression, prev);
  if (ts.isNumericLiteral(e)) {
    const t = e.getText().replace(/_/g, "");
    return /^(0[xXbBoO][0-9a-fA-F]+|[0-9]+)$/.test(t) ? BigInt(t) : undefined;
  }
  if (ts.isIdentifier(e)) return prev.find((p) => p.name === e.text)?.value;
  if (ts.isBinaryExpression(e)) {
    const a = foldEnum(e.left, prev);
    const b = foldEnum(e.right, prev);
    if (a === undefined || b === undefined) return undefined;
    switch (e.operatorToken.kind) {
      case K.BarToken:
        return a | b;
      case K.AmpersandToken:
        return a & b;
      case K.LessThanLessThanToken:
        return b < 32n ? a << b : undefined;
      case K.PlusToken:
        return a + b;
      case K.MinusToken:
        return a - b;
    }
  }
  return undefined;
}

export function checkModule(sema: Sema, m: Module): void {
  const d = sema.diags;
  if (m.sf.statements.length === 0) {
    d.atPos(
      m.sf,
      0,
      "KTS1004",
      "empty module: a module declares at least one function, struct, enum or variable",
    );
    return;
  }
  for (const st of m.sf.statements) checkTopLevel(sema, st);
}

function checkTopLevel(sema: Sema, st: ts.Statement): void {
  const d = sema.diags;
  if (hasModifier(st, K.DeclareKeyword)) {
    d.at(st, "KTS1106", "`declare` is only for the prelude");
    return;
  }
  if (hasModifier(st, K.DefaultKeyword)) {
    d.at(st, "KTS1106", "default exports are not part of the dialect: use named exports");
    return;
  }
  switch (st.kind) {
    case K.ImportDeclaration:
      return checkImport(sema, st as ts.ImportDeclaration);
    case K.FunctionDeclaration:
      return checkFunction(sema, st as ts.FunctionDeclaration);
    case K.ClassDeclaration:
      return checkClass(sema, st as ts.ClassDeclaration);
    case K.EnumDeclaration:
    case K.EmptyStatement:
      return;
    case K.TypeAliasDeclaration: {
      const ta = st as ts.TypeAliasDeclaration;
      if (ta.typeParameters?.length) {
        d.at(ta.name, "KTS1105", "generic type aliases are not part of the dialect");
        return;
      }
      // Validates the aliased type (reports `number`, `any`, unions...).
      // Aliases of the prelude's integer types keep that type's meaning.
      dtypeOfNode(sema, ta.type);
      return;
    }
    case K.VariableStatement:
      return checkDeclarationList(sema, (st as ts.VariableStatement).declarationList);
    case K.ExpressionStatement: {
      const e = (st as ts.ExpressionStatement).expression;
      if (
        ts.isCallExpression(e) &&
        ts.isIdentifier(e.expression) &&
        e.expression.text === "layout"
      ) {
        const decl = sema.resolve(e.expression);
        if (decl && sema.isPreludeNode(decl)) return checkLayout(sema, e);
      }
      d.at(st, "KTS1311", "a module holds declarations only; put statements in a function");
      return;
    }
    case K.InterfaceDeclaration:
      d.at(st, "KTS1106", "interfaces are not part of the dialect: use a class (struct)");
      return;
    case K.ModuleDeclaration:
      d.at(st, "KTS1106", "namespaces are not part of the dialect: use modules");
      return;
    case K.ExportDeclaration:
    case K.ExportAssignment:
      d.at(st, "KTS1106", "re-exports and export assignments are not part of the dialect");
      return;
    case K.ImportEqualsDeclaration:
      d.at(st, "KTS1106", "`import =` is not part of the dialect");
      return;
    default:
      checkForbiddenStatement(sema, st) ||
        d.at(st, "KTS1311", "a module holds declarations only; put statements in a function");
  }
}

function checkImport(sema: Sema, imp: ts.ImportDeclaration): void {
  const d = sema.diags;
  const spec = imp.moduleSpecifier as ts.StringLiteral;
  const sym = sema.checker.getSymbolAtLocation(spec);
  const target = sym?.valueDeclaration ?? sym?.declarations?.[0];
  const sf = target && ts.isSourceFile(target) ? target : undefined;
  if (!spec.text.startsWith(".") || !sf || !sema.moduleOf.has(sf) || !sema.inProject(sf)) {
    d.at(
      spec,
      "KTS1003",
      `'${spec.text}' is not a module of this project: only relative imports of project files`,
    );
    return;
  }
  if (imp.importClause?.name) {
    d.at(
      imp.importClause.name,
      "KTS1106",
      "default imports are not part of the dialect: use named imports",
    );
  }
}

function checkSignature(sema: Sema, f: ts.FunctionDeclaration | ts.MethodDeclaration): void {
  const d = sema.diags;
  const where = f.name ?? f;
  if (f.typeParameters?.length)
    d.at(f.typeParameters[0], "KTS1105", "generic functions are not part of the dialect");
  if (hasModifier(f, K.AsyncKeyword) || f.asteriskToken)
    d.at(where, "KTS1303", "async functions and generators are not part of the dialect");
  for (const p of f.parameters) {
    if (!ts.isIdentifier(p.name))
      d.at(p, "KTS1309", "destructuring parameters are not part of the dialect");
    else if (p.dotDotDotToken) d.at(p, "KTS1309", "rest parameters are not part of the dialect");
    else if (p.questionToken || p.initializer)
      d.at(p, "KTS1309", "optional and default parameters are not part of the dialect");
    else if (!p.type) d.at(p, "KTS1104", `parameter '${p.name.text}' needs a type annotation`);
  }
}

function checkFunction(sema: Sema, f: ts.FunctionDeclaration): void {
  checkSignature(sema, f);
  if (!f.body) {
    sema.diags.at(f, "KTS1106", "function declarations without a body are not part of the dialect");
    return;
  }
  const ft = declType(sema, f);
  checkBody(sema, f.body, ft?.k === "fn" ? ft.ret : undefined);
}

function checkClass(sema: Sema, c: ts.ClassDeclaration): void {
  const d = sema.diags;
  const info = sema.structs.get(c);
  if (c.typeParameters?.length)
    d.at(c.typeParameters[0], "KTS1105", "generic classes are not part of the dialect");
  if (c.heritageClauses?.length)
    d.at(
      c.heritageClauses[0],
      "KTS1106",
      "inheritance is not part of the dialect: embed with Inline<T>",
    );
  if (hasModifier(c, K.AbstractKeyword))
    d.at(c, "KTS1106", "abstract classes are not part of the dialect");
  for (const mem of c.members) {
    if (ts.isPropertyDeclaration(mem)) {
      if (hasModifier(mem, K.StaticKeyword)) {
        d.at(
          mem,
          "KTS1106",
          "static fields are not part of the dialect: use a module-level variable",
        );
        continue;
      }
      if (mem.questionToken)
        d.at(
          mem.questionToken,
          "KTS1106",
          "optional fields are not part of the dialect: every field exists, zeroed at first",
        );
      if (mem.initializer) {
        d.at(
          mem.initializer,
          "KTS1310",
          "field initializers are not part of the dialect: objects start zeroed",
        );
      }
      if (!mem.type) {
        d.at(mem.name, "KTS1104", `field '${mem.name.getText()}' needs a type annotation`);
        continue;
      }
      if (!ts.isIdentifier(mem.name)) {
        d.at(mem.name, "KTS1106", "field names are plain identifiers");
        continue;
      }
      const t = declType(sema, mem);
      if (t && (t.k === "void" || t.k === "never"))
        d.at(mem.type, "KTS1103", `a field cannot have type '${show(t)}'`);
      if (t && info) info.fields.push({ decl: mem, name: mem.name.text, type: t });
    } else if (ts.isMethodDeclaration(mem)) {
      checkSignature(sema, mem);
      // `<Class>_<method>` in C: a string or computed name has no C spelling, as for fields.
      if (!ts.isIdentifier(mem.name)) {
        d.at(mem.name, "KTS1106", "method names are plain identifiers");
        continue;
      }
      if (!mem.body) {
        d.at(mem, "KTS1106", "methods need a body");
        continue;
      }
      const ft = declType(sema, mem);
      checkBody(sema, mem.body, ft?.k === "fn" ? ft.ret : undefined);
    } else if (ts.isConstructorDeclaration(mem)) {
      d.at(
        mem,
        "KTS1313",
        "constructors are not part of the dialect: objects start zeroed; write a static create()",
      );
    } else if (!ts.isSemicolonClassElement(mem)) {
      d.at(
        mem,
        "KTS1106",
        "getters, setters, index signatures and static blocks are not part of the dialect",
      );
    }
  }
}

/** `let`/`const` declarations, module-level or local; `var` is rejected. */
function checkDeclarationList(sema: Sema, list: ts.VariableDeclarationList): void {
  if (!(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) {
    sema.diags.at(list.parent, "KTS1306", "`var` is not part of the dialect: use let or const");
    return;
  }
  for (const decl of list.declarations) declType(sema, decl);
}

function checkBody(sema: Sema, body: ts.Block, ret: DType | undefined): void {
  for (const st of body.statements) checkStatement(sema, st, ret);
}

function checkCondition(sema: Sema, e: ts.Expression): void {
  const t = checkValue(sema, e, BOOL);
  if (t && t.k !== "bool")
    sema.diags.at(e, "KTS1211", `a condition must be bool, not '${show(t)}': compare explicitly`);
}

/** Reports statements the dialect rejects; returns true if it did. */
function checkForbiddenStatement(sema: Sema, st: ts.Statement): boolean {
  const d = sema.diags;
  switch (st.kind) {
    case K.TryStatement:
    case K.ThrowStatement:
      d.at(st, "KTS1302", "exceptions are not part of the dialect: return a status or panic()");
      return true;
    case K.ForOfStatement:
    case K.ForInStatement:
      d.at(st, "KTS1306", "for-of and for-in are not part of the dialect: use a counting for loop");
      return true;
    case K.LabeledStatement:
      d.at(st, "KTS1306", "labeled statements are not part of the dialect");
      return true;
    case K.WithStatement:
    case K.DebuggerStatement:
      d.at(st, "KTS1306", "this statement is not part of the dialect");
      return true;
    case K.FunctionDeclaration:
    case K.ClassDeclaration:
    case K.EnumDeclaration:
    case K.InterfaceDeclaration:
    case K.TypeAliasDeclaration:
      if (!ts.isSourceFile(st.parent)) {
        d.at(
          st,
          "KTS1315",
          "declarations inside functions are not part of the dialect: declare them at module level",
        );
        return true;
      }
      return false;
  }
  return false;
}

function checkStatement(sema: Sema, st: ts.Statement, ret: DType | undefined): void {
  const d = sema.diags;
  if (checkForbiddenStatement(sema, st)) return;
  switch (st.kind) {
    case K.Block:
      return checkBody(sema, st as ts.Block, ret);
    case K.EmptyStatement:
      return;
    case K.VariableStatement:
      return checkDeclarationList(sema, (st as ts.VariableStatement).declarationList);
    case K.ExpressionStatement:
      return checkEffect(sema, (st as ts.ExpressionStatement).expression);
    case K.IfStatement: {
      const s = st as ts.IfStatement;
      checkCondition(sema, s.expression);
      checkStatement(sema, s.thenStatement, ret);
      if (s.elseStatement) checkStatement(sema, s.elseStatement, ret);
      return;
    }
    case K.WhileStatement:
    case K.DoStatement: {
      const s = st as ts.WhileStatement | ts.DoStatement;
      checkCondition(sema, s.expression);
      checkStatement(sema, s.statement, ret);
      return;
    }
    case K.ForStatement: {
      const s = st as ts.ForStatement;
      if (s.initializer) {
        if (ts.isVariableDeclarationList(s.initializer)) checkDeclarationList(sema, s.initializer);
        else checkEffect(sema, s.initializer);
      }
      if (s.condition) checkCondition(sema, s.condition);
      if (s.incrementor) checkEffect(sema, s.incrementor);
      checkStatement(sema, s.statement, ret);
      return;
    }
    case K.ReturnStatement: {
      const s = st as ts.ReturnStatement;
      if (s.expression) {
        if (ret?.k === "void") {
          d.at(s.expression, "KTS1201", "a void function returns no value");
          return;
        }
        coerce(sema, s.expression, checkExpr(sema, s.expression, ret), ret);
      }
      return;
    }
    case K.BreakStatement:
    case K.ContinueStatement:
      if ((st as ts.BreakStatement).label)
        d.at(st, "KTS1306", "labeled break/continue is not part of the dialect");
      return;
    case K.SwitchStatement:
      return checkSwitch(sema, st as ts.SwitchStatement, ret);
    default:
      d.at(st, "KTS1306", `this statement (${K[st.kind]}) is not part of the dialect`);
  }
}

function checkSwitch(sema: Sema, s: ts.SwitchStatement, ret: DType | undefined): void {
  const d = sema.diags;
  const t = checkValue(sema, s.expression);
  if (t && t.k !== "int") {
    d.at(s.expression, "KTS1213", `switch takes an integer, not '${show(t)}'`);
    return;
  }
  const seen = new Set<bigint>();
  for (const clause of s.caseBlock.clauses) {
    if (ts.isCaseClause(clause) && t) {
      const reported = d.list.length;
      coerce(sema, clause.expression, checkExpr(sema, clause.expression, t), t);
      const v = foldTyped(sema, clause.expression);
      // A literal that does not fit (KTS1203) is a constant, only not one of this type.
      if (v === undefined && d.list.length > reported) continue;
      if (v === undefined) d.at(clause.expression, "KTS1317", "a case label must be a constant");
      else if (seen.has(v)) d.at(clause.expression, "KTS1317", `duplicate case label ${v}`);
      else seen.add(v);
    }
    for (const st of clause.statements) checkStatement(sema, st, ret);
  }
}

/** A statement-level expression: a call, an assignment or an increment. */
export function checkEffect(sema: Sema, e: ts.Expression): void {
  const d = sema.diags;
  if (ts.isParenthesizedExpression(e)) return checkEffect(sema, e.expression);
  if (ts.isCallExpression(e)) {
    const t = checkExpr(sema, e);
    if (t?.k === "lit") d.at(e, "KTS1206", "unused literal");
    return;
  }
  if (
    (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) &&
    (e.operator === K.PlusPlusToken || e.operator === K.MinusMinusToken)
  ) {
    const t = checkLvalue(sema, e.operand);
    if (t && t.k !== "int") d.at(e, "KTS1213", `'++'/'--' needs an integer, not '${show(t)}'`);
    return;
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === K.EqualsToken) {
      const lt = checkLvalue(sema, e.left);
      coerce(sema, e.right, checkExpr(sema, e.right, lt), lt);
      return;
    }
    const base = compoundOps.get(op);
    if (base !== undefined) return checkCompound(sema, e, base);
    if (op === K.CommaToken) {
      d.at(e.operatorToken, "KTS1307", "the comma operator is not part of the dialect");
      return;
    }
  }
  const before = d.count;
  checkExpr(sema, e);
  // An expression already reported (`await f();`, `a == b;`) gets no second error.
  if (d.count === before)
    d.at(e, "KTS1306", "an expression statement must be a call, an assignment or an increment");
}

/** `x op= y`: the result of `x op y` must have x's type (no hidden narrowing). */
function checkCompound(sema: Sema, e: ts.BinaryExpression, base: ts.SyntaxKind): void {
  const d = sema.diags;
  const lt = checkLvalue(sema, e.left);
  if (!lt) return;
  const isShift = base === K.LessThanLessThanToken || base === K.GreaterThanGreaterThanToken;
  if (lt.k === "addr") {
    const rt = checkExpr(sema, e.right, lt);
    if (rt?.k === "lit")
      resolveLit(sema, e.right, { k: "int", name: "u64", bits: 64, signed: false });
    else if (!rt || rt.k !== "int" || rt.signed) {
      if (rt) d.at(e.right, "KTS1212", `'${show(rt)}' cannot be combined with an address`);
    }
    if (![K.PlusToken, K.MinusToken, K.AmpersandToken, K.BarToken].includes(base))
      d.at(e.operatorToken, "KTS1212", "only +=, -=, &= and |= apply to addresses");
    return;
  }
  if (lt.k === "str") {
    // `s += "y"` is the string concatenation `s = s + "y"` (KTS1304), not an undefined operator.
    d.at(
      e,
      "KTS1304",
      "strings cannot be concatenated or compared: the dialect has no dynamic strings",
    );
    return;
  }
  if (lt.k !== "int") {
    d.at(
      e.operatorToken,
      "KTS1213",
      `'${e.operatorToken.getText()}' is not defined for '${show(lt)}'`,
    );
    checkExpr(sema, e.right);
    return;
  }
  const rt = checkExpr(sema, e.right, isShift ? undefined : lt);
  if (!rt) return;
  if (isShift) {
    if (rt.k === "lit") {
      if (badLiteralCount(sema, e, lt)) return;
      resolveLit(sema, e.right, { k: "int", name: "u32", bits: 32, signed: false });
      checkConstantCount(sema, e, lt);
    } else if (rt.k !== "int") d.at(e.right, "KTS1213", "a shift count must be an integer");
    else checkConstantCount(sema, e, lt);
    return;
  }
  if (rt.k === "lit") {
    resolveLit(sema, e.right, lt);
  } else if (rt.k !== "int") {
    d.at(e.right, "KTS1213", `'${e.operatorToken.getText()}' is not defined for '${show(rt)}'`);
    return;
  } else if (rt.signed !== lt.signed) {
    d.at(
      e.operatorToken,
      "KTS1202",
      `'${lt.name}' and '${rt.name}' differ in signedness: convert explicitly`,
    );
    return;
  } else if (!widensTo(rt, lt)) {
    d.at(
      e.right,
      "KTS1201",
      `'${rt.name}' does not convert to '${lt.name}' without a conversion: write ${lt.name}(...)`,
    );
    return;
  }
  if (base === K.SlashToken || base === K.PercentToken) {
    const v = foldTyped(sema, e.right);
    if (v === 0n) d.at(e.right, "KTS1208", "division by constant zero");
    else if (v !== undefined && !(lt.signed && v === -1n)) sema.safeRhs.add(e);
  }
}

/** An assignment target: a mutable variable, a field, an array element. */
function checkLvalue(sema: Sema, e: ts.Expression): DType | undefined {
  const d = sema.diags;
  const t = checkValue(sema, e);
  if (!t) return undefined;
  if (ts.isIdentifier(e)) {
    const ref = sema.refs.get(e);
    if (
      ref?.k === "var" &&
      ts.isVariableDeclaration(ref.decl) &&
      ref.decl.parent.flags & ts.NodeFlags.Const
    ) {
      d.at(e, "KTS1314", `'${e.text}' is a const`);
      return undefined;
    }
    if (ref?.k !== "var") {
      d.at(e, "KTS1314", `'${e.text}' cannot be assigned`);
      return undefined;
    }
    if (t.k === "arr" || t.k === "atomic" || t.k === "percpu") {
      d.at(e, "KTS1314", `a whole '${show(t)}' cannot be assigned`);
      return undefined;
    }
    return t;
  }
  if (ts.isPropertyAccessExpression(e) && sema.refs.get(e)?.k === "field") {
    if (t.k === "inline" || t.k === "arr" || t.k === "atomic") {
      d.at(e, "KTS1314", `a '${show(t)}' field cannot be assigned as a whole`);
      return undefined;
    }
    return t;
  }
  if (ts.isElementAccessExpression(e)) {
    if (t.k === "inline" || t.k === "arr" || t.k === "atomic") {
      d.at(e, "KTS1314", `an element of type '${show(t)}' cannot be assigned as a whole`);
      return undefined;
    }
    return t;
  }
  d.at(e, "KTS1314", "this expression cannot be assigned");
  return undefined;
}
