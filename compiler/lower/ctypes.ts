// C spellings: types, declarators and literals (names: names.ts).

import type { DType, IntName, IntType } from "../check/types.ts";

const intC: Record<IntName, string> = {
  u8: "uint8_t",
  u16: "uint16_t",
  u32: "uint32_t",
  u64: "uint64_t",
  usize: "uintptr_t",
  i8: "int8_t",
  i16: "int16_t",
  i32: "int32_t",
  i64: "int64_t",
  isize: "intptr_t",
};

/**
 * A C declarator for `name` of type t: `uint32_t x`, `uint8_t buf[16]`,
 * `void (*fn)(uint32_t)`, `Ec *owner`. `name` may be empty for a type name.
 */
export function cdecl(t: DType, name: string): string {
  const sp = (base: string, n: string) => (n ? `${base} ${n}` : base);
  switch (t.k) {
    case "int":
      return sp(intC[t.name], name);
    case "addr":
      return sp(t.name === "Phys" ? "phys_t" : "virt_t", name);
    case "bool":
      return sp("bool", name);
    case "void":
    case "never":
      return sp("void", name);
    case "str":
      return sp("const char", `*${name}`);
    case "ptr":
      return cdecl(t.elem, `*${name}`);
    case "struct":
      return sp(t.name, `*${name}`);
    case "inline":
      return sp(t.struct.name, name);
    case "arr":
      // A pointer to an array is `T (*p)[N]`: without the brackets, an array of pointers.
      return cdecl(
        t.elem,
        `${name.startsWith("*") ? `(${name})` : name}[${t.len < 0 ? "" : t.len}]`,
      );
    case "atomic":
    case "percpu":
      return cdecl(t.elem, name);
    case "fn": {
      const params = t.params.length ? t.params.map((p) => cdecl(p, "")).join(", ") : "void";
      return cdecl(t.ret, `(*${name})(${params})`);
    }
    default:
      return sp("void", name);
  }
}

/** The C type name of a value of type t (arrays decay to pointers). */
export function ctype(t: DType): string {
  if (t.k === "arr") return cdecl(t.elem, "*");
  return cdecl(t, "");
}

export function cint(t: IntType): string {
  return intC[t.name];
}

/** The unsigned type C arithmetic on t is carried out in, without promotion surprises. */
export function cwork(t: IntType): string {
  return t.bits === 64 ? (t.signed ? "uint64_t" : cint(t)) : "uint32_t";
}

/** An integer constant of type t, spelled so C gives it that type's value. */
export function cliteral(v: bigint, t: IntType, hex = false): string {
  const digits = (x: bigint) => (hex && x >= 0n ? `0x${x.toString(16)}` : x.toString());
  if (!t.signed) return `${digits(v)}${t.bits === 64 ? "ull" : "u"}`;
  const suffix = t.bits === 64 ? "ll" : "";
  const min = -(1n << BigInt(t.bits - 1));
  if (v === min && t.bits >= 32) return `(-${digits(-v - 1n)}${suffix} - 1${suffix})`;
  return v < 0n ? `(${v}${suffix})` : `${digits(v)}${suffix}`;
}

/** A C string literal with the same bytes as the JavaScript string. */
export function cstring(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, "utf8")) {
    const ch = String.fromCharCode(b);
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (b === 10) out += "\\n";
    else if (b === 9) out += "\\t";
    else if (b === 13) out += "\\r";
    else if (b < 32 || b >= 127 || ch === "?") out += `\\${b.toString(8).padStart(3, "0")}`;
    else out += ch;
  }
  return out + '"';
}

/** `readCr0` -> `read_cr0`, for the runtime's intrinsic names. */
export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}
