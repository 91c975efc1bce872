// Unit conversions without 64-bit overflow: floor(v · mul / div) as
// (v / div) · mul + ((v mod div) · mul) / div, which is exact and never wraps
// as long as (div − 1) · mul fits in 64 bits (asserted). A plain (v · mul) /
// div wraps much earlier: 5 s in nanoseconds times a 3.7 GHz TSC is past 2^64,
// which once made the watchdog's 5 s about 14 ms.

/** floor(v · mul / div) for div ≠ 0, (div − 1) · mul < 2^64 and a result below 2^64. */
export function scale(v: u64, mul: u64, div: u64): u64 {
  assert(div !== 0 && (mul === 0 || div - 1 <= u64.MAX / mul), "scale: factors out of range");
  const q = v / div;
  assert(mul === 0 || q <= u64.MAX / mul, "scale: result beyond 64 bits");
  const whole = q * mul;
  const part = ((v % div) * mul) / div;
  assert(whole <= u64.MAX - part, "scale: result beyond 64 bits");
  return whole + part;
}
