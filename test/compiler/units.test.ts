// Unit tests of the compiler's small pieces: C spellings, literal parsing,
// widening, diagnostic format and order.

import t from "tap";
import { parseIntLiteral } from "../../compiler/check/constants.ts";
import { fits, intType, wrap } from "../../compiler/check/types.ts";
import { formatDiagnostic, sortDiagnostics } from "../../compiler/diagnostics.ts";
import { cdecl, cliteral, cstring } from "../../compiler/lower/ctypes.ts";
import { cident } from "../../compiler/lower/names.ts";

t.test("integer literals are read exactly", async (t) => {
  t.equal(parseIntLiteral("0xffff_ffff_ffff_ffff"), 0xffff_ffff_ffff_ffffn);
  t.equal(parseIntLiteral("0b1010"), 10n);
  t.equal(parseIntLiteral("0o17"), 15n);
  t.equal(parseIntLiteral("1_000"), 1000n);
  t.equal(parseIntLiteral("1.5"), undefined);
  t.equal(parseIntLiteral("1e3"), undefined);
});

t.test("ranges and wrap-around", async (t) => {
  t.ok(fits(255n, intType("u8")));
  t.notOk(fits(256n, intType("u8")));
  t.ok(fits(-128n, intType("i8")));
  t.notOk(fits(-129n, intType("i8")));
  t.equal(wrap(-1n, intType("u32")), 0xffff_ffffn);
  t.equal(wrap(0x80n, intType("i8")), -128n);
});

t.test("C literals have the dialect type's value", async (t) => {
  t.equal(cliteral(255n, intType("u8")), "255u");
  t.equal(cliteral(4096n, intType("u64"), true), "0x1000ull");
  t.equal(cliteral(-5n, intType("i32")), "(-5)");
  t.equal(cliteral(-2147483648n, intType("i32")), "(-2147483647 - 1)");
  t.equal(cliteral(-(1n << 63n), intType("i64")), "(-9223372036854775807ll - 1ll)");
});

t.test("C strings keep the bytes and avoid trigraphs", async (t) => {
  t.equal(cstring('a"b\\c\n'), '"a\\"b\\\\c\\n"');
  t.equal(cstring("??="), '"\\077\\077="');
  t.equal(cstring("é"), '"\\303\\251"');
});

t.test("C declarators", async (t) => {
  const u32 = intType("u32");
  t.equal(cdecl(u32, "x"), "uint32_t x");
  t.equal(cdecl({ k: "arr", elem: intType("u8"), len: 16 }, "buf"), "uint8_t buf[16]");
  t.equal(cdecl({ k: "ptr", elem: u32, nullable: false }, "p"), "uint32_t *p");
  t.equal(cdecl({ k: "fn", params: [u32], ret: { k: "void" } }, "h"), "void (*h)(uint32_t)");
  t.equal(
    cdecl({ k: "arr", elem: { k: "fn", params: [], ret: u32 }, len: 4 }, "table"),
    "uint32_t (*table[4])(void)",
  );
  t.equal(cident("int"), "int_");
  t.equal(cident("count"), "count");
});

t.test("diagnostics print like tsc's and sort by position", async (t) => {
  const a = { file: "kernel-ts/b.ts", line: 3, col: 1, code: "KTS1201" as const, message: "m" };
  const b = { file: "kernel-ts/a.ts", line: 9, col: 5, code: "KTS1003" as const, message: "n" };
  t.equal(formatDiagnostic(a), "kernel-ts/b.ts:3:1 - error KTS1201: m");
  t.same(sortDiagnostics([a, b]), [b, a]);
});
