// `@inline` in a function's doc comment: its definition gets `always_inline`, its header
// prototype does not (an exported one still has an external definition to link against),
// and a function without the tag is left to the C compiler.

/**
 * Exported and inlined.
 * @inline
 */
export function scaled(x: u32): u32 {
  return square(x) + 1;
}

/**
 * Private and inlined.
 * @inline
 */
function square(x: u32): u32 {
  return x * x;
}

/** Not tagged: the C compiler decides. */
export function plain(x: u32): u32 {
  return scaled(x) + square(x);
}

class Counter {
  n: u32;

  /**
   * A method may carry the tag too.
   * @inline
   */
  bump(): void {
    this.n++;
  }
}

const counter = new Counter();

export function count(): u32 {
  counter.bump();
  return counter.n;
}
