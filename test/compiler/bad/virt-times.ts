// expect: KTS1212 5:12
// An address times an integer has no meaning.

export function f(a: Virt): Virt {
  return a * 2;
}
