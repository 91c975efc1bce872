// The fuzzer's random numbers: SplitMix64 (Steele, Lea, Flood 2014), one
// 64-bit state per stream. A worker's stream is seeded from the run's seed,
// the round and the worker's index (`streamSeed`), so what it asks for is a
// function of the seed alone; `mix` is the same finalizer, which the event
// handlers use to derive a choice from what an event brought.

export class Rng {
  s: u64;
}

/** SplitMix64's finalizer: a bijection of u64 that spreads every input bit. */
export function mix(v: u64): u64 {
  let z = v;
  z = (z ^ (z >> 30)) * 0xbf58_476d_1ce4_e5b9;
  z = (z ^ (z >> 27)) * 0x94d0_49bb_1331_11eb;
  return z ^ (z >> 31);
}

export function seed(r: Rng, s: u64): void {
  r.s = s;
}

export function next(r: Rng): u64 {
  r.s += 0x9e37_79b9_7f4a_7c15;
  return mix(r.s);
}

/** Uniform in [0, n) (n > 0; the modulo bias is below 2^-40 for the small n used here). */
export function below(r: Rng, n: u64): u64 {
  return next(r) % n;
}

/** True with probability num/den. */
export function chance(r: Rng, num: u64, den: u64): bool {
  return below(r, den) < num;
}

/** A value with about as many small as large magnitudes: a random width of 0…64 bits. */
export function wide(r: Rng): u64 {
  const bits = below(r, 65);
  const v = next(r);
  return bits === 64 ? v : v & ((u64(1) << bits) - 1);
}

/** The stream of worker `w` in round `round` of the run with seed `s`. */
export function streamSeed(s: u64, round: u64, w: u64): u64 {
  return mix(s ^ mix((round << 16) | w));
}
