// expect: KTS1316 6:10
// linkerSymbol() names its symbol with a string literal that is a C identifier.

export function f(): Virt {
  const name: str = "boot_stack";
  return linkerSymbol(name);
}
