// expect: KTS1109 13:23
// expect: KTS1109 17:9
// A linker symbol is declared `extern char name[];` in the module's C, so it meets the C names
// of the program: a function's (`cname_symbol_entry`), and a local's, which would hide it in
// its own initializer (`virt_t boot_stack = (virt_t)(uintptr_t)boot_stack;` reads itself).

/** Not called: its address is what the linker symbol would give. */
export function entry(): void {
  log("entered");
}

export function entryAddress(): Virt {
  return linkerSymbol("cname_symbol_entry");
}

export function stackTop(size: u64): Virt {
  const boot_stack: Virt = linkerSymbol("boot_stack");
  return boot_stack + size;
}
