// expect: KTS1306 4:1
// `var` at module level.

var ticks: u64 = 0;

export function f(): u64 {
  return ticks;
}
