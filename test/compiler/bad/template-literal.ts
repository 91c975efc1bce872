// expect: KTS1305 5:10
// A template literal outside log/panic/assert.

export function f(x: u32): str {
  return `x=${x}`;
}
