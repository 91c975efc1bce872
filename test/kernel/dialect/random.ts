// A deterministic xorshift64* generator for the host unit tests: the same
// sequence on every run and with every compiler, so a failure reproduces.

let state: u64 = 0x9e37_79b9_7f4a_7c15;

export function next(): u64 {
  let x = state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state = x;
  return x * 0x2545_f491_4f6c_dd1d;
}
