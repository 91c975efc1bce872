// expect: KTS1301 4:33
// A function expression.

let handler: (v: u32) => void = function (v: u32): void {};

export function f(): void {}
