// expect: KTS1212 5:12
// A signed offset added to an address.

export function f(v: Virt, delta: i64): Virt {
  return v + delta;
}
