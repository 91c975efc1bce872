// Host unit test of kernel-ts/scale.ts; test/kernel/scale.test.ts builds it
// with gcc and clang under ASan+UBSan and checks every printed line against
// BigInt arithmetic: the conversions the kernel makes (nanoseconds to TSC
// ticks at 1 to 18 GHz, ticks to milliseconds) and random factors within the
// documented range.

import { scale } from "../../../kernel-ts/scale.ts";
import * as random from "./random.ts";

const RANDOM_CASES: u32 = 20_000;

function show(v: u64, mul: u64, div: u64): void {
  log(`scale ${v} ${mul} ${div} = ${scale(v, mul, div)}`);
}

export function main(_mode: u32): i32 {
  // 5 s (the watchdog), 1 s, 1 ms and a year in nanoseconds, at TSC rates up to 18 GHz.
  const ns = array<u64, 4>();
  ns[0] = 5_000_000_000;
  ns[1] = 1_000_000_000;
  ns[2] = 1_000_000;
  ns[3] = 31_536_000_000_000_000;
  const hz = array<u64, 5>();
  hz[0] = 1_000_000_000;
  hz[1] = 2_400_000_000;
  hz[2] = 3_700_000_000;
  hz[3] = 5_000_000_000;
  hz[4] = 18_000_000_000;
  for (let i: usize = 0; i < 4; i++)
    for (let j: usize = 0; j < 5; j++) {
      show(ns[i], hz[j], 1_000_000_000);
      // And back: ticks to milliseconds.
      show(scale(ns[i], hz[j], 1_000_000_000), 1000, hz[j]);
    }
  for (let i: u32 = 0; i < RANDOM_CASES; i++) {
    const div = (random.next() >> u64(random.next() % 64)) | 1;
    // (div − 1) · mul < 2^64; any mul when div is 1.
    const mul = div === 1 ? random.next() : random.next() % (u64.MAX / (div - 1));
    let v = random.next();
    // Results beyond 64 bits are outside the function's range (it asserts): keep v / div small.
    if (mul !== 0 && v / div >= u64.MAX / mul) v = v % div;
    show(v, mul, div);
  }
  log("scale: done");
  return 0;
}
