// log() formats for every type: bool, str (literal, constant, variable,
// conditional), unsigned and signed at every width with their extremes,
// hex() of integers and addresses, Phys/Virt, escapes and empty lines.
// expect-out: plain text line
// expect-out:
// expect-out: bools true false true
// expect-out: str constant hello, literal world, chosen yes, no
// expect-out: u8 0 255 u16 65535 u32 4294967295 u64 18446744073709551615 usize 18446744073709551615
// expect-out: i8 -128 127 i16 -32768 32767 i32 -2147483648 2147483647
// expect-out: i64 -9223372036854775808 9223372036854775807 isize -9223372036854775808 9223372036854775807
// expect-out: zero 0 0 minus one -1
// expect-out: hex 0x0 0xff 0xdeadbeef 0xffffffffffffffff signed -1 as 0xffffffffffffffff
// expect-out: hex u8 0xff i8(-1) 0xff i16(-2) 0xfffe
// expect-out: phys 0x1000 virt 0xffff800000000000 hex(phys) 0x1000 zero phys 0x0
// expect-out: enum 5 expression 43 call 7 ternary 9
// expect-out: quote " backslash \ tab[	] percent % trigraph ??= braces {} dollar $ x${}
// expect-out: adjacent 12true-3hello
// expect-out: utf-8 é ✓

const GREETING: str = "hello";
const ON: bool = true;
let off: bool = false;
const BASE: Phys = phys(0x1000);

enum E {
  A = 5,
}

function seven(): u32 {
  return 7;
}

function pick(b: bool): str {
  return b ? "yes" : "no";
}

export function main(): void {
  log("plain text line");
  log("");
  log(`bools ${ON} ${off} ${!off && ON}`);
  const w: str = "world";
  log(`str constant ${GREETING}, literal ${w}, chosen ${pick(true)}, ${pick(false)}`);
  log(`u8 ${u8.MIN} ${u8.MAX} u16 ${u16.MAX} u32 ${u32.MAX} u64 ${u64.MAX} usize ${usize.MAX}`);
  log(`i8 ${i8.MIN} ${i8.MAX} i16 ${i16.MIN} ${i16.MAX} i32 ${i32.MIN} ${i32.MAX}`);
  log(`i64 ${i64.MIN} ${i64.MAX} isize ${isize.MIN} ${isize.MAX}`);
  const z: u32 = 0;
  const zs: i16 = 0;
  const m1: i64 = -1;
  log(`zero ${z} ${zs} minus one ${m1}`);
  log(
    `hex ${hex(z)} ${hex(u8.MAX)} ${hex(u32(0xdead_beef))} ${hex(u64.MAX)} signed ${m1} as ${hex(m1)}`,
  );
  const b8: i8 = -1;
  const b16: i16 = -2;
  log(`hex u8 ${hex(u8(255))} i8(-1) ${hex(b8)} i16(-2) ${hex(b16)}`);
  const kb = virt(0xffff_8000_0000_0000);
  log(`phys ${BASE} virt ${kb} hex(phys) ${hex(BASE)} zero phys ${phys(0)}`);
  log(`enum ${E.A} expression ${seven() * 6 + 1} call ${seven()} ternary ${ON ? seven() + 2 : z}`);
  log(`quote " backslash \\ tab[\t] percent % trigraph ??= braces {} dollar $ x$\{}`);
  log(`adjacent ${u8(1)}${u16(2)}${ON}${i32(-3)}${GREETING}`);
  log(`utf-8 é ✓`);
  off = true;
  assert(off);
}
