// Locals, parameters and fields spelled like a name that C or runtime-c/kts.h already uses (a
// keyword, a macro or type of <stdint.h>, <stddef.h> or <stdbool.h>, a runtime macro, function
// or type): C gets the name with `_` appended, and a name that already ends in `_` gets one
// more, so `int` and `int_` stay two. A function-like macro's name (`UINT8_C`, `KTS_PERCPU`)
// given to a local function pointer and called is the sharpest case: C would expand the macro.
// `$` stays in the C name (gcc and clang accept it), so `a$b` and `a_Sb` are two as well.
// expect-out: fields 1 2 3 4 5 6 7 8 9 10
// expect-out: locals 10 20 30 40 50 60 70 80
// expect-out: parameters 28
// expect-out: calls 6 9 22

class Spelled {
  SIZE_MAX: u32;
  INT32_MAX: u32;
  true: u32;
  NULL: u32;
  offsetof: u32;
  KTS_PERCPU_SECTION: u32;
  int: u32;
  int_: u32;
  a$b: u32;
  a_Sb: u32;
}

const hits = perCpu<u32>(5);

function twice(x: u8): u8 {
  return x * 2;
}

function plus4(x: u32): u32 {
  return x + 4;
}

function parameters(
  SIZE_MAX: u32,
  bool: u32,
  uint32_t: u32,
  main: u32,
  self: u32,
  int: u32,
  int_: u32,
): u32 {
  return SIZE_MAX + bool + uint32_t + main + self + int + int_;
}

export function main(): void {
  const s = new Spelled();
  s.SIZE_MAX = 1;
  s.INT32_MAX = 2;
  s.true = 3;
  s.NULL = 4;
  s.offsetof = 5;
  s.KTS_PERCPU_SECTION = 6;
  s.int = 7;
  s.int_ = 8;
  s.a$b = 9;
  s.a_Sb = 10;
  log(
    `fields ${s.SIZE_MAX} ${s.INT32_MAX} ${s.true} ${s.NULL} ${s.offsetof} ${s.KTS_PERCPU_SECTION} ${s.int} ${s.int_} ${s.a$b} ${s.a_Sb}`,
  );
  const NULL: u32 = 10;
  const INT8_MIN: u32 = 20;
  const phys_t: u32 = 30;
  const kts_index: u32 = 40;
  const __x: u32 = 50;
  const _Y: u32 = 60;
  const KTS_H: u32 = 70;
  const a$b: u32 = 80;
  log(`locals ${NULL} ${INT8_MIN} ${phys_t} ${kts_index} ${__x} ${_Y} ${KTS_H} ${a$b}`);
  log(`parameters ${parameters(1, 2, 3, 4, 5, 6, 7)}`);
  const UINT8_C: (x: u8) => u8 = twice;
  const KTS_PERCPU: (x: u32) => u32 = plus4;
  const true_: u32 = 13;
  log(`calls ${UINT8_C(3)} ${KTS_PERCPU(hits.get())} ${true_ + KTS_PERCPU(5)}`);
}
