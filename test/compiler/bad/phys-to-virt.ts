// expect: KTS1002 6:9
// expect: KTS1201 6:19
// A Phys stored in a Virt (tsc rejects it too).

export function f(p: Phys): Virt {
  const v: Virt = p;
  return v;
}
