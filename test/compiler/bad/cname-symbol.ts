// expect: KTS1109 11:23
// A linker symbol with the C name of a function of the program: the module's C would declare
// `extern char cname_symbol_entry[];` beside the function `cname_symbol_entry`.

/** Not called: its address is what the linker symbol would give. */
export function entry(): void {
  log("entered");
}

export function entryAddress(): Virt {
  return linkerSymbol("cname_symbol_entry");
}
