// expect: KTS1201 5:22
// An integer literal used as a physical address.

export function f(): Phys {
  const base: Phys = 0x1000;
  return base;
}
