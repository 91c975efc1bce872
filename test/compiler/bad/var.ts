// expect: KTS1306 5:3
// `var` in a function.

export function f(): u32 {
  var x: u32 = 1;
  return x;
}
