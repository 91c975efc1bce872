// expect: KTS1201 5:22
// A branch of ?: that panics has no value to give; an if statement says it.

export function f(x: u32): u32 {
  return x > 1 ? x : panic("small");
}
