// Conversions inside expressions: narrowing keeps the low bits, widening
// zero- or sign-extends, literals take their context's type, operation width
// is the wider operand's, compound assignment widens its right side, and
// comparisons with a fixed result are still evaluated.
// expect-out: narrow u8(0x1ff) 255 u16(70000) 4464 i8(200) -56 i16(u16 65535) -1
// expect-out: widen u32(i32 -1) 4294967295 u64(i32 -1) 18446744073709551615 i64(i32 -1) -1 u64(u32 max) 4294967295
// expect-out: i32(u64 big) -2 isize(i8 -7) -7 usize(u8 9) 9
// expect-out: width u32*u32 in u64 0 vs u64(a)*b 4294967296
// expect-out: u8 sum wraps 44, u8 in u32 context 300
// expect-out: mixed: i64(u) - 10 = -7, u32(i) + 2 = 4294967293
// expect-out: compound: u8 += u8 4, u64 += u32 4294967300, i16 += i8 -32768
// expect-out: shifts: 1 << 40 1099511627776, i32 >> 3 -4, u8 << 7 128, runtime 33 % 32 -> 2
// expect-out: literal context: ~0 as u16 65535, -1 as i8 -1, 1 << 12 in u64 4096
// expect-out: fixed comparisons true false true false
// expect-out: div/rem -7/2 -3 -7%2 -1 7/-2 -3 MIN/-1 -128
// expect-out: neg of unsigned 4294967295, -x & x 8
// expect-out: narrow complement compared: ~u8(200) == 55 true ~u16(1) == 65534 true

function lowBits(x: u64): u8 {
  return u8(x);
}

function selfTest(x: u32): bool {
  return x === x;
}

export function main(): void {
  const big: u16 = 65535;
  log(
    `narrow u8(0x1ff) ${u8(u16(0x1ff))} u16(70000) ${u16(u32(70000))} i8(200) ${i8(u8(200))} i16(u16 65535) ${i16(big)}`,
  );
  const m1: i32 = -1;
  log(
    `widen u32(i32 -1) ${u32(m1)} u64(i32 -1) ${u64(m1)} i64(i32 -1) ${i64(m1)} u64(u32 max) ${u64(u32.MAX)}`,
  );
  const huge: u64 = 0xffff_ffff_ffff_fffe;
  const s8: i8 = -7;
  log(`i32(u64 big) ${i32(huge)} isize(i8 -7) ${isize(s8)} usize(u8 9) ${usize(lowBits(0x109))}`);

  const a: u32 = 0x1_0000;
  const b: u32 = 0x1_0000;
  const wide: u64 = a * b;
  log(`width u32*u32 in u64 ${wide} vs u64(a)*b ${u64(a) * b}`);

  const x: u8 = 200;
  const y: u8 = 100;
  const sum8 = x + y;
  const sum32: u32 = u32(x) + y;
  log(`u8 sum wraps ${sum8}, u8 in u32 context ${sum32}`);

  const u: u32 = 3;
  const i: i32 = -5;
  log(`mixed: i64(u) - 10 = ${i64(u) - 10}, u32(i) + 2 = ${u32(i) + 1 + 1}`);

  let c8: u8 = 250;
  c8 += u8(10);
  let c64: u64 = u32.MAX;
  c64 += u32(5);
  let c16: i16 = i16.MAX;
  const one: i8 = 1;
  c16 += one;
  log(`compound: u8 += u8 ${c8}, u64 += u32 ${c64}, i16 += i8 ${c16}`);

  const l64: u64 = 1 << 40;
  const neg: i32 = -32;
  let small: u8 = 1;
  small <<= 7;
  const count: u32 = 33;
  const one32: u32 = 1;
  log(
    `shifts: 1 << 40 ${l64}, i32 >> 3 ${neg >> 3}, u8 << 7 ${small}, runtime 33 % 32 -> ${one32 << count}`,
  );

  const allOnes: u16 = ~0;
  const minusOne: i8 = -1;
  const page: u64 = 1 << 12;
  log(`literal context: ~0 as u16 ${allOnes}, -1 as i8 ${minusOne}, 1 << 12 in u64 ${page}`);

  const flags: u32 = 6;
  log(`fixed comparisons ${selfTest(flags)} ${(flags & 4) === 5} ${x <= u8.MAX} ${x > 255}`);

  const n7: i32 = -7;
  const two: i32 = 2;
  const p7: i32 = 7;
  const mtwo: i32 = -2;
  const min8: i8 = i8.MIN;
  const mone8: i8 = -1;
  log(`div/rem -7/2 ${n7 / two} -7%2 ${n7 % two} 7/-2 ${p7 / mtwo} MIN/-1 ${min8 / mone8}`);

  const un: u32 = 1;
  const e8: u32 = 24;
  log(`neg of unsigned ${-un}, -x & x ${-e8 & e8}`);
  const b8: u8 = 200;
  const b16: u16 = 1;
  log(
    `narrow complement compared: ~u8(200) == 55 ${~b8 === 55} ~u16(1) == 65534 ${~b16 === 65534}`,
  );
}
