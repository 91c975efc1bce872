// expect: KTS1109 8:23
// expect: KTS1109 12:23
// A linker symbol is declared `extern char name[];` in the module's C, which contradicts
// runtime-c/kts.h's own declaration of the name (a function, a macro): kts_new and kts_index
// are the runtime's, while kts_symbol_table, which the build generates, is not in the header.

export function allocator(): Virt {
  return linkerSymbol("kts_new");
}

export function checker(): Virt {
  return linkerSymbol("KTS_PERCPU");
}

export function table(): Virt {
  return linkerSymbol("kts_symbol_table");
}
