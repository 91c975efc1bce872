// expect: KTS1322 12:10
// expect: KTS1322 22:24
// @inline functions that call themselves, directly or around a loop: the C compiler
// cannot inline them into every call.

/**
 * Counts down by calling itself.
 * @inline
 */
export function down(n: u32): u32 {
  if (n === 0) return 0;
  return down(n - 1);
}

/** @inline */
function ping(n: u32): u32 {
  return n === 0 ? 0 : pong(n - 1);
}

/** @inline */
function pong(n: u32): u32 {
  return n === 0 ? 1 : ping(n - 1);
}

export function start(n: u32): u32 {
  return ping(n);
}
