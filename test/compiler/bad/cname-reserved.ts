// expect: KTS1109 15:3
// expect: KTS1109 19:3
// expect: KTS1109 22:7
// expect: KTS1109 26:7
// expect: KTS1109 30:7
// expect: KTS1109 36:31
// Module-level names that C and the headers every generated file includes already use:
// `SIZE.MAX` is <stdint.h>'s SIZE_MAX, `KTS.PERCPU` the runtime's KTS_PERCPU (kts_ and KTS_
// names are all the runtime's), `bool` a macro of <stdbool.h>, `_Frame` a name of the C
// compiler's (like _LP64), `lock` a variable of runtime-c/log.c, which the kernel compiles in
// one unit with its modules, and `int` a keyword. A linker symbol may begin with `__` or kts_:
// it names what the link provides (`__bss_end`).

enum SIZE {
  MAX = 1,
}

enum KTS {
  PERCPU = 2,
}

class bool {
  x: u32;
}

class _Frame {
  rip: u64;
}

class lock {
  held: u32;
}

export function f(b: bool, fr: _Frame, l: lock): u64 {
  const n: u64 = u64(SIZE.MAX + KTS.PERCPU + b.x + l.held) + fr.rip;
  return n + u64(linkerSymbol("int")) + u64(linkerSymbol("__bss_end"));
}
